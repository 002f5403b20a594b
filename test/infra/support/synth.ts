/**
 * Synthesizes the Stratus app for assertion tests into a temporary directory and removes it again
 * (Template.fromStack would leave cdk.out* directories behind in TMPDIR).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { createStratusApp } from '../../../lib/app';
import { PROJECT_ROOT } from '../../../lib/paths';
import type { StratusStack } from '../../../lib/stratus-stack';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The context cdk.json gives the CLI (the App does not read cdk.json itself). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
  return cdkJson.context;
}

export interface SynthOptions {
  /** Overrides of cdk.json's context. */
  context?: Record<string, unknown>;
  /** Bundle the functions with esbuild (slow). @default false */
  bundle?: boolean;
  /** Run the cdk-nag packs. @default false */
  nag?: boolean;
  /** Run CDK's built-in CloudFormation template validation (slowest of all). @default false */
  cfnValidation?: boolean;
  /** Account and region of the stack. @default environment-agnostic */
  env?: { account?: string; region?: string };
  /** Called with the built stack, before synthesis (to add or break something). */
  beforeSynth?: (stack: StratusStack) => void;
  /** Called with the assembly directory (before it is removed), the assembly and the stack. */
  inspect?: (outdir: string, assembly: CloudAssembly, stack: StratusStack) => void;
}

export interface Synthesized {
  stack: StratusStack;
  template: Template;
  json: Json;
  /** validation-report.json, when validation ran and reported anything. */
  report?: Json;
  /** Annotations (warnings/errors) recorded on the stack's constructs. */
  messages: { level: string; id: string; entry: unknown }[];
}

/** Runs `fn` with a fresh temporary directory that is removed afterwards, whatever happens. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-infra-'));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function synthApp(app: App, outdir: string): { assembly: CloudAssembly; report?: Json } {
  const assembly = app.synth();
  const reportPath = path.join(outdir, 'validation-report.json');
  const report = fs.existsSync(reportPath) ? JSON.parse(fs.readFileSync(reportPath, 'utf8')) : undefined;
  return { assembly, report };
}

export function synthStratus(options: SynthOptions = {}): Synthesized {
  return withTempDir((outdir) => {
    const context = { ...cdkJsonContext(), ...options.context };
    if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
    // Record where each asset is staged (the CLI sets this too).
    else context['aws:cdk:enable-asset-metadata'] = true;
    const { app, stack } = createStratusApp({
      outdir,
      context,
      // Environment-agnostic whatever the shell exports: templates hold { Ref: AWS::Region }.
      env: options.env ?? {},
      nagChecks: options.nag ?? false,
      builtinCloudFormationValidation: options.cfnValidation ?? false,
    });
    options.beforeSynth?.(stack);
    const { assembly, report } = synthApp(app, outdir);
    options.inspect?.(outdir, assembly, stack);
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const json = artifact.template as Json;
    const messages = artifact.messages.map((m) => ({ level: m.level, id: m.id, entry: m.entry.data }));
    return { stack, template: Template.fromJSON(json), json, report, messages };
  });
}

/** Logical ids a CloudFormation value refers to (Ref and Fn::GetAtt), however deeply nested. */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedIds(v, into));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      else referencedIds(v, into);
    }
  }
  return into;
}

/** The logical id of an L2 construct's main resource. */
export function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as { logicalId: string } | undefined;
  if (!child) throw new Error('construct has no default child');
  return stack.resolve(child.logicalId);
}
