import { describe, expect, it } from '@jest/globals';
import { buildScaleGraph, buildScaleRollbackGraph, countOperations, planScale, scaleParamsFrom } from '../../../src/workflows';
import { HappensBefore, deployment, hasOp, op, operations, seededRandom, setState, subgraphTasks } from './helpers';

const body = `node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: 2, max_instances: 3}}}
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, delete: p.l.delete}}
  db:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create}}
  app:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, stop: p.l.stop, delete: p.l.delete}}
    relationships:
      - type: cloudify.relationships.contained_in
        target: host
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.app_db}}
  lb:
    type: cloudify.nodes.Root
    relationships:
      - type: cloudify.relationships.connected_to
        target: app
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.add, unlink: p.r.remove}}
`;

const started = async () => (await deployment(body)).withStates('started');

describe('scale out', () => {
  it('installs the added instances only; intact sources establish towards them after they started', async () => {
    const d = await started();
    const plan = planScale(d, { scalable_entity_name: 'app', delta: 1 }, seededRandom(3));
    expect(plan.entity).toBe('app');
    const added = plan.modification!.added;
    expect(added).toHaveLength(2);
    const g = buildScaleGraph(d, plan.modification);
    const hb = new HappensBefore(g);
    const lb = d.one('lb').id;
    for (const app of added) {
      const establish = op(g, 'establish', lb, { target: app.id });
      expect(establish.subgraph).toBe(`install-stub_${lb}`);
      expect(hb.before(setState(g, app.id, 'started'), establish)).toBe(true);
      expect(op(g, 'create', app.id).subgraph).toBe(`install_${app.id}`);
      // The new app waits for its host and the db, which are stubs: nothing of theirs runs.
      expect(hb.before(subgraphTasks(g, `install-stub_${app.host_id}`)[0], op(g, 'create', app.id))).toBe(true);
    }
    for (const app of d.of('app')) expect(hasOp(g, 'create', app.id)).toBe(false);
    expect(hasOp(g, 'create', d.one('db').id)).toBe(false);
    // 2 x (create + establish to db) + 2 lb establishes.
    expect(countOperations(g)).toBe(6);
  });

  it('rolls back by uninstalling the added instances as far as they got', async () => {
    const d = await started();
    const modification = planScale(d, { scalable_entity_name: 'app', delta: 1 }, seededRandom(3)).modification!;
    const [done, never] = modification.added.map((i) => i.id);
    const lb = d.one('lb').id;
    const g = buildScaleRollbackGraph(d, modification, { [done]: 'started', [never]: 'uninitialized' });
    expect(g.workflow).toBe('scale-rollback');
    expect(operations(g).filter((t) => t.context_instance_id === done).map((t) => t.call.operation)).toEqual(['l.stop', 'l.delete']);
    expect(operations(g).filter((t) => t.context_instance_id === never)).toEqual([]);
    // The lb unlinks from the app that had started, not from the one never created; existing apps are untouched.
    expect(new HappensBefore(g).before(op(g, 'unlink', lb, { target: done }), op(g, 'stop', done))).toBe(true);
    expect(hasOp(g, 'unlink', lb, { target: never })).toBe(false);
    for (const app of d.of('app')) expect(hasOp(g, 'stop', app.id)).toBe(false);
  });
});

describe('scale in', () => {
  it('uninstalls the removed host with what it contains; intact sources unlink first', async () => {
    const d = await started();
    const plan = planScale(d, { scalable_entity_name: 'app', delta: -1, scale_compute: true });
    expect(plan.entity).toBe('host');
    const removed = plan.modification!.removed;
    const host = removed.find((i) => i.node_id === 'host')!.id;
    const app = removed.find((i) => i.node_id === 'app')!.id;
    expect(removed).toHaveLength(2);
    const g = buildScaleGraph(d, plan.modification, { ignore_failure: true });
    const hb = new HappensBefore(g);
    const unlink = op(g, 'unlink', d.one('lb').id, { target: app });
    expect(unlink.ignore_failure).toBe(true);
    expect(hb.chain(unlink, op(g, 'stop', app), op(g, 'delete', app), op(g, 'delete', host))).toBe(true);
    expect(operations(g).every((t) => [host, app, d.one('lb').id].includes(t.context_instance_id))).toBe(true);
  });

  it('honours instances to remove (include hint)', async () => {
    const d = await started();
    const [first, second] = d.of('host').map((h) => h.id);
    const plan = planScale(d, { scalable_entity_name: 'host', delta: -1, include_instances: [first] });
    const removedHosts = plan.modification!.removed.filter((i) => i.node_id === 'host').map((i) => i.id);
    expect(removedHosts).toEqual([first]);
    const g = buildScaleGraph(d, plan.modification);
    expect(hasOp(g, 'delete', first)).toBe(true);
    expect(hasOp(g, 'delete', second)).toBe(false);
  });
});

describe('scale parameters', () => {
  it('refuses what Cloudify refuses, with clear messages', async () => {
    const d = await started();
    const app = d.of('app')[0].id;
    expect(() => planScale(d, { scalable_entity_name: 'app', delta: 1, exclude_instances: [app] })).toThrow('Instances cannot be included or excluded when scaling up.');
    expect(() => planScale(d, { scalable_entity_name: 'app', delta: -1, include_instances: [app], scale_compute: true })).toThrow(/scale_compute/);
    expect(() => planScale(d, { scalable_entity_name: 'app', delta: -1, include_instances: ['app_nothere'] })).toThrow('No such node instance or scaling group instance: app_nothere');
    expect(() => planScale(d, { scalable_entity_name: 'app', delta: -1, include_instances: [app], exclude_instances: [app] })).toThrow(`Instances both included and excluded: ${app}`);
    expect(() => planScale(d, { scalable_entity_name: 'nope' })).toThrow('No scalable entity named nope was found');
    expect(() => planScale(d, { scalable_entity_name: 'host', delta: 2 })).toThrow(/outside its bounds/);
    expect(() => scaleParamsFrom({ scalable_entity_name: 'app', delta: 'two' })).toThrow('The delta parameter must be a number. Got: "two"');
    expect(scaleParamsFrom({ scalable_entity_name: 'app', delta: '-1', include_instances: app })).toMatchObject({ delta: -1, include_instances: [app], scale_compute: false });
    const none = planScale(d, { scalable_entity_name: 'app', delta: 0 });
    expect(none.modification).toBeNull();
    expect(buildScaleGraph(d, none.modification).tasks).toEqual([]);
  });

  it('scales a scaling group', async () => {
    const d = (
      await deployment(`${body}
groups:
  tier:
    members: [host]
policies:
  tier_policy:
    type: cloudify.policies.scaling
    properties: {default_instances: 1}
    targets: [tier]
`)
    ).withStates('started');
    const plan = planScale(d, { scalable_entity_name: 'tier', delta: 1 });
    expect(plan.entity).toBe('tier');
    // One more group instance: 2 hosts and their apps.
    expect(plan.modification!.added.map((i) => i.node_id).sort()).toEqual(['app', 'app', 'host', 'host']);
    const g = buildScaleGraph(d, plan.modification);
    const hb = new HappensBefore(g);
    for (const app of plan.modification!.added.filter((i) => i.node_id === 'app')) {
      expect(hb.before(setState(g, app.host_id!, 'started'), op(g, 'create', app.id))).toBe(true);
    }
  });
});
