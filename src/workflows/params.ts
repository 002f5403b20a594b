/**
 * Reading workflow parameters: the REST layer has already applied the workflow's parameter schema
 * and defaults, but a builder may be called with raw values, so every reader checks its input and
 * says clearly what is wrong.
 */
import type { Dict } from '../dsl/plan';
import { WorkflowGraphError } from './errors';

export type Parameters = Record<string, unknown>;

function bad(name: string, expected: string, value: unknown): WorkflowGraphError {
  return new WorkflowGraphError(`Parameter ${name} must be ${expected}, got ${JSON.stringify(value)}`);
}

export function booleanParam(params: Parameters, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw bad(name, 'a boolean', value);
}

/** null/undefined stay null: Cloudify distinguishes "not given" for allow_kwargs_override. */
export function optionalBooleanParam(params: Parameters, name: string): boolean | null {
  return params[name] === undefined || params[name] === null ? null : booleanParam(params, name, false);
}

export function stringParam(params: Parameters, name: string): string | null {
  const value = params[name];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw bad(name, 'a string', value);
  return value;
}

export function requiredStringParam(params: Parameters, name: string): string {
  const value = stringParam(params, name);
  if (value === null) throw new WorkflowGraphError(`Parameter ${name} is required`);
  return value;
}

/** A list of strings; a single string is taken as a list of one when `single` allows it. */
export function stringListParam(params: Parameters, name: string, single = false): string[] {
  const value = params[name];
  if (value === undefined || value === null) return [];
  if (single && typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw bad(name, 'a list of strings', value);
  return value as string[];
}

export function dictParam(params: Parameters, name: string): Dict {
  const value = params[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(name, 'a dictionary', value);
  return value as Dict;
}

/** An integer, or a string holding one (Cloudify casts `delta` with int()). */
export function integerParam(params: Parameters, name: string, fallback: number): number {
  const value = params[name];
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw new WorkflowGraphError(`The ${name} parameter must be a number. Got: ${JSON.stringify(value)}`);
  return number;
}
