import { describe, expect, it } from '@jest/globals';
import { evaluateFunctions, memoryContext } from '../../../../src/dsl/functions';
import { planInstances } from '../../../../src/dsl/instances';
import { connectedTo, containedIn, node, plan, scalingGroup, seededRandom } from '../instances/plan-builder';

// Corpus blueprint #19's shape: node1 -> node2 inside a scaling group of 2 instances, plus a
// member contained in a grouped host, so resolution must walk up containers to find the group.
const p = plan({
  nodes: [
    node('node1', { relationships: [connectedTo('node2')] }),
    node('node2'),
    node('vm', { compute: true }),
    node('agent', { relationships: [containedIn('vm')] }),
    node('lonely', { instances: 2 }),
  ],
  scaling_groups: { group: scalingGroup(['node1', 'node2', 'vm'], 2) },
});
const instances = planInstances(p.nodes, p.scaling_groups, { random: seededRandom(4) }).map((i) => ({ ...i, runtime_properties: { mine: i.id } }));
const context = memoryContext({ nodes: p.nodes, instances });
const of = (nodeId: string) => instances.filter((i) => i.node_id === nodeId);

describe('get_attribute picks the instance in the same scaling-group instance', () => {
  it('for a member reading another member', async () => {
    for (const n2 of of('node2')) {
      const [n1] = of('node1').filter((i) => i.scaling_groups[0].id === n2.scaling_groups[0].id);
      expect(await evaluateFunctions({ get_attribute: ['node1', 'mine'] }, context, { self: n2.id })).toBe(n1.id);
    }
  });
  it('for an instance contained in a member (walking up to the member)', async () => {
    for (const agent of of('agent')) {
      const vm = of('vm').find((v) => v.id === agent.relationships[0].target_id)!;
      const [n2] = of('node2').filter((i) => i.scaling_groups[0].id === vm.scaling_groups[0].id);
      expect(await evaluateFunctions({ get_attribute: ['node2', 'mine'] }, context, { self: agent.id })).toBe(n2.id);
    }
  });
  it('for a relationship operation, by its source', async () => {
    const [n1] = of('node1');
    const target = n1.relationships[0].target_id;
    expect(await evaluateFunctions({ get_attribute: ['vm', 'mine'] }, context, { source: n1.id, target })).toBe(
      of('vm').find((v) => v.scaling_groups[0].id === n1.scaling_groups[0].id)!.id,
    );
  });
  it('and stays ambiguous for a node outside the group', async () => {
    await expect(evaluateFunctions({ get_attribute: ['lonely', 'mine'] }, context, { self: of('node1')[0].id })).rejects.toThrow('More than one node instance found for node "lonely"');
  });
});
