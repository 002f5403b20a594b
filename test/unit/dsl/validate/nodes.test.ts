import { describe, expect, it } from '@jest/globals';
import type { Plan } from '../../../../src/dsl/plan';
import { expectCode, parseText, withTypes } from '../helpers';

const V = (v: string) => `tosca_definitions_version: cloudify_dsl_${v}\n`;

function node(plan: Plan, id: string) {
  return plan.nodes.find((x) => x.id === id)!;
}

describe('node templates', () => {
  it('need a known type (7) that resolves (103, 100)', async () => {
    await expectCode(parseText(`${V('1_3')}node_templates: {n: {type: ghost}}\n`), 7);
    await expectCode(parseText(`${V('1_3')}node_types: {a: {derived_from: b}}\n`), 103);
    await expectCode(parseText(`${V('1_3')}node_types: {a: {derived_from: b}, b: {derived_from: a}}\n`), 100);
  });

  it('merge properties with the type schema (105, 106, 107)', async () => {
    const types = `${V('1_3')}node_types:\n  base: {properties: {port: {type: integer, default: 80}, name: {}}}\n  sub: {derived_from: base, properties: {port: {type: integer, default: 8080}}}\n`;
    const plan = await parseText(`${types}node_templates:\n  n: {type: sub, properties: {name: web}}\n`);
    expect(node(plan, 'n')).toMatchObject({ properties: { port: 8080, name: 'web' }, type_hierarchy: ['base', 'sub'] });
    await expectCode(parseText(`${types}node_templates:\n  n: {type: sub}\n`), 107);
    await expectCode(parseText(`${types}node_templates:\n  n: {type: sub, properties: {name: w, port: '80'}}\n`), 105);
    await expectCode(parseText(`${types}node_templates:\n  n: {type: sub, properties: {name: w, colour: red}}\n`), 106);
    const fn = await parseText(`${types}node_templates:\n  n: {type: sub, properties: {name: w, port: {get_input: p}}}\n`);
    expect(node(fn, 'n').properties.port).toEqual({ get_input: 'p' });
  });

  it('deep-merges a data-typed default of a subtype over the parent default (same data type only)', async () => {
    const plan = await parseText(
      `${V('1_3')}data_types:\n  conf: {properties: {a: {required: false}, b: {required: false}}}\nnode_types:\n  base: {properties: {c: {type: conf, default: {a: 1, b: 1}}}}\n  sub: {derived_from: base, properties: {c: {type: conf, default: {b: 2}}}}\nnode_templates:\n  n: {type: sub}\n  m: {type: sub, properties: {c: {a: 5}}}\n`,
    );
    expect(node(plan, 'n').properties.c).toEqual({ a: 1, b: 2 });
    expect(node(plan, 'm').properties.c).toEqual({ a: 5, b: 2 });
  });

  it('give Compute agent_config the data type defaults merged under the template value', async () => {
    const plan = await parseText(withTypes('node_templates:\n  vm: {type: cloudify.nodes.Compute, properties: {agent_config: {user: ubuntu}}}\n'));
    expect(node(plan, 'vm').properties.agent_config).toEqual({ install_method: 'remote', port: 22, network: 'default', user: 'ubuntu' });
    expect(node(plan, 'vm').properties).toMatchObject({ ip: '', os_family: 'linux', use_external_resource: false });
  });

  it('instances.deploy and capabilities.scalable give the scaling properties; both is 209', async () => {
    const t = `${V('1_3')}node_types: {t: {}}\n`;
    const plan = await parseText(`${t}node_templates:\n  a: {type: t, instances: {deploy: 3}}\n  b: {type: t, capabilities: {scalable: {properties: {min_instances: 1, max_instances: UNBOUNDED, default_instances: {get_input: n}}}}}\n  c: {type: t}\n`);
    expect(node(plan, 'a').capabilities.scalable.properties).toEqual({ min_instances: 0, max_instances: -1, default_instances: 3, current_instances: 3, planned_instances: 3 });
    expect(node(plan, 'a').instances).toEqual({ deploy: 3 });
    expect(node(plan, 'b').capabilities.scalable.properties).toMatchObject({ min_instances: 1, max_instances: -1, default_instances: { get_input: 'n' } });
    expect(node(plan, 'c').capabilities.scalable.properties).toEqual({ min_instances: 0, max_instances: -1, default_instances: 1, current_instances: 1, planned_instances: 1 });
    await expectCode(parseText(`${t}node_templates:\n  a: {type: t, instances: {deploy: 1}, capabilities: {scalable: {}}}\n`), 209);
    await expectCode(parseText(`${t}node_templates:\n  a: {type: t, capabilities: {scalable: {properties: {default_instances: -1}}}}\n`), 207);
    await expectCode(parseText(`${t}node_templates:\n  a: {type: t, capabilities: {scalable: {properties: {max_instances: 1, default_instances: 2}}}}\n`), 207);
    await expectCode(parseText(`${t}node_templates:\n  a: {type: t, capabilities: {scalable: {properties: {max_instances: lots}}}}\n`), 208);
    await expectCode(parseText(`${t}node_templates:\n  a: {type: t, capabilities: {scalable: {properties: {min_instances: {x: 1}}}}}\n`), 210);
    await expectCode(parseText(`${t}node_templates:\n  a: {type: t, instances: {deploy: -1}}\n`), 1);
  });
});

