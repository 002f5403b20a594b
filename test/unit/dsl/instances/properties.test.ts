/**
 * Property-based checks of instance planning and modification on generated topologies:
 * containment forests with counts, connected_to edges of both connection types, a scaling group.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { PlanNode, PlannedNodeInstance } from '../../../../src/dsl/plan';
import { modifyDeployment, planInstances } from '../../../../src/dsl/instances';
import { connectedTo, containedIn, node, plan, scalingGroup, seededRandom } from './plan-builder';

interface Shape {
  nodes: { parent: number | null; count: number; compute: boolean; links: { to: number; one: boolean }[] }[];
  group: { members: number[]; count: number } | null;
  seed: number;
}

const shape: fc.Arbitrary<Shape> = fc
  .integer({ min: 1, max: 7 })
  .chain((n) =>
    fc.record({
      nodes: fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
          fc.record({
            parent: i === 0 ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: i - 1 }), { nil: null }),
            count: fc.integer({ min: 0, max: 3 }),
            compute: fc.boolean(),
            links: fc.array(fc.record({ to: fc.integer({ min: 0, max: n - 1 }), one: fc.boolean() }), { maxLength: 2 }),
          }),
        ),
      ),
      group: fc.option(fc.record({ members: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 3 }), count: fc.integer({ min: 1, max: 2 }) }), { nil: null }),
      seed: fc.integer(),
    }),
  );

function build(s: Shape) {
  // Only uncontained nodes join the group, so it never takes a contained_in target of its own.
  const members = (s.group?.members ?? []).filter((m) => s.nodes[m].parent === null).map((m) => `n${m}`);
  const direct = new Set(members);
  // In the group: a member, or contained (transitively) in one.
  const inGroup = new Set<string>();
  s.nodes.forEach((_, i) => {
    for (let j: number | null = i; j !== null; j = s.nodes[j].parent) if (direct.has(`n${j}`)) inGroup.add(`n${i}`);
  });
  const nodes: PlanNode[] = s.nodes.map((d, i) => {
    const relationships = d.parent === null ? [] : [containedIn(`n${d.parent}`)];
    const linked = new Set<number>();
    for (const link of d.links) {
      // One relationship per target (a node listing the same target twice is not what this checks).
      if (link.to === i || link.to === d.parent || linked.has(link.to)) continue;
      linked.add(link.to);
      const sameGroup = inGroup.has(`n${i}`) && inGroup.has(`n${link.to}`);
      relationships.push(connectedTo(`n${link.to}`, { connection_type: link.one && !sameGroup ? 'all_to_one' : 'all_to_all' }));
    }
    return node(`n${i}`, { count: undefined, instances: d.count, compute: d.compute && d.parent === null, relationships } as never);
  });
  const p = plan({ nodes, scaling_groups: members.length ? { g: scalingGroup(members, s.group!.count) } : {} });
  return { p, inGroup, direct, groupCount: s.group?.count ?? 1 };
}

/** Expected instances of node i: its count times its containers' counts (and the group's). */
function expectedCount(s: Shape, i: number, direct: Set<string>, groupCount: number): number {
  let total = 1;
  for (let j: number | null = i; j !== null; j = s.nodes[j].parent) {
    total *= s.nodes[j].count;
    if (s.nodes[j].parent === null && direct.has(`n${j}`)) total *= groupCount;
  }
  return total;
}

function checkInvariants(s: Shape, instances: PlannedNodeInstance[], built: ReturnType<typeof build>) {
  const { inGroup, direct, groupCount, p } = built;
  const nodes = p.nodes;
  const byId = new Map(instances.map((i) => [i.id, i]));
  expect(byId.size).toBe(instances.length);
  s.nodes.forEach((_, i) => expect(instances.filter((x) => x.node_id === `n${i}`)).toHaveLength(expectedCount(s, i, direct, groupCount)));
  // The group instance an instance is in: its own, or its container's.
  const groupOf = (instance: PlannedNodeInstance): string | undefined => {
    if (instance.scaling_groups[0]) return instance.scaling_groups[0].id;
    const parent = instance.relationships.find((r) => r.type === 'cloudify.relationships.contained_in');
    return parent ? groupOf(byId.get(parent.target_id)!) : undefined;
  };
  for (const instance of instances) {
    expect(instance.id).toMatch(new RegExp(`^${instance.node_id}_[a-z0-9]{6}$`));
    const template = nodes.find((n) => n.id === instance.node_id)!;
    const order = instance.relationships.map((r) => template.relationships.findIndex((t) => t.target_id === r.target_name && t.type === r.type));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const rel of instance.relationships) expect(byId.get(rel.target_id)?.node_id).toBe(rel.target_name);
    const contained = template.relationships.find((r) => r.type === 'cloudify.relationships.contained_in');
    if (contained) {
      const parent = byId.get(instance.relationships.find((r) => r.target_name === contained.target_id)!.target_id)!;
      expect(instance.host_id).toBe(parent.host_id);
    } else {
      expect(instance.host_id).toBe(template.type === 'cloudify.nodes.Compute' ? instance.id : null);
    }
    for (const t of template.relationships) {
      if (t.type === 'cloudify.relationships.contained_in') continue;
      const got = instance.relationships.filter((r) => r.target_name === t.target_id && r.type === t.type);
      const targets = instances.filter((x) => x.node_id === t.target_id);
      const shared = inGroup.has(instance.node_id) && inGroup.has(t.target_id);
      const candidates = shared ? targets.filter((x) => groupOf(x) === groupOf(instance)) : targets;
      if (t.properties.connection_type === 'all_to_one') {
        expect(got.map((r) => r.target_id)).toEqual(targets.length ? [targets.map((x) => x.id).sort()[0]] : []);
      } else {
        expect(got.map((r) => r.target_id).sort()).toEqual(candidates.map((x) => x.id).sort());
      }
    }
  }
}

describe('planning invariants (fast-check)', () => {
  it('counts, ids, relationships, host ids and pairing hold for generated topologies', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const built = build(s);
        const instances = planInstances(built.p.nodes, built.p.scaling_groups, { random: seededRandom(s.seed) });
        checkInvariants(s, instances, built);
      }),
      { numRuns: 150 },
    );
  });

  it('scaling a node out and back in restores the same instances', () => {
    fc.assert(
      fc.property(shape, fc.nat(), fc.integer({ min: 1, max: 3 }), (s, pick, delta) => {
        const { p } = build(s);
        const before = planInstances(p.nodes, p.scaling_groups, { random: seededRandom(s.seed) });
        const target = p.nodes[pick % p.nodes.length];
        const count = s.nodes[pick % p.nodes.length].count;
        const out = modifyDeployment({ nodes: p.nodes, scalingGroups: p.scaling_groups, instances: before, modified: { [target.id]: { instances: count + delta } }, random: seededRandom(s.seed + 1) });
        for (const old of before) expect(out.node_instances.map((i) => i.id)).toContain(old.id);
        expect(out.added.every((a) => !before.some((b) => b.id === a.id))).toBe(true);
        const back = modifyDeployment({ nodes: p.nodes, scalingGroups: p.scaling_groups, instances: out.node_instances, modified: { [target.id]: { instances: count } } });
        expect(back.removed.map((r) => r.id).sort()).toEqual(out.added.map((a) => a.id).sort());
        expect(back.node_instances).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });
});
