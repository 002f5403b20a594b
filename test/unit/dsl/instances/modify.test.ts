import { describe, expect, it } from '@jest/globals';
import type { PlannedNodeInstance } from '../../../../src/dsl/plan';
import { modifyDeployment, planInstances, scaleModification } from '../../../../src/dsl/instances';
import { CONNECTED_TO, connectedTo, containedIn, node, plan, scalingGroup, seededRandom } from './plan-builder';

const ofNode = (instances: PlannedNodeInstance[], id: string) => instances.filter((i) => i.node_id === id);
const ids = (instances: PlannedNodeInstance[]) => instances.map((i) => i.id).sort();

describe('modifyDeployment', () => {
  const p = plan({
    nodes: [
      node('host', { compute: true, instances: 2 }),
      node('app', { instances: 3, relationships: [containedIn('host'), connectedTo('db')] }),
      node('db', { instances: 1 }),
      node('lb', { relationships: [connectedTo('app')] }),
    ],
  });
  const before = planInstances(p.nodes, {}, { random: seededRandom(21) });

  it('adds instances under every parent and keeps existing ids and relationships intact', () => {
    const m = modifyDeployment({ nodes: p.nodes, scalingGroups: {}, instances: before, modified: { app: { instances: 4 } }, random: seededRandom(22) });
    expect(m.added).toHaveLength(2);
    expect(m.removed).toEqual([]);
    expect(ofNode(m.node_instances, 'app')).toHaveLength(8);
    for (const old of ofNode(before, 'app')) expect(m.node_instances).toContainEqual(old);
    // New apps: one per host, contained in it, connected to the db, with fresh indexes.
    const hosts = new Set(ofNode(before, 'host').map((h) => h.id));
    expect(new Set(m.added.map((a) => a.relationships[0].target_id))).toEqual(hosts);
    for (const added of m.added) {
      expect(added.id).toMatch(/^app_[a-z0-9]{6}$/);
      expect(added.host_id).toBe(added.relationships[0].target_id);
      expect(added.relationships[1]).toEqual({ type: CONNECTED_TO, target_name: 'db', target_id: ofNode(before, 'db')[0].id });
    }
    expect(m.added.map((a) => a.index).sort()).toEqual([6, 7]);
    // lb (all_to_all to app) gains relationships to the two new apps, appended after the old ones.
    expect(m.extended).toEqual([{ id: ofNode(before, 'lb')[0].id, node_id: 'lb', relationships: m.added.map((a) => ({ type: CONNECTED_TO, target_name: 'app', target_id: a.id })) }]);
    const lb = ofNode(m.node_instances, 'lb')[0];
    expect(lb.relationships.slice(0, 6)).toEqual(ofNode(before, 'lb')[0].relationships);
    expect(lb.relationships).toHaveLength(8);
  });

  it('removes the newest instances first, with everything they contain, and reports lost relationships', () => {
    const m = modifyDeployment({ nodes: p.nodes, scalingGroups: {}, instances: before, modified: { host: { instances: 1 } } });
    const newestHost = ofNode(before, 'host')[1];
    const gone = [newestHost, ...ofNode(before, 'app').filter((a) => a.relationships[0].target_id === newestHost.id)];
    expect(ids(m.removed)).toEqual(ids(gone));
    expect(m.added).toEqual([]);
    expect(ofNode(m.node_instances, 'app')).toHaveLength(3);
    const lb = ofNode(before, 'lb')[0];
    expect(m.reduced).toEqual([{ id: lb.id, node_id: 'lb', relationships: lb.relationships.filter((r) => gone.some((g) => g.id === r.target_id)) }]);
    expect(ofNode(m.node_instances, 'lb')[0].relationships).toHaveLength(3);
  });

  it('honours include and exclude hints', () => {
    const apps = ofNode(before, 'app').filter((a) => a.relationships[0].target_id === ofNode(before, 'host')[0].id);
    const include = modifyDeployment({
      nodes: p.nodes,
      scalingGroups: {},
      instances: before,
      modified: { app: { instances: 2, removed_ids_include_hint: [apps[0].id] } },
    });
    expect(include.removed.map((r) => r.id)).toContain(apps[0].id);
    expect(include.removed).toHaveLength(2);
    const exclude = modifyDeployment({
      nodes: p.nodes,
      scalingGroups: {},
      instances: before,
      modified: { app: { instances: 2, removed_ids_exclude_hint: [apps[2].id] } },
    });
    // Without the hint the newest (apps[2]) would go; with it, the next newest does.
    expect(exclude.removed.map((r) => r.id)).not.toContain(apps[2].id);
    expect(exclude.removed.map((r) => r.id)).toContain(apps[1].id);
    // When every candidate is excluded, the newest excluded ones still go.
    const all = modifyDeployment({
      nodes: p.nodes,
      scalingGroups: {},
      instances: before,
      modified: { db: { instances: 0, removed_ids_exclude_hint: [ofNode(before, 'db')[0].id] } },
    });
    expect(all.removed.map((r) => r.id)).toEqual([ofNode(before, 'db')[0].id]);
    expect(all.reduced).toHaveLength(6);
  });

  it('changes nothing when counts stay', () => {
    const m = modifyDeployment({ nodes: p.nodes, scalingGroups: {}, instances: before, modified: { app: { instances: 3 } } });
    expect(m).toEqual({ added: [], removed: [], extended: [], reduced: [], node_instances: before });
  });

  it('keeps the target an all_to_one relationship chose before', () => {
    const q = plan({ nodes: [node('app', { instances: 2, relationships: [connectedTo('db', { connection_type: 'all_to_one' })] }), node('db', { instances: 3 })] });
    const start = planInstances(q.nodes, {}, { random: seededRandom(2) });
    const chosen = ofNode(start, 'app')[0].relationships[0].target_id;
    // Rename the chosen target so it is no longer the smallest id: a scale must still keep it.
    const renamed = 'db_zzzzzz';
    const instances = start.map((i) =>
      i.id === chosen ? { ...i, id: renamed } : { ...i, relationships: i.relationships.map((r) => (r.target_id === chosen ? { ...r, target_id: renamed } : r)) },
    );
    const m = modifyDeployment({ nodes: q.nodes, scalingGroups: {}, instances, modified: { app: { instances: 4 } } });
    for (const app of m.added) expect(app.relationships).toEqual([{ type: CONNECTED_TO, target_name: 'db', target_id: renamed }]);
    // If the chosen target is removed, the others move to the smallest remaining one.
    const shrink = modifyDeployment({ nodes: q.nodes, scalingGroups: {}, instances, modified: { db: { instances: 2, removed_ids_include_hint: [renamed] } } });
    const remaining = ofNode(shrink.node_instances, 'db').map((d) => d.id).sort()[0];
    for (const app of ofNode(shrink.node_instances, 'app')) expect(app.relationships).toEqual([{ type: CONNECTED_TO, target_name: 'db', target_id: remaining }]);
    expect(shrink.extended).toHaveLength(2);
    expect(shrink.reduced).toHaveLength(2);
  });

  it('does not confuse an all_to_one relationship with another of the same type to the same node', () => {
    const q = plan({ nodes: [node('app', { relationships: [connectedTo('db'), connectedTo('db', { connection_type: 'all_to_one' })] }), node('db', { instances: 2 })] });
    const start = planInstances(q.nodes, {});
    expect(start[0].relationships).toHaveLength(3);
    const m = modifyDeployment({ nodes: q.nodes, scalingGroups: {}, instances: start, modified: { app: { instances: 2 } } });
    expect(m.added[0].relationships).toEqual(start[0].relationships);
  });

  it('scales a scaling group as a whole, pairing new members inside their new group instance', () => {
    const q = plan({
      nodes: [node('vm', { compute: true }), node('app', { relationships: [containedIn('vm'), connectedTo('cfg')] }), node('cfg', { relationships: [containedIn('vm')] })],
      scaling_groups: { unit: scalingGroup(['vm'], 2) },
    });
    const start = planInstances(q.nodes, q.scaling_groups, { random: seededRandom(9) });
    expect(start).toHaveLength(6);
    const m = modifyDeployment({ nodes: q.nodes, scalingGroups: q.scaling_groups, instances: start, modified: { unit: { instances: 3 } } });
    expect(m.added.map((a) => a.node_id).sort()).toEqual(['app', 'cfg', 'vm']);
    const vm = m.added.find((a) => a.node_id === 'vm')!;
    expect(vm.scaling_groups).toHaveLength(1);
    expect(start.map((s) => s.scaling_groups[0]?.id)).not.toContain(vm.scaling_groups[0].id);
    const app = m.added.find((a) => a.node_id === 'app')!;
    const cfg = m.added.find((a) => a.node_id === 'cfg')!;
    expect(app.relationships.map((r) => r.target_id)).toEqual([vm.id, cfg.id]);
    for (const s of start) expect(m.node_instances).toContainEqual(s);
    // Scaling back in removes the newest group instance with all its members.
    const back = modifyDeployment({ nodes: q.nodes, scalingGroups: q.scaling_groups, instances: m.node_instances, modified: { unit: { instances: 2 } } });
    expect(ids(back.removed)).toEqual(ids(m.added));
    expect(ids(back.node_instances)).toEqual(ids(start));
  });

  it('rejects unknown entities and stored instances that do not fit the plan', () => {
    expect(() => modifyDeployment({ nodes: p.nodes, scalingGroups: {}, instances: before, modified: { nope: { instances: 1 } } })).toThrow('neither a node nor a scaling group');
    const orphan = [...before, { id: 'app_orphan', node_id: 'app', host_id: null, relationships: [], scaling_groups: [], index: 99 }];
    expect(() => modifyDeployment({ nodes: p.nodes, scalingGroups: {}, instances: orphan, modified: {} })).toThrow('Cannot find the container of instance app_orphan');
  });
});