describe('relationships', () => {
  const base = `${V('1_3')}node_types: {t: {}}\nrelationships:\n  cloudify.relationships.contained_in: {}\n  r: {properties: {weight: {type: integer, default: 1}}}\n  in2: {derived_from: cloudify.relationships.contained_in}\n`;

  it('check type (26), target (25) and self-target (23)', async () => {
    await expectCode(parseText(`${base}node_templates:\n  a: {type: t}\n  b: {type: t, relationships: [{type: nope, target: a}]}\n`), 26);
    await expectCode(parseText(`${base}node_templates:\n  a: {type: t}\n  b: {type: t, relationships: [{type: r, target: ghost}]}\n`), 25);
    await expectCode(parseText(`${base}node_templates:\n  a: {type: t}\n  b: {type: t, relationships: [{type: r, target: b}]}\n`), 23);
  });

  it('allow one contained_in-derived relationship only (112)', async () => {
    await expectCode(
      parseText(`${base}node_templates:\n  a: {type: t}\n  c: {type: t}\n  b: {type: t, relationships: [{type: cloudify.relationships.contained_in, target: a}, {type: in2, target: c}]}\n`),
      112,
    );
  });

  it('keep declaration order, type hierarchy and merged properties', async () => {
    const plan = await parseText(`${base}node_templates:\n  a: {type: t}\n  c: {type: t}\n  b: {type: t, relationships: [{type: r, target: c, properties: {weight: 5}}, {type: in2, target: a}]}\n`);
    expect(node(plan, 'b').relationships.map((r) => [r.type, r.target_id, r.type_hierarchy, r.properties])).toEqual([
      ['r', 'c', ['r'], { weight: 5 }],
      ['in2', 'a', ['cloudify.relationships.contained_in', 'in2'], {}],
    ]);
    await expectCode(parseText(`${base}node_templates:\n  a: {type: t}\n  b: {type: t, relationships: [{type: r, target: a, properties: {weight: x}}]}\n`), 105);
  });

  it('merge relationship interfaces type -> instance (source and target sides)', async () => {
    const plan = await parseText(
      withTypes(`relationships:\n  wired:\n    derived_from: cloudify.relationships.connected_to\n    target_interfaces:\n      cloudify.interfaces.relationship_lifecycle:\n        postconfigure: {implementation: stratus.ops.noop, inputs: {ip: {default: ''}}}\nnode_templates:\n  db: {type: cloudify.nodes.Root}\n  app:\n    type: cloudify.nodes.Root\n    relationships:\n      - type: wired\n        target: db\n        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {postconfigure: {inputs: {ip: 10.0.0.1}}}}\n        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: stratus.ops.sleep}}\n`),
    );
    const rel = node(plan, 'app').relationships[0]!;
    expect(rel.target_operations['cloudify.interfaces.relationship_lifecycle.postconfigure']).toMatchObject({ operation: 'ops.noop', inputs: { ip: '10.0.0.1' } });
    expect(rel.target_operations.postconfigure).toBe(rel.target_operations['cloudify.interfaces.relationship_lifecycle.postconfigure']);
    expect(rel.source_operations.establish).toMatchObject({ operation: 'ops.sleep' });
    expect(rel.properties).toEqual({ connection_type: 'all_to_all' });
    expect(rel.source_interfaces['cloudify.interfaces.relationship_lifecycle']!.unlink).toMatchObject({ operation: '' });
  });
});

