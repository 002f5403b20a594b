import { describe, expect, it } from '@jest/globals';
import { expectCode, parseText, withTypes } from '../helpers';

const V = (v: string) => `tosca_definitions_version: cloudify_dsl_${v}\n`;
const nodes = `node_types: {t: {}}\nrelationships: {cloudify.relationships.contained_in: {}}\nnode_templates:\n  a: {type: t}\n  b: {type: t}\n  c: {type: t, relationships: [{type: cloudify.relationships.contained_in, target: a}]}\n  d: {type: t}\n`;

describe('groups and monitoring policies', () => {
  it('store members, policies and trigger parameters (functions not evaluated)', async () => {
    const plan = await parseText(
      withTypes(`node_templates:\n  vm: {type: cloudify.nodes.Compute}\ngroups:\n  g:\n    members: [vm, vm]\n    policies:\n      heal:\n        type: cloudify.policies.types.host_failure\n        properties: {service: [cpu]}\n        triggers:\n          t:\n            type: cloudify.policies.triggers.execute_workflow\n            parameters: {workflow: heal, workflow_parameters: {node_instance_id: {get_property: [SELF, node_id]}}}\n`, 'cloudify_dsl_1_3'),
    );
    expect(plan.groups.g!.members).toEqual(['vm']);
    expect(plan.groups.g!.policies.heal).toEqual({
      type: 'cloudify.policies.types.host_failure',
      properties: { policy_operates_on_group: false, is_node_started_before_workflow: true, interval_between_workflows: 300, service: ['cpu'] },
      triggers: {
        t: {
          type: 'cloudify.policies.triggers.execute_workflow',
          parameters: { workflow: 'heal', workflow_parameters: { node_instance_id: { get_property: ['SELF', 'node_id'] } }, force: false, allow_custom_parameters: false, socket_timeout: 1000, conn_timeout: 1000 },
        },
      },
    });
    expect(Object.keys(plan.policy_types)).toContain('cloudify.policies.types.threshold');
  });

  it('reject unknown members (40), policy types (41), trigger types (42) and group/node name clashes (211)', async () => {
    await expectCode(parseText(`${V('1_3')}${nodes}groups: {g: {members: [ghost]}}\n`), 40);
    await expectCode(parseText(`${V('1_3')}${nodes}groups: {g: {members: [a], policies: {p: {type: nope}}}}\n`), 41);
    await expectCode(parseText(`${V('1_3')}${nodes}policy_types: {pt: {source: x.clj}}\ngroups: {g: {members: [a], policies: {p: {type: pt, triggers: {t: {type: nope}}}}}}\n`), 42);
    await expectCode(parseText(`${V('1_3')}${nodes}groups: {a: {members: [b]}}\n`), 211);
    await expectCode(parseText(`${V('1_3')}${nodes}groups: {g: {members: []}}\n`), 1);
  });
});

describe('scaling policies and groups', () => {
  it('turn target groups into scaling groups with their properties', async () => {
    const plan = await parseText(`${V('1_3')}${nodes}groups: {g: {members: [a, b]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g], properties: {default_instances: 2}}}\n`);
    expect(plan.scaling_groups).toEqual({ g: { members: ['a', 'b'], properties: { min_instances: 0, max_instances: -1, default_instances: 2, current_instances: 2, planned_instances: 2 } } });
    expect(plan.policies.p).toMatchObject({ type: 'cloudify.policies.scaling', targets: ['g'] });
  });

  it('reject other policy types (204), non-group targets (205) and no targets (206)', async () => {
    await expectCode(parseText(`${V('1_3')}${nodes}groups: {g: {members: [a]}}\npolicies: {p: {type: other, targets: [g]}}\n`), 204);
    await expectCode(parseText(`${V('1_3')}${nodes}groups: {g: {members: [a]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [a]}}\n`), 205);
    await expectCode(parseText(`${V('1_3')}${nodes}groups: {g: {members: [a]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: []}}\n`), 206);
  });

  it('reject group cycles (200) and members of two scaling groups (201)', async () => {
    await expectCode(parseText(`${V('1_3')}${nodes}groups: {g1: {members: [g2]}, g2: {members: [g1]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g1, g2]}}\n`), 200);
    await expectCode(parseText(`${V('1_3')}${nodes}groups: {g1: {members: [a]}, g2: {members: [a]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g1, g2]}}\n`), 201);
  });

  it('reject members contained in different nodes (202)', async () => {
    const contained = `node_types: {t: {}}\nrelationships: {cloudify.relationships.contained_in: {}}\nnode_templates:\n  h1: {type: t}\n  h2: {type: t}\n  x: {type: t, relationships: [{type: cloudify.relationships.contained_in, target: h1}]}\n  y: {type: t, relationships: [{type: cloudify.relationships.contained_in, target: h2}]}\n`;
    await expectCode(parseText(`${V('1_3')}${contained}groups: {g: {members: [x, y]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g]}}\n`), 202);
  });

  it('drop members contained in another member of the group (nodecellar-auto-scale shape)', async () => {
    const plan = await parseText(`${V('1_3')}${nodes}groups: {g: {members: [c, a, b]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g]}}\n`);
    expect(plan.scaling_groups.g!.members).toEqual(['a', 'b']);
    expect(plan.groups.g!.members).toEqual(['c', 'a', 'b']);
  });
});