describe('scaleModification', () => {
  const p = plan({
    nodes: [node('web', { instances: 2, min: 1, max: 4 }), node('free', { instances: 1 })],
    scaling_groups: { g: scalingGroup(['free'], 1, { min: 1, max: 2 }) },
  });
  it('turns a delta into the new count of a node or group', () => {
    expect(scaleModification(p.nodes, p.scaling_groups, 'web', 2)).toEqual({ web: { instances: 4, removed_ids_include_hint: undefined, removed_ids_exclude_hint: undefined } });
    expect(scaleModification(p.nodes, p.scaling_groups, 'g', 1, { exclude: ['x'] }).g).toEqual({ instances: 2, removed_ids_include_hint: undefined, removed_ids_exclude_hint: ['x'] });
  });
  it('respects min and max, and refuses a negative result', () => {
    expect(() => scaleModification(p.nodes, p.scaling_groups, 'web', 3)).toThrow('outside its bounds [1, 4]');
    expect(() => scaleModification(p.nodes, p.scaling_groups, 'web', -2)).toThrow('outside its bounds');
    expect(() => scaleModification(p.nodes, p.scaling_groups, 'g', -2)).toThrow('Provided delta: -2 is illegal');
    expect(() => scaleModification(p.nodes, p.scaling_groups, 'zzz', 1)).toThrow(expect.objectContaining({ errorCode: 'bad_parameters_error' }));
  });
});
