import { describe, expect, it } from '@jest/globals';
import { DslError } from '../../../../src/dsl/errors';
import type { PlannedNodeInstance } from '../../../../src/dsl/plan';
import { planInstances } from '../../../../src/dsl/instances/plan-instances';
import { InstanceIdGenerator } from '../../../../src/dsl/instances/ids';
import { CONTAINED_IN, CONNECTED_TO, connectedTo, containedIn, dependsOn, node, plan, rel, scalingGroup, seededRandom } from './plan-builder';

const ID = /^[a-z0-9_]+_[a-z0-9]{6}$/;

function ofNode(instances: PlannedNodeInstance[], nodeId: string): PlannedNodeInstance[] {
  return instances.filter((i) => i.node_id === nodeId);
}

function byId(instances: PlannedNodeInstance[]): Map<string, PlannedNodeInstance> {
  return new Map(instances.map((i) => [i.id, i]));
}

describe('instance ids', () => {
  it('are <node>_<6 lowercase alphanumerics>, unique, reproducible with a seeded source', () => {
    const p = plan({ nodes: [node('web_server', { instances: 50 })] });
    const a = planInstances(p.nodes, {}, { random: seededRandom(7) });
    const b = planInstances(p.nodes, {}, { random: seededRandom(7) });
    expect(a.map((i) => i.id)).toEqual(b.map((i) => i.id));
    expect(new Set(a.map((i) => i.id)).size).toBe(50);
    for (const i of a) expect(i.id).toMatch(/^web_server_[a-z0-9]{6}$/);
    expect(a.map((i) => i.index)).toEqual([...Array(50).keys()]);
  });
  it('never repeats an id, even with a constant random source', () => {
    const gen = new InstanceIdGenerator(() => 0, ['n_aaaaaa']);
    const ids = Array.from({ length: 40 }, () => gen.next('n'));
    expect(new Set(ids).size).toBe(40);
    expect(ids).not.toContain('n_aaaaaa');
    for (const id of ids) expect(id).toMatch(/^n_[a-z0-9]{6}$/);
  });
});

describe('contained_in expansion', () => {
  const p = plan({
    nodes: [
      node('host', { compute: true, instances: 2 }),
      node('app', { instances: 3, relationships: [containedIn('host')] }),
      node('module', { instances: 2, relationships: [containedIn('app')] }),
    ],
  });
  const instances = planInstances(p.nodes, p.scaling_groups, { random: seededRandom(1) });

  it('gives each parent instance its own children: 2 hosts x 3 apps = 6, x 2 modules = 12', () => {
    expect(ofNode(instances, 'host')).toHaveLength(2);
    expect(ofNode(instances, 'app')).toHaveLength(6);
    expect(ofNode(instances, 'module')).toHaveLength(12);
    const hosts = ofNode(instances, 'host').map((h) => h.id);
    for (const host of hosts) {
      expect(ofNode(instances, 'app').filter((a) => a.relationships[0].target_id === host)).toHaveLength(3);
    }
  });
  it('relates each child to its own parent instance with a contained_in relationship instance', () => {
    const index = byId(instances);
    for (const app of ofNode(instances, 'app')) {
      expect(app.relationships).toEqual([{ type: CONTAINED_IN, target_name: 'host', target_id: expect.stringMatching(/^host_/) }]);
    }
    for (const mod of ofNode(instances, 'module')) {
      const app = index.get(mod.relationships[0].target_id)!;
      expect(app.node_id).toBe('app');
    }
  });
  it('propagates host_id from the nearest Compute instance', () => {
    const index = byId(instances);
    for (const host of ofNode(instances, 'host')) expect(host.host_id).toBe(host.id);
    for (const mod of ofNode(instances, 'module')) {
      const app = index.get(mod.relationships[0].target_id)!;
      expect(mod.host_id).toBe(app.host_id);
      expect(app.host_id).toBe(app.relationships[0].target_id);
    }
  });
  it('lists instances by node in plan order, then by index', () => {
    expect(instances.map((i) => i.node_id)).toEqual([...Array(2).fill('host'), ...Array(6).fill('app'), ...Array(12).fill('module')]);
    expect(ofNode(instances, 'app').map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const i of instances) expect(i.id).toMatch(ID);
  });
  it('leaves host_id null without a Compute, and honours instances.deploy', () => {
    const q = plan({ nodes: [node('a'), node('b', { relationships: [containedIn('a')] })] });
    q.nodes[0].capabilities = undefined as never;
    q.nodes[0].instances = { deploy: 2 };
    const result = planInstances(q.nodes, {});
    expect(ofNode(result, 'b')).toHaveLength(2);
    for (const i of result) expect(i.host_id).toBeNull();
  });
  it('plans no instance for a count of 0, nor for what it contains', () => {
    const q = plan({ nodes: [node('h', { compute: true, instances: 0 }), node('x', { relationships: [containedIn('h')] }), node('y', { relationships: [connectedTo('h')] })] });
    const result = planInstances(q.nodes, {});
    expect(result.map((i) => i.node_id)).toEqual(['y']);
    expect(result[0].relationships).toEqual([]);
  });
});

