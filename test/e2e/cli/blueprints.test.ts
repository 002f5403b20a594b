/**
 * `stratus blueprints validate|plan` as real processes (node cli/bin.mjs), on blueprint files
 * written to a temporary directory.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(repoRoot, 'cli/bin.mjs');
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function stratus(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

const APP = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
inputs:
  hosts:
    type: integer
    default: 1
  apps:
    type: integer
  name:
    type: string
    default: demo
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
          default_instances: { get_input: hosts }
  app:
    type: cloudify.nodes.ApplicationModule
    capabilities:
      scalable:
        properties:
          default_instances: { get_input: apps }
    relationships:
      - type: cloudify.relationships.contained_in
        target: vm
      - type: cloudify.relationships.connected_to
        target: db
  db:
    type: cloudify.nodes.Database
outputs:
  where:
    value: { concat: [ { get_input: name }, '@', { get_property: [vm, ip] } ] }
`;

const BAD_TARGET = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
node_templates:
  app:
    type: cloudify.nodes.Root
    relationships:
      - type: cloudify.relationships.connected_to
        target: nowhere
`;

const UNKNOWN_INPUT = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
node_templates:
  app:
    type: cloudify.nodes.Root
    properties:
      resource_id: { get_input: missing }
`;

const PLUGIN = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
  - plugin:demo-plugin
node_templates:
  thing:
    type: demo.nodes.Thing
`;

const DEMO_PLUGIN = `plugins:
  demo:
    executor: central_deployment_agent
    package_name: demo-plugin
    package_version: '1.0'
    install: false
node_types:
  demo.nodes.Thing:
    derived_from: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle:
        create: demo.tasks.create
`;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stratus-cli-bp-'));
  writeFileSync(path.join(dir, 'app.yaml'), APP);
  writeFileSync(path.join(dir, 'bad-target.yaml'), BAD_TARGET);
  writeFileSync(path.join(dir, 'unknown-input.yaml'), UNKNOWN_INPUT);
  writeFileSync(path.join(dir, 'plugin.yaml'), PLUGIN);
  writeFileSync(path.join(dir, 'inputs.yaml'), 'hosts: 2\napps: 1\n');
  mkdirSync(path.join(dir, 'plugins/demo-plugin'), { recursive: true });
  writeFileSync(path.join(dir, 'plugins/demo-plugin/plugin.yaml'), DEMO_PLUGIN);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('stratus blueprints validate', () => {
  it('accepts a valid blueprint with exit code 0', async () => {
    const run = await stratus('blueprints', 'validate', 'app.yaml');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is valid');
  });
  it('rejects an invalid blueprint: exit 1, its numeric code and message, nothing on stdout', async () => {
    const run = await stratus('blueprints', 'validate', 'bad-target.yaml');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Error \[25\]: .*nowhere/);
  });
  it('prints exactly {error_code, message} with --json, the REST code for code-less errors', async () => {
    const bad = await stratus('blueprints', 'validate', 'bad-target.yaml', '--json');
    expect(bad.code).toBe(1);
    const error = JSON.parse(bad.stdout);
    expect(Object.keys(error).sort()).toEqual(['error_code', 'message']);
    expect(error.error_code).toBe(25);
    const unknown = await stratus('blueprints', 'validate', 'unknown-input.yaml', '--json');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toEqual({ error_code: 'invalid_blueprint_error', message: expect.stringContaining("unknown input 'missing'") });
  });
  it('resolves plugin: imports from --plugins-dir, and fails clearly without it', async () => {
    const offline = await stratus('blueprints', 'validate', 'plugin.yaml', '--json');
    expect(offline.code).toBe(1);
    expect(JSON.parse(offline.stdout).message).toContain('demo-plugin');
    const found = await stratus('blueprints', 'validate', 'plugin.yaml', '--plugins-dir', 'plugins');
    expect(found.stderr).toBe('');
    expect(found.code).toBe(0);
  });
});

describe('stratus blueprints plan', () => {
  it('prints exactly the plan JSON, with -i values read as YAML scalars', async () => {
    const run = await stratus('blueprints', 'plan', 'app.yaml', '-i', 'hosts=2', '-i', 'apps=3', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(Object.keys(plan).sort()).toEqual(['groups', 'inputs', 'node_instances', 'nodes', 'outputs', 'policies', 'scaling_groups', 'workflows']);
    expect(plan.inputs).toEqual({ hosts: 2, apps: 3, name: 'demo' });
    const count = (node: string) => plan.node_instances.filter((i: { node_id: string }) => i.node_id === node).length;
    expect([count('vm'), count('app'), count('db')]).toEqual([2, 6, 1]);
    for (const instance of plan.node_instances) {
      expect(Object.keys(instance).sort()).toEqual(['host_id', 'id', 'node_id', 'relationships', 'scaling_groups']);
      expect(instance.id).toMatch(new RegExp(`^${instance.node_id}_[a-z0-9]{6}$`));
    }
    const app = plan.node_instances.find((i: { node_id: string }) => i.node_id === 'app');
    expect(app.relationships.map((r: { target_name: string }) => r.target_name)).toEqual(['vm', 'db']);
    expect(Object.keys(app.relationships[0]).sort()).toEqual(['target_id', 'target_name', 'type']);
    expect(app.host_id).toBe(app.relationships[0].target_id);
    const vm = plan.nodes.find((n: { id: string }) => n.id === 'vm');
    expect(vm).toMatchObject({ number_of_instances: 2, deploy_number_of_instances: 2, host_id: 'vm' });
    expect(plan.outputs.where.value).toBe('demo@10.0.0.5');
    expect(Object.keys(plan.workflows)).toContain('install');
  });
  it('merges an inputs file, later -i options overriding it, and keeps text for string inputs', async () => {
    const run = await stratus('blueprints', 'plan', 'app.yaml', '-i', 'inputs.yaml', '-i', 'apps=2', '-i', 'name=007', '--json');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.inputs).toEqual({ hosts: 2, apps: 2, name: '007' });
    expect(plan.node_instances).toHaveLength(2 + 4 + 1);
  });
  it('answers input errors with their REST codes', async () => {
    const missing = await stratus('blueprints', 'plan', 'app.yaml', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({ error_code: 'missing_required_deployment_input_error', message: expect.stringContaining("'apps'") });
    const unknown = await stratus('blueprints', 'plan', 'app.yaml', '-i', 'apps=1', '-i', 'colour=red', '--json');
    expect(JSON.parse(unknown.stdout).error_code).toBe('unknown_deployment_input_error');
    const badType = await stratus('blueprints', 'plan', 'app.yaml', '-i', 'apps=many', '--json');
    expect(JSON.parse(badType.stdout).error_code).toBe('bad_parameters_error');
  });
  it('prints a readable summary with an aligned node table', async () => {
    const run = await stratus('blueprints', 'plan', 'app.yaml', '-i', 'apps=3', '-i', 'hosts=2');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('NODE'));
    expect(header).toBeGreaterThan(0);
    expect(lines[header]).toMatch(/^NODE\s+TYPE\s+PER PARENT\s+INSTANCES\s+CONTAINED IN$/);
    const row = lines.find((l) => l.startsWith('app '))!;
    expect(row.split(/\s+/)).toEqual(['app', 'cloudify.nodes.ApplicationModule', '3', '6', 'vm']);
    // columns line up: every row's TYPE starts where the header's does
    const typeColumn = lines[header].indexOf('TYPE');
    for (const l of lines.slice(header + 1, header + 4)) expect(l[typeColumn - 1]).toBe(' ');
    expect(run.stdout).toContain('3 nodes, 9 node instances');
  });
  it('exits 2 on a malformed -i and on a missing FILE argument', async () => {
    const bad = await stratus('blueprints', 'plan', 'app.yaml', '-i', 'no-equals-sign', '--json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error_code).toBe('bad_parameters_error');
    const usage = await stratus('blueprints', 'plan');
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
  });
});
