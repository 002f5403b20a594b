import { describe, expect, it } from '@jest/globals';
import type { Plan } from '../../../../src/dsl/plan';
import { expectCode, parseFiles, parseText, withTypes } from '../helpers';

const V = (v: string) => `tosca_definitions_version: cloudify_dsl_${v}\n`;
const P = 'plugins:\n  p: {executor: central_deployment_agent, install: false}\n  h: {executor: host_agent, install: false}\n';

function node(plan: Plan, id = 'n') {
  return plan.nodes.find((x) => x.id === id)!;
}

describe('interface merging, type -> subtype -> template (reference section 1, verified examples)', () => {
  const types = `${V('1_3')}${P}node_types:
  base:
    interfaces:
      i:
        op:
          implementation: p.base
          inputs:
            x: {default: 1}
            y: {default: 2}
        other: p.other
        kept: p.kept
  sub:
    derived_from: base
    interfaces:
      i:
        op:
          implementation: p.sub
          inputs:
            z: {default: 3}
        other: {}
`;

  it('a subtype operation replaces the parent one wholesale (inputs are not merged); {} makes a no-op', async () => {
    const plan = await parseText(`${types}node_templates:\n  n: {type: sub}\n`);
    const ops = node(plan).operations;
    expect(ops['i.op']).toMatchObject({ plugin: 'p', operation: 'sub', inputs: { z: 3 } });
    expect(ops['i.other']).toMatchObject({ plugin: '', operation: '', inputs: {} });
    expect(ops['i.kept']).toMatchObject({ plugin: 'p', operation: 'kept' });
  });

  it('a template without implementation inherits it and merges inputs over the schema', async () => {
    const plan = await parseText(`${types}node_templates:\n  n:\n    type: base\n    interfaces:\n      i:\n        op: {inputs: {x: 10, extra: e}, max_retries: 3}\n`);
    expect(node(plan).operations['i.op']).toMatchObject({
      plugin: 'p',
      operation: 'base',
      inputs: { x: 10, y: 2, extra: 'e' },
      max_retries: 3,
      retry_interval: null,
    });
  });

  it('a different template implementation takes only the template inputs and settings', async () => {
    const plan = await parseText(`${types}node_templates:\n  n:\n    type: base\n    interfaces:\n      i:\n        op: {implementation: p.custom, inputs: {w: 1}}\n`);
    expect(node(plan).operations['i.op']).toMatchObject({ operation: 'custom', inputs: { w: 1 } });
  });

  it('settings fall back to the type when the implementation is the same', async () => {
    const ok = await parseText(
      `${V('1_3')}${P}relationships: {cloudify.relationships.contained_in: {}}\nnode_types:\n  cloudify.nodes.Compute: {}\n  t:\n    interfaces:\n      i:\n        op: {implementation: p.x, executor: host_agent, max_retries: 5, retry_interval: 2, timeout: 30, timeout_recoverable: true}\nnode_templates:\n  host: {type: cloudify.nodes.Compute}\n  vm: {type: t, interfaces: {i: {op: {retry_interval: 9}}}, relationships: [{type: cloudify.relationships.contained_in, target: host}]}\n`,
    );
    expect(node(ok, 'vm').operations['i.op']).toMatchObject({ executor: 'host_agent', max_retries: 5, retry_interval: 9, timeout: 30, timeout_recoverable: true });
  });

  it('a template {} turns an inherited operation into a no-op; templates may add interfaces', async () => {
    const plan = await parseText(`${types}node_templates:\n  n:\n    type: base\n    interfaces:\n      i: {op: {}}\n      mine: {go: p.go}\n`);
    expect(node(plan).operations['i.op']).toMatchObject({ operation: '', plugin: '' });
    expect(node(plan).interfaces.mine!.go).toMatchObject({ plugin: 'p', operation: 'go' });
  });

  it('a schema input without default must get a value (107)', async () => {
    const body = `${V('1_3')}${P}node_types:\n  t:\n    interfaces:\n      i:\n        op: {implementation: p.x, inputs: {needed: {}}}\n`;
    const err = await expectCode(parseText(`${body}node_templates:\n  n: {type: t}\n`), 107);
    expect(err.message).toMatch(/Input 'needed' is missing a value/);
    const plan = await parseText(`${body}node_templates:\n  n: {type: t, interfaces: {i: {op: {inputs: {needed: 1}}}}}\n`);
    expect(node(plan).operations['i.op']!.inputs).toEqual({ needed: 1 });
  });

  it('keys operations by interface.op and by short name unless two interfaces share it', async () => {
    const plan = await parseText(withTypes(`node_templates:\n  n: {type: cloudify.nodes.Root, interfaces: {cloudify.interfaces.lifecycle: {configure: stratus.ops.noop}}}\n`));
    const ops = node(plan).operations;
    expect(ops.configure).toBe(ops['cloudify.interfaces.lifecycle.configure']);
    expect(ops.start).toBeUndefined(); // lifecycle.start and monitoring.start
    expect(ops.create).toBeUndefined(); // lifecycle.create and validation.create
    expect(ops['cloudify.interfaces.lifecycle.start']).toBeDefined();
  });
});

