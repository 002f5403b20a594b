import { describe, expect, it } from '@jest/globals';
import { expectCode, parseText, withTypes } from '../helpers';

const V = (v: string) => `tosca_definitions_version: cloudify_dsl_${v}\n`;

describe('tosca_definitions_version', () => {
  it('is required in the main file (27) and must be supported (29)', async () => {
    await expectCode(parseText('node_types: {}\n'), 27);
    const err = await expectCode(parseText('tosca_definitions_version: cloudify_dsl_9_9\n'), 29);
    expect(err.location).toEqual({ file: 'blueprint.yaml', line: 1, column: 28 });
  });

  it('is copied to the plan', async () => {
    expect((await parseText(V('1_0'))).tosca_definitions_version).toBe('cloudify_dsl_1_0');
  });
});

describe('schema (1)', () => {
  it('rejects unknown keys at every level, with their location', async () => {
    const top = await expectCode(parseText(`${V('1_3')}node_templatez: {}\n`), 1);
    expect(top.message).toMatch(/'node_templatez' is not in schema/);
    expect(top.location).toEqual({ file: 'blueprint.yaml', line: 2, column: 1 });
    await expectCode(parseText(`${V('1_3')}node_types:\n  t: {propertiez: {}}\n`), 1);
    await expectCode(parseText(`${V('1_3')}node_types: {t: {}}\nnode_templates:\n  n: {type: t, intefaces: {}}\n`), 1);
    await expectCode(parseText(`${V('1_3')}plugins:\n  p: {executor: host_agent, install: false, colour: red}\n`), 1);
  });

  it('rejects wrong value types and missing required keys', async () => {
    await expectCode(parseText(`${V('1_3')}node_templates: []\n`), 1);
    await expectCode(parseText(`${V('1_3')}node_types: {t: {}}\nnode_templates:\n  n: {properties: {}}\n`), 1);
    await expectCode(parseText(`${V('1_3')}plugins:\n  p: {install: false}\n`), 1);
    await expectCode(parseText(`${V('1_3')}outputs:\n  o: {description: no value}\n`), 1);
  });

  it('rejects a main file that is not a mapping', async () => {
    await expectCode(parseText('- a\n- b\n'), 1);
  });
});

describe('version gates (102)', () => {
  const cases: [string, string][] = [
    ['1_1', 'description: too early\n'],
    ['1_1', 'dsl_definitions: {}\n'],
    ['1_1', 'data_types: {}\n'],
    ['1_2', 'node_types: {t: {}}\ngroups: {g: {members: [n]}}\nnode_templates: {n: {type: t}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g]}}\n'],
    ['1_2', 'node_types: {t: {}}\nnode_templates: {n: {type: t, capabilities: {scalable: {properties: {default_instances: 2}}}}}\n'],
    ['1_0', 'plugins: {p: {executor: central_deployment_agent, install: false}}\nnode_types: {t: {interfaces: {i: {o: {implementation: p.x, max_retries: 1}}}}}\nnode_templates: {n: {type: t}}\n'],
    ['1_0', 'plugins: {p: {executor: central_deployment_agent, install: false, install_arguments: "-v"}}\n'],
    ['1_1', 'plugins: {p: {executor: central_deployment_agent, package_name: p}}\n'],
    ['1_1', 'node_types: {t: {properties: {a: {required: false}}}}\n'],
    ['1_2', 'inputs: {a: {default: 1, display_label: A}}\n'],
    ['1_2', 'inputs: {a: {default: 1, hidden: true}}\n'],
    ['1_3', 'inputs: {a: {type: list, item_type: string}}\n'],
    ['1_3', 'inputs: {a: {type: deployment_id}}\n'],
    ['1_4', 'inputs: {a: {type: operation_name}}\n'],
    ['1_4', 'inputs: {a: {default: x, constraints: [{min_length: 1, error_message: short}]}}\n'],
    ['1_4', 'node_types: {t: {runtime_properties: {ip: {type: string}}}}\n'],
    ['1_3', 'plugins: {p: {executor: central_deployment_agent, install: false}}\nworkflows: {w: {mapping: p.w, availability_rules: {available: false}}}\n'],
    ['1_2', 'resource_tags: {team: a}\n'],
  ];
  for (const [version, body] of cases) {
    it(`${body.split('\n').slice(-2)[0]!.slice(0, 70)} in ${version}`, async () => {
      await expectCode(parseText(V(version) + body), 102);
    });
  }

  it('the same features pass in the version that introduced them', async () => {
    await parseText(`${V('1_5')}inputs:\n  a: {type: list, item_type: string, display_label: A, hidden: true, default: [x], constraints: [{min_length: 1, error_message: short}]}\n  b: {type: operation_name, required: false}\n`);
  });

  it('does not apply to the built-in library, whatever the blueprint version', async () => {
    const plan = await parseText(`${V('1_0')}imports: [cloudify/types/types.yaml]\nnode_templates: {vm: {type: cloudify.nodes.Compute}}\n`);
    expect(plan.nodes[0]!.host_id).toBe('vm');
  });
});