describe('hosts and plugins', () => {
  const compute = withTypes(
    'plugins:\n  agentp: {executor: host_agent, install: false}\n  central: {executor: central_deployment_agent, install: false}\nnode_templates:\n  vm: {type: cloudify.nodes.Compute}\n  app:\n    type: cloudify.nodes.ApplicationModule\n    relationships: [{type: cloudify.relationships.contained_in, target: vm}]\n    interfaces: {cloudify.interfaces.lifecycle: {create: agentp.x, configure: central.y}}\n  mod:\n    type: cloudify.nodes.Root\n    relationships: [{type: cloudify.relationships.contained_in, target: app}]\n  side:\n    type: cloudify.nodes.Root\n    relationships: [{type: cloudify.relationships.connected_to, target: vm}]\n',
    'cloudify_dsl_1_4',
  );

  it('host_id: a Compute hosts itself, contained_in descendants inherit, connected_to does not', async () => {
    const plan = await parseText(compute);
    expect(plan.nodes.map((n) => [n.id, n.host_id])).toEqual([
      ['vm', 'vm'],
      ['app', 'vm'],
      ['mod', 'vm'],
      ['side', null],
    ]);
  });

  it('collects plugins per node, plugins_to_install on hosts and deployment plugins', async () => {
    const plan = await parseText(compute);
    expect(node(plan, 'app').plugins.map((p) => [p.name, p.executor])).toEqual([
      ['agentp', 'host_agent'],
      ['central', 'central_deployment_agent'],
    ]);
    expect(node(plan, 'vm').plugins_to_install.map((p) => p.name)).toEqual(['agent', 'agentp']);
    expect(node(plan, 'app').plugins_to_install).toEqual([]);
    expect(node(plan, 'app').deployment_plugins_to_install.map((p) => p.name)).toEqual(['central']);
    expect(plan.host_agent_plugins_to_install.map((p) => p.name)).toEqual(['agent', 'agentp']);
    expect(plan.deployment_plugins_to_install.map((p) => p.name)).toEqual(expect.arrayContaining(['agent', 'central']));
  });

  it('a host_agent plugin on a node outside any Compute is 24', async () => {
    const err = await expectCode(parseText(compute.replace('side:\n    type: cloudify.nodes.Root\n', 'side:\n    type: cloudify.nodes.Root\n    interfaces: {i: {op: agentp.z}}\n')), 24);
    expect(err.message).toMatch(/node 'side' has no relationship which makes it contained within a host/);
  });

  it('rejects contained_in cycles (100)', async () => {
    await expectCode(
      parseText(withTypes('node_templates:\n  a: {type: cloudify.nodes.Root, relationships: [{type: cloudify.relationships.contained_in, target: b}]}\n  b: {type: cloudify.nodes.Root, relationships: [{type: cloudify.relationships.contained_in, target: a}]}\n')),
      100,
    );
  });
});