describe('connected_to and depends_on pairing', () => {
  it('all_to_all connects every source instance to every target instance', () => {
    const p = plan({ nodes: [node('app', { instances: 2, relationships: [connectedTo('db')] }), node('db', { instances: 3 })] });
    const instances = planInstances(p.nodes, {});
    const dbs = ofNode(instances, 'db').map((d) => d.id);
    for (const app of ofNode(instances, 'app')) {
      expect(app.relationships).toEqual(dbs.map((id) => ({ type: CONNECTED_TO, target_name: 'db', target_id: id })));
    }
  });
  it('all_to_one connects every source to the lexicographically smallest target id', () => {
    const p = plan({ nodes: [node('app', { instances: 3, relationships: [connectedTo('db', { connection_type: 'all_to_one' })] }), node('db', { instances: 4 })] });
    const instances = planInstances(p.nodes, {}, { random: seededRandom(3) });
    const smallest = ofNode(instances, 'db').map((d) => d.id).sort()[0];
    for (const app of ofNode(instances, 'app')) expect(app.relationships).toEqual([{ type: CONNECTED_TO, target_name: 'db', target_id: smallest }]);
  });
  it('keeps relationship instances in template order, contained_in in its declared place', () => {
    const p = plan({
      nodes: [
        node('vm', { compute: true }),
        node('db'),
        node('queue', { instances: 2 }),
        node('app', { relationships: [dependsOn('db'), containedIn('vm'), connectedTo('queue')] }),
      ],
    });
    const [app] = ofNode(planInstances(p.nodes, {}), 'app');
    expect(app.relationships.map((r) => r.target_name)).toEqual(['db', 'vm', 'queue', 'queue']);
    expect(app.relationships.map((r) => r.type)).toEqual(['cloudify.relationships.depends_on', CONTAINED_IN, CONNECTED_TO, CONNECTED_TO]);
  });
  it('refuses an illegal connection_type and relationship types outside the three families', () => {
    const bad = plan({ nodes: [node('a', { relationships: [connectedTo('b', { connection_type: 'one_to_one' })] }), node('b')] });
    expect(() => planInstances(bad.nodes, {})).toThrow('Illegal connection_type "one_to_one"');
    const missing = plan({ nodes: [node('a', { relationships: [connectedTo('b', { connection_type: null })] }), node('b')] });
    expect(() => planInstances(missing.nodes, {})).toThrow(DslError);
    const alien = plan({ nodes: [node('a', { relationships: [rel('my.rel', 'b', { type_hierarchy: ['my.rel'] })] }), node('b')] });
    expect(() => planInstances(alien.nodes, {})).toThrow('Relationship my.rel of node a is not supported');
  });
  it('accepts derived relationship types by their hierarchy', () => {
    const p = plan({
      nodes: [
        node('h', { compute: true, instances: 2 }),
        node('a', { relationships: [rel('my.contained', 'h', { type_hierarchy: ['cloudify.relationships.depends_on', CONTAINED_IN, 'my.contained'] })] }),
      ],
    });
    const instances = planInstances(p.nodes, {});
    expect(ofNode(instances, 'a')).toHaveLength(2);
    expect(ofNode(instances, 'a')[0].relationships[0].type).toBe('my.contained');
  });
});

