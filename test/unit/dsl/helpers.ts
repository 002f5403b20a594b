import { expect } from '@jest/globals';
import { DslError } from '../../../src/dsl/errors';
import { memorySource, parseBlueprint } from '../../../src/dsl/parse';
import type { ParseOptions } from '../../../src/dsl/parse';
import type { Plan } from '../../../src/dsl/plan';

/** Parses in-memory files; the main file is 'blueprint.yaml' unless named. */
export function parseFiles(files: Record<string, string>, options: Partial<ParseOptions> = {}, main = 'blueprint.yaml'): Promise<Plan> {
  return parseBlueprint(main, { source: memorySource(files), ...options });
}

/** Parses one blueprint text. */
export function parseText(text: string, options: Partial<ParseOptions> = {}): Promise<Plan> {
  return parseFiles({ 'blueprint.yaml': text }, options);
}

/** The DslError a promise rejects with (fails the test if it resolves or throws anything else). */
export async function dslError(promise: Promise<unknown>): Promise<DslError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DslError) return err;
    throw err;
  }
  throw new Error('expected a DslError, but parsing succeeded');
}

export async function expectCode(promise: Promise<unknown>, code: number | null): Promise<DslError> {
  const err = await dslError(promise);
  expect({ code: err.code, message: err.message }).toEqual({ code, message: err.message });
  return err;
}

/** A blueprint header plus the 1_5 built-in types. */
export function withTypes(body: string, version = 'cloudify_dsl_1_5'): string {
  return `tosca_definitions_version: ${version}\nimports:\n  - cloudify/types/types.yaml\n${body}`;
}
