/**
 * Runs the `stratus` CLI as a real process (node cli/bin.mjs) for the e2e tests: HOME in a temporary
 * folder (so profiles are the test's own), no inherited STRATUS_* or XDG variables, no colours, and
 * the connection to a test runtime in STRATUS_MANAGER/USER/PASSWORD unless the test says otherwise.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalRuntime } from '../../../local/runtime';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const bin = path.join(repoRoot, 'cli/bin.mjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('STRATUS_') || key.startsWith('XDG_') || key === 'FORCE_COLOR') continue;
    env[key] = value;
  }
  return env;
}

export class Cli {
  readonly home: string;

  constructor(readonly runtime?: LocalRuntime) {
    this.home = mkdtempSync(path.join(tmpdir(), 'stratus-cli-home-'));
  }

  env(extra: Record<string, string | undefined> = {}): Record<string, string> {
    const env: Record<string, string | undefined> = { ...baseEnv(), HOME: this.home, NO_COLOR: '1' };
    if (this.runtime) Object.assign(env, { STRATUS_MANAGER: this.runtime.restUrl, STRATUS_USER: this.runtime.admin.username, STRATUS_PASSWORD: this.runtime.admin.password });
    Object.assign(env, extra);
    return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  }

  run(args: string[], options: CliOptions = {}): Promise<Run> {
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [bin, ...args], { cwd: options.cwd ?? this.home, env: this.env(options.env), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (err as { code?: number | string }).code : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      });
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  }

  /** Runs and expects exit 0, returning stdout (the output is in the error otherwise). */
  async ok(args: string[], options: CliOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new Error(`stratus ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    return result.stdout;
  }

  async json<T = Record<string, unknown>>(args: string[], options: CliOptions = {}): Promise<T> {
    return JSON.parse(await this.ok([...args, '--json'], options)) as T;
  }
}

export const HELLO = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
inputs:
  count:
    type: integer
    default: 1
  name:
    type: string
    default: hello
  flag:
    type: boolean
    default: false
  free:
    description: no type, so key=value arrives as YAML reads it
    default: ''
node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties:
      ip: 10.0.0.5
      agent_config:
        install_method: none
    capabilities:
      scalable:
        properties:
          default_instances: { get_input: count }
  web:
    type: cloudify.nodes.WebServer
    relationships:
      - type: cloudify.relationships.contained_in
        target: vm
outputs:
  where:
    value: { concat: [ { get_input: name }, '@', { get_property: [vm, ip] } ] }
  count:
    value: { get_input: count }
  flag:
    value: { get_input: flag }
  free:
    value: { get_input: free }
`;

export const INVALID = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
node_templates:
  a:
    type: no.such.Type
`;