describe('scaling groups', () => {
  it('expand as virtual containers: members get instances per group instance and list their group', () => {
    const p = plan({
      nodes: [node('node1', { relationships: [connectedTo('node2')] }), node('node2')],
      scaling_groups: { group: scalingGroup(['node1', 'node2'], 2) },
    });
    const instances = planInstances(p.nodes, p.scaling_groups, { random: seededRandom(11) });
    expect(ofNode(instances, 'node1')).toHaveLength(2);
    expect(ofNode(instances, 'node2')).toHaveLength(2);
    const groupIds = new Set(instances.map((i) => i.scaling_groups[0].id));
    expect(groupIds.size).toBe(2);
    for (const id of groupIds) expect(id).toMatch(/^group_[a-z0-9]{6}$/);
    // Pairing happens only inside each group instance.
    const index = byId(instances);
    for (const n1 of ofNode(instances, 'node1')) {
      expect(n1.relationships).toHaveLength(1);
      const target = index.get(n1.relationships[0].target_id)!;
      expect(target.scaling_groups).toEqual(n1.scaling_groups);
    }
  });
  it('contain members whose contained_in target lies outside the group, per instance of that target', () => {
    const p = plan({
      nodes: [
        node('host', { compute: true, instances: 2 }),
        node('app', { relationships: [containedIn('host')] }),
        node('sidecar', { relationships: [containedIn('host')] }),
      ],
      scaling_groups: { pair: scalingGroup(['app', 'sidecar'], 3) },
    });
    const instances = planInstances(p.nodes, p.scaling_groups);
    expect(ofNode(instances, 'app')).toHaveLength(6);
    const index = byId(instances);
    for (const app of ofNode(instances, 'app')) {
      // The relationship still points at the real host instance, and host_id follows it.
      expect(index.get(app.relationships[0].target_id)!.node_id).toBe('host');
      expect(app.host_id).toBe(app.relationships[0].target_id);
      expect(app.scaling_groups).toHaveLength(1);
      const sidecars = ofNode(instances, 'sidecar').filter((s) => s.scaling_groups[0].id === app.scaling_groups[0].id);
      expect(sidecars).toHaveLength(1);
      expect(sidecars[0].relationships[0].target_id).toBe(app.relationships[0].target_id);
    }
  });
  it('nest: an instance lists its group instances innermost first', () => {
    const p = plan({
      nodes: [node('a'), node('b')],
      scaling_groups: { inner: scalingGroup(['a'], 2), outer: scalingGroup(['inner', 'b'], 2) },
    });
    const instances = planInstances(p.nodes, p.scaling_groups);
    expect(ofNode(instances, 'a')).toHaveLength(4);
    expect(ofNode(instances, 'b')).toHaveLength(2);
    for (const a of ofNode(instances, 'a')) expect(a.scaling_groups.map((g) => g.name)).toEqual(['inner', 'outer']);
    const outerOfB = new Set(ofNode(instances, 'b').map((b) => b.scaling_groups[0].id));
    for (const a of ofNode(instances, 'a')) expect(outerOfB.has(a.scaling_groups[1].id)).toBe(true);
  });
  it('drop members contained in another member', () => {
    const p = plan({
      nodes: [node('vm', { compute: true }), node('app', { relationships: [containedIn('vm')] })],
      scaling_groups: { g: scalingGroup(['vm', 'app'], 2) },
    });
    const instances = planInstances(p.nodes, p.scaling_groups);
    expect(ofNode(instances, 'vm')).toHaveLength(2);
    expect(ofNode(instances, 'app')).toHaveLength(2);
    for (const app of ofNode(instances, 'app')) expect(app.scaling_groups).toEqual([]);
    for (const vm of ofNode(instances, 'vm')) expect(vm.scaling_groups).toHaveLength(1);
  });
  it('refuse all_to_one between members of a shared group', () => {
    const p = plan({
      nodes: [node('a', { relationships: [connectedTo('b', { connection_type: 'all_to_one' })] }), node('b')],
      scaling_groups: { g: scalingGroup(['a', 'b']) },
    });
    expect(() => planInstances(p.nodes, p.scaling_groups)).toThrow("'all_to_one' connection type is not supported within groups");
  });
  it('pair all_to_all across groups with every target instance', () => {
    const p = plan({
      nodes: [node('a', { relationships: [connectedTo('b')] }), node('b', { instances: 2 })],
      scaling_groups: { g: scalingGroup(['a'], 2) },
    });
    const instances = planInstances(p.nodes, p.scaling_groups);
    for (const a of ofNode(instances, 'a')) expect(a.relationships).toHaveLength(2);
  });
  it('reject inconsistent memberships', () => {
    const twice = plan({ nodes: [node('a')], scaling_groups: { g1: scalingGroup(['a']), g2: scalingGroup(['a']) } });
    expect(() => planInstances(twice.nodes, twice.scaling_groups)).toThrow(expect.objectContaining({ code: 201 }));
    const unknown = plan({ nodes: [node('a')], scaling_groups: { g: scalingGroup(['zz']) } });
    expect(() => planInstances(unknown.nodes, unknown.scaling_groups)).toThrow('unknown member zz');
  });
});

describe('counts', () => {
  it('must be non-negative integers once functions are evaluated', () => {
    const p = plan({ nodes: [node('a', { instances: { get_input: 'n' } })] });
    expect(() => planInstances(p.nodes, {})).toThrow(expect.objectContaining({ code: 207 }));
  });
  it('scale to 10,000 instances with unique ids', () => {
    const nodes = [node('host', { compute: true, instances: 100 }), node('app', { instances: 99, relationships: [containedIn('host')] })];
    const instances = planInstances(nodes, {}, { random: seededRandom(5) });
    expect(instances).toHaveLength(100 + 9900);
    expect(new Set(instances.map((i) => i.id)).size).toBe(10000);
  });
});