describe('plugins', () => {
  it('rejects an illegal executor (18) and install without source or package_name (50)', async () => {
    await expectCode(parseText(`${V('1_3')}plugins: {p: {executor: somewhere, install: false}}\n`), 18);
    await expectCode(parseText(`${V('1_3')}plugins: {p: {executor: host_agent}}\n`), 50);
  });

  it('defaults install to true and keeps package details', async () => {
    const plan = await parseText(
      `${V('1_3')}plugins: {p: {executor: central_deployment_agent, package_name: pkg, package_version: 1.2}}\nworkflows: {w: p.run}\n`,
    );
    expect(plan.workflow_plugins_to_install).toEqual([
      expect.objectContaining({ name: 'p', install: true, package_name: 'pkg', package_version: '1.2', executor: 'central_deployment_agent' }),
    ]);
  });
});

describe('inputs', () => {
  it('checks types and defaults against them (103, 105)', async () => {
    await expectCode(parseText(`${V('1_3')}inputs: {a: {type: widget}}\n`), 103);
    await expectCode(parseText(`${V('1_3')}inputs: {a: {type: integer, default: many}}\n`), 105);
    const plan = await parseText(`${V('1_3')}inputs: {a: {type: integer, default: 3, description: d}, b: {}}\n`);
    expect(plan.inputs).toEqual({ a: { type: 'integer', default: 3, description: 'd' }, b: {} });
  });

  it('checks defaults against constraints, and constraints themselves (103, 212)', async () => {
    await expectCode(parseText(`${V('1_3')}inputs: {a: {type: integer, default: 9, constraints: [{in_range: [1, 5]}]}}\n`), null);
    await expectCode(parseText(`${V('1_3')}inputs: {a: {default: 9, constraints: [{bigger: 5}]}}\n`), 103);
    await expectCode(parseText(`${V('1_3')}inputs: {a: {default: 9, constraints: [{greater_than: five}]}}\n`), 212);
    await parseText(`${V('1_3')}inputs: {a: {default: {get_secret: s}, constraints: [{min_length: 3}]}}\n`);
    await parseText(`${V('1_3')}inputs: {a: {type: string, default: abc, constraints: [{pattern: '^a'}, {valid_values: [abc, def]}]}}\n`);
  });

  it('requires a default for hidden required inputs (215)', async () => {
    await expectCode(parseText(`${V('1_3')}inputs: {a: {hidden: true}}\n`), 215);
    await parseText(`${V('1_3')}inputs: {a: {hidden: true, required: false}, b: {hidden: true, default: 1}}\n`);
  });

  it('checks item_type (217, 218) and display (216)', async () => {
    await expectCode(parseText(`${V('1_4')}inputs: {a: {type: string, item_type: string}}\n`), 218);
    await expectCode(parseText(`${V('1_4')}inputs: {a: {type: list, item_type: widget}}\n`), 217);
    await expectCode(parseText(`${V('1_4')}inputs: {a: {type: string, display: {rows: 3}}}\n`), 216);
    await parseText(`${V('1_4')}inputs: {a: {type: textarea, display: {rows: 3}}}\n`);
  });

  it('merges data-typed defaults with the data type (107 when incomplete)', async () => {
    const dt = 'data_types:\n  pair: {properties: {a: {type: integer}, b: {type: integer, default: 2}}}\n';
    const plan = await parseText(`${V('1_3')}${dt}inputs: {p: {type: pair, default: {a: 1}}}\n`);
    expect(plan.inputs.p!.default).toEqual({ a: 1, b: 2 });
    await expectCode(parseText(`${V('1_3')}${dt}inputs: {p: {type: pair, default: {b: 1}}}\n`), 107);
  });
});