describe('operation mappings', () => {
  const base = `${V('1_3')}${P}node_types: {t: {}}\n`;
  const withOp = (op: string) => `${base}node_templates:\n  n:\n    type: t\n    interfaces:\n      i:\n        op: ${op}\n`;

  it('fails when no plugin matches and no script exists (10), ambiguity is 91', async () => {
    const err = await expectCode(parseText(withOp('nope.x')), 10);
    expect(err.message).toMatch(/Could not extract plugin from operation mapping 'nope\.x'/);
    expect(err.location).toEqual({ file: 'blueprint.yaml', line: 11, column: 13 });
    await expectCode(parseText(`${V('1_3')}plugins:\n  a: {executor: central_deployment_agent, install: false}\n  a.b: {executor: central_deployment_agent, install: false}\nnode_types: {t: {}}\nnode_templates: {n: {type: t, interfaces: {i: {op: a.b.c}}}}\n`), 91);
  });

  it('an existing file of the blueprint becomes a script-plugin operation with executor auto', async () => {
    const text = withTypes(`node_templates:\n  n:\n    type: cloudify.nodes.Root\n    interfaces:\n      cloudify.interfaces.lifecycle:\n        create: scripts/create.sh\n        configure: {implementation: scripts/configure.py, inputs: {port: 8080}, executor: central_deployment_agent}\n`);
    const plan = await parseFiles({ 'blueprint.yaml': text, 'scripts/create.sh': '#!/bin/sh\n', 'scripts/configure.py': 'print(1)\n' });
    const ops = node(plan).operations;
    expect(ops['cloudify.interfaces.lifecycle.create']).toMatchObject({
      plugin: 'script',
      operation: 'script_runner.tasks.run',
      executor: 'auto',
      inputs: { script_path: 'scripts/create.sh' },
    });
    expect(ops['cloudify.interfaces.lifecycle.configure']).toMatchObject({ executor: 'central_deployment_agent', inputs: { port: 8080, script_path: 'scripts/configure.py' } });
    // the node has no host: its 'auto' script runs centrally, so no error 24
    expect(node(plan).plugins.map((p) => [p.name, p.executor])).toEqual([['script', 'central_deployment_agent']]);
  });

  it('scripts are relative to the main blueprint, even from imported files', async () => {
    const plan = await parseFiles({
      'blueprint.yaml': withTypes(`  - types/t.yaml\nnode_templates: {n: {type: my}}\n`).replace('imports:\n  - cloudify/types/types.yaml\n  - types/t.yaml', 'imports:\n  - cloudify/types/types.yaml\n  - types/t.yaml'),
      'types/t.yaml': 'node_types:\n  my:\n    derived_from: cloudify.nodes.Root\n    interfaces: {cloudify.interfaces.lifecycle: {create: scripts/go.sh}}\n',
      'scripts/go.sh': 'echo\n',
    });
    expect(node(plan).operations['cloudify.interfaces.lifecycle.create']!.inputs).toEqual({ script_path: 'scripts/go.sh' });
  });

  it('a missing script is not a script (10)', async () => {
    await expectCode(parseText(withTypes(`node_templates: {n: {type: cloudify.nodes.Root, interfaces: {cloudify.interfaces.lifecycle: {create: scripts/missing.sh}}}}\n`)), 10);
  });

  it('a multi-line implementation is an inline script (script_source)', async () => {
    const plan = await parseText(
      withTypes(`node_templates:\n  n:\n    type: cloudify.nodes.Root\n    interfaces:\n      cloudify.interfaces.lifecycle:\n        create:\n          executor: central_deployment_agent\n          implementation: |\n            from cloudify import ctx\n            ctx.logger.info('hi')\n`),
    );
    expect(node(plan).operations['cloudify.interfaces.lifecycle.create']).toMatchObject({
      plugin: 'script',
      operation: 'script_runner.tasks.run',
      inputs: { script_source: "from cloudify import ctx\nctx.logger.info('hi')\n" },
    });
  });

  it('a URL implementation is a script', async () => {
    const plan = await parseText(withTypes(`node_templates: {n: {type: cloudify.nodes.Root, interfaces: {i: {op: 'https://example.com/x.sh'}}}}\n`));
    expect(node(plan).operations['i.op']!.inputs).toEqual({ script_path: 'https://example.com/x.sh' });
  });

  it('rejects script_path given with a script implementation (60) and scripts without the script plugin (61)', async () => {
    const files = (impl: string, withPlugin = true) => ({
      'blueprint.yaml': `${V('1_3')}${withPlugin ? 'plugins: {script: {executor: central_deployment_agent, install: false}}\n' : ''}node_types: {t: {}}\nnode_templates: {n: {type: t, interfaces: {i: {op: ${impl}}}}}\n`,
      'go.sh': 'x',
    });
    await expectCode(parseFiles(files('{implementation: go.sh, inputs: {script_path: other.sh}}')), 60);
    await expectCode(parseFiles(files('go.sh', false)), 61);
  });

  it('validates executors (28) and retry settings (1)', async () => {
    await expectCode(parseText(withOp('{implementation: p.x, executor: elsewhere}')), 28);
    await expectCode(parseText(withOp('{implementation: p.x, max_retries: -2}')), 1);
    await expectCode(parseText(withOp('{implementation: p.x, retry_interval: -1}')), 1);
    const plan = await parseText(withOp('{implementation: p.x, max_retries: -1, retry_interval: 0.5}'));
    expect(node(plan).operations['i.op']).toMatchObject({ max_retries: -1, retry_interval: 0.5 });
  });

  it('marks operations whose inputs hold functions', async () => {
    const plan = await parseText(withOp('{implementation: p.x, inputs: {a: {get_attribute: [SELF, ip]}, b: [{get_input: x}], c: 1}}'));
    expect(node(plan).operations['i.op']!.has_intrinsic_functions).toBe(true);
    const plain = await parseText(withOp('{implementation: p.x, inputs: {c: {nested: 1}}}'));
    expect(node(plain).operations['i.op']!.has_intrinsic_functions).toBe(false);
  });

  it('relationship type operations must resolve even when unused (19)', async () => {
    await expectCode(parseText(`${V('1_3')}relationships:\n  r:\n    source_interfaces: {i: {op: nope.x}}\n`), 19);
  });
});