describe('data types', () => {
  it('resolve inheritance and nested data types', async () => {
    const plan = await parseText(
      `${V('1_3')}data_types:\n  base: {properties: {a: {default: 1}}}\n  child: {derived_from: base, properties: {b: {type: base}}}\nnode_types: {t: {properties: {c: {type: child}}}}\nnode_templates: {n: {type: t}}\n`,
    );
    expect(plan.nodes[0]!.properties).toEqual({ c: { a: 1, b: { a: 1 } } });
    expect(plan.data_types.child).toMatchObject({ derived_from: 'base' });
  });

  it('reject unknown parents (103), cycles (100) and redefined primitives (104)', async () => {
    await expectCode(parseText(`${V('1_3')}data_types: {a: {derived_from: b}}\n`), 103);
    await expectCode(parseText(`${V('1_3')}data_types: {a: {derived_from: b}, b: {derived_from: a}}\n`), 100);
    await expectCode(parseText(`${V('1_3')}data_types: {a: {properties: {x: {type: a}}}}\n`), 100);
    await expectCode(parseText(`${V('1_3')}data_types: {string: {}}\n`), 104);
  });
});

describe('outputs, capabilities, labels, settings', () => {
  it('keeps values (functions unevaluated)', async () => {
    const plan = await parseText(
      `${V('1_4')}outputs: {o: {description: d, value: {concat: [a, {get_input: x}]}}}\ncapabilities: {c: {value: 5}}\nlabels: {env: {values: [prod, {get_input: x}]}}\nblueprint_labels: {team: {values: [a]}}\ndeployment_settings: {id_template: 'x-{{n}}'}\n`,
    );
    expect(plan.outputs).toEqual({ o: { description: 'd', value: { concat: ['a', { get_input: 'x' }] } } });
    expect(plan.capabilities).toEqual({ c: { value: 5 } });
    expect(plan.labels).toEqual({ env: { values: ['prod', { get_input: 'x' }] } });
    expect(plan.blueprint_labels).toEqual({ team: { values: ['a'] } });
    expect(plan.deployment_settings).toEqual({ id_template: 'x-{{n}}' });
  });

  it('rejects get_attribute in labels and non-strings in blueprint labels (1)', async () => {
    await expectCode(parseText(`${V('1_4')}labels: {env: {values: [{get_attribute: [n, a]}]}}\n`), 1);
    await expectCode(parseText(`${V('1_4')}blueprint_labels: {env: {values: [1]}}\n`), 1);
  });
});

describe('the built-in library in a blueprint', () => {
  it('resolves the stratus plugin operations centrally, without a host', async () => {
    const plan = await parseText(
      withTypes(`node_templates:\n  n:\n    type: cloudify.nodes.Root\n    interfaces:\n      cloudify.interfaces.lifecycle:\n        create: stratus.ops.noop\n        start: {implementation: stratus.ops.sleep, inputs: {seconds: 1}}\n        stop: {implementation: stratus.ops.fail, inputs: {message: boom, times: 2}}\n        configure: {implementation: stratus.ops.set_runtime_properties, inputs: {properties: {a: 1}}}\n`),
    );
    const ops = plan.nodes[0]!.operations;
    expect(ops['cloudify.interfaces.lifecycle.create']).toMatchObject({ plugin: 'stratus', operation: 'ops.noop', executor: 'central_deployment_agent' });
    expect(ops['cloudify.interfaces.lifecycle.start']).toMatchObject({ operation: 'ops.sleep', inputs: { seconds: 1 } });
    expect(plan.nodes[0]!.deployment_plugins_to_install.map((p) => p.name)).toEqual(['stratus']);
    expect(plan.deployment_plugins_to_install.map((p) => p.name)).toEqual(['stratus']);
    expect(plan.workflow_plugins_to_install.map((p) => p.name)).toEqual(['default_workflows']);
  });
});