describe('workflows', () => {
  it('resolves plugin mappings (21 when it cannot) with typed parameters', async () => {
    await expectCode(parseText(`${V('1_3')}${P}workflows: {w: q.run}\n`), 21);
    const plan = await parseText(`${V('1_4')}${P}workflows:\n  w:\n    mapping: p.wf.run\n    is_cascading: true\n    parameters:\n      n: {type: integer, default: 2}\n      l: {type: list, item_type: string, default: [a]}\n    availability_rules: {node_instances_active: [all], available: true}\n`);
    expect(plan.workflows.w).toEqual({
      operation: 'wf.run',
      plugin: 'p',
      parameters: { n: { type: 'integer', default: 2 }, l: { type: 'list', item_type: 'string', default: ['a'] } },
      is_cascading: true,
      availability_rules: { node_instances_active: ['all'], available: true },
    });
    await expectCode(parseText(`${V('1_4')}${P}workflows: {w: {mapping: p.x, parameters: {n: {type: integer, default: x}}}}\n`), 105);
  });

  it('a workflow mapped to a file runs through the script plugin with a script_path parameter', async () => {
    const plan = await parseFiles({
      'blueprint.yaml': withTypes('node_templates: {}\nworkflows:\n  mine: scripts/wf.py\n', 'cloudify_dsl_1_4'),
      'scripts/wf.py': 'pass\n',
    });
    expect(plan.workflows.mine).toEqual({
      operation: 'script_runner.tasks.execute_workflow',
      plugin: 'script',
      parameters: { script_path: { default: 'scripts/wf.py', description: 'Workflow script executed by the script plugin' } },
      is_cascading: false,
      availability_rules: null,
    });
    expect(plan.workflow_plugins_to_install.map((p) => p.name)).toContain('script');
  });
});
