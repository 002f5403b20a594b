import { describe, expect, it } from '@jest/globals';
import { buildReinstallGraph, buildUninstallGraph } from '../../../src/workflows';
import { HappensBefore, LC, deployment, first, hasOp, last, op, operations, sequenceOf, setState, subgraphTasks } from './helpers';

const body = `node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    interfaces: {cloudify.interfaces.lifecycle: {stop: p.l.stop, delete: p.l.delete}}
  db:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {stop: p.l.stop, delete: p.l.delete}}
    relationships: [{type: cloudify.relationships.contained_in, target: host}]
  cache:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {delete: p.l.delete}}
  app:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.validation: {delete: p.v.delete}
      cloudify.interfaces.monitoring: {stop: p.m.stop}
      cloudify.interfaces.lifecycle: {prestop: p.l.prestop, stop: p.l.stop, delete: p.l.delete, postdelete: p.l.postdelete}
    relationships:
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {unlink: p.r.unlink_db}}
        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {unlink: p.r.t_unlink_db}}
      - type: cloudify.relationships.connected_to
        target: cache
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {unlink: p.r.unlink_cache}}
`;

describe('uninstall: the sequence of one instance', () => {
  it('stops, unlinks groups in reverse declaration order, then deletes', async () => {
    const d = (await deployment(body)).withStates('started');
    const g = buildUninstallGraph(d);
    const [app, db, cache] = ['app', 'db', 'cache'].map((n) => d.one(n).id);
    expect(sequenceOf(g, `uninstall_${app}`)).toEqual([
      'state:stopping',
      'event:Validating node instance before deletion',
      'cloudify.interfaces.validation.delete',
      'event:Node instance validated before deletion',
      'cloudify.interfaces.monitoring.stop',
      'event:Prestopping node instance',
      `${LC}.prestop`,
      'event:Node instance prestopped',
      `${LC}.stop`,
      'event:Stopped node instance',
      'state:stopped',
      'event:Unlinking relationships',
      `unlink:source->${cache}`,
      `unlink:source->${db}`,
      `unlink:target->${db}`,
      'event:Relationships unlinked',
      'state:deleting',
      `${LC}.delete`,
      'event:Postdeleting node instance',
      `${LC}.postdelete`,
      'event:Node instance postdeleted',
      'state:deleted',
    ]);
    const hb = new HappensBefore(g);
    expect(hb.chain(op(g, 'unlink', app, { target: cache }), op(g, 'unlink', app, { target: db, side: 'source' }), op(g, 'delete', app))).toBe(true);
    expect(hb.concurrent(op(g, 'unlink', app, { target: db, side: 'source' }), op(g, 'unlink', db, { source: app, side: 'target' }))).toBe(true);
  });

  it('reverses the edges: a target is stopped only after its sources are deleted (unlinks included)', async () => {
    const d = (await deployment(body)).withStates('started');
    const g = buildUninstallGraph(d);
    const hb = new HappensBefore(g);
    const [host, db, cache, app] = ['host', 'db', 'cache', 'app'].map((n) => d.one(n).id);
    expect(hb.before(setState(g, app, 'deleted'), first(g, `uninstall_${db}`))).toBe(true);
    expect(hb.before(op(g, 'unlink', db, { source: app, side: 'target' }), op(g, 'stop', db))).toBe(true);
    expect(hb.before(setState(g, app, 'deleted'), first(g, `uninstall_${cache}`))).toBe(true);
    expect(hb.before(setState(g, db, 'deleted'), op(g, 'stop', host))).toBe(true);
    expect(hb.concurrent(op(g, 'delete', cache), op(g, 'stop', db))).toBe(true);
  });

  it('orders depends_on_lifecycle_operation as depends_on (Cloudify applies no uninstall order for it)', async () => {
    const d = (
      await deployment(`node_templates:
  target:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, stop: p.l.stop}}
  src:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {delete: p.l.delete}}
    relationships:
      - type: cloudify.relationships.depends_on_lifecycle_operation
        target: target
        properties: {operation: create}
`)
    ).withStates('started');
    const g = buildUninstallGraph(d);
    expect(new HappensBefore(g).before(setState(g, d.one('src').id, 'deleted'), op(g, 'stop', d.one('target').id))).toBe(true);
  });

  it('skips the stages an instance never reached', async () => {
    const d = await deployment(body);
    const app = d.one('app').id;
    const ops = (state: string) => operations(buildUninstallGraph(d.withStates({ app: state }), { node_ids: ['app'] })).map((t) => t.call.operation);
    expect(ops('uninitialized')).toEqual([]);
    expect(ops('initializing')).toEqual([]);
    expect(ops('creating')).toEqual(['v.delete', 'm.stop', 'l.prestop', 'l.stop', 'r.unlink_cache', 'r.unlink_db', 'r.t_unlink_db', 'l.delete', 'l.postdelete']);
    expect(ops('stopped')).toEqual(['r.unlink_cache', 'r.unlink_db', 'r.t_unlink_db', 'l.delete', 'l.postdelete']);
    expect(ops('deleting')).toEqual(['r.unlink_cache', 'r.unlink_db', 'r.t_unlink_db', 'l.delete', 'l.postdelete']);
    expect(ops('deleted')).toEqual([]);
    const never = buildUninstallGraph(d.withStates({ app: 'uninitialized' }), { node_ids: ['app'] });
    expect(sequenceOf(never, `uninstall_${app}`)).toEqual([
      'event:Validating node instance after deletion: nothing to do',
      'event:Stop: instance already uninitialized',
      'state:stopped',
      'event:Delete: instance already uninitialized',
      'state:deleted',
    ]);
    expect(sequenceOf(buildUninstallGraph(d.withStates({ app: 'deleted' }), { node_ids: ['app'] }), `uninstall_${app}`)).toEqual([
      'event:Validating node instance after deletion: nothing to do',
      'event:Stop: instance already deleted',
      'event:Delete: instance already deleted',
    ]);
  });

  it('marks every task ignore_failure with ignore_failure', async () => {
    const d = (await deployment(body)).withStates('started');
    expect(buildUninstallGraph(d, { ignore_failure: true }).tasks.filter((t) => t.subgraph.startsWith('uninstall_')).every((t) => t.ignore_failure)).toBe(true);
    expect(buildUninstallGraph(d).tasks.some((t) => t.ignore_failure)).toBe(false);
  });

  it('takes the agent down on a Compute host before stopping it', async () => {
    const d = (
      await deployment(`node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: provided}}
    interfaces: {cloudify.interfaces.lifecycle: {stop: p.l.stop}}
  old:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: remote}}
`)
    ).withStates('started');
    const g = buildUninstallGraph(d);
    const agentOps = (id: string) => sequenceOf(g, `uninstall_${id}`).filter((s) => s.includes('cloudify_agent') || s.endsWith(`${LC}.stop`));
    expect(agentOps(d.one('vm').id)).toEqual(['cloudify.interfaces.cloudify_agent.stop_amqp', 'cloudify.interfaces.cloudify_agent.delete', `${LC}.stop`]);
    expect(agentOps(d.one('old').id)).toEqual(['cloudify.interfaces.cloudify_agent.stop', 'cloudify.interfaces.cloudify_agent.delete']);
  });
});

describe('uninstall: filters and intact instances', () => {
  it('an intact source unlinks from an uninstalled target first, failures ignored; one never created does not', async () => {
    const d = (await deployment(body)).withStates('started');
    const [db, app] = [d.one('db').id, d.one('app').id];
    const g = buildUninstallGraph(d, { node_ids: ['db', 'host'] });
    expect(hasOp(g, 'stop', app)).toBe(false);
    const unlink = op(g, 'unlink', app, { target: db, side: 'source' });
    const targetSide = op(g, 'unlink', db, { source: app, side: 'target' });
    expect(unlink.subgraph).toBe(`uninstall-stub_${app}`);
    expect([unlink.ignore_failure, targetSide.ignore_failure]).toEqual([true, true]);
    // Appended one after the other, and the db stops only after both.
    const hb = new HappensBefore(g);
    expect(hb.chain(unlink, targetSide, op(g, 'stop', db))).toBe(true);
    expect(hasOp(g, 'unlink', app, { target: d.one('cache').id })).toBe(false);
    const notCreated = buildUninstallGraph(d.withStates({ app: 'uninitialized' }), { node_ids: ['db'] });
    expect(hasOp(notCreated, 'unlink', app)).toBe(false);
  });
});

describe('reinstall', () => {
  it('uninstalls, then installs the same instances from scratch', async () => {
    const d = (
      await deployment(`node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, delete: p.l.delete}}
  app:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, delete: p.l.delete}}
    relationships: [{type: cloudify.relationships.contained_in, target: host}]
`)
    ).withStates('started');
    const g = buildReinstallGraph(d, { ignore_failure: true });
    const hb = new HappensBefore(g);
    const [host, app] = [d.one('host').id, d.one('app').id];
    // Every install task comes after every uninstall task.
    const uninstall = g.tasks.filter((t) => t.subgraph.startsWith('uninstall_'));
    const install = g.tasks.filter((t) => t.subgraph.startsWith('install_'));
    for (const u of uninstall) for (const i of install) expect(hb.before(u, i)).toBe(true);
    // Install runs every stage although the instances were started when the graph was built.
    expect(op(g, 'create', host, { prefix: 'install' })).toBeDefined();
    expect(hb.chain(op(g, 'delete', app, { prefix: 'uninstall' }), op(g, 'delete', host, { prefix: 'uninstall' }), op(g, 'create', host, { prefix: 'install' }), op(g, 'create', app, { prefix: 'install' }))).toBe(true);
    expect(uninstall.every((t) => t.ignore_failure)).toBe(true);
    expect(install.some((t) => t.ignore_failure)).toBe(false);
    expect(last(g, 'phase_install').kind).toBe('marker');
    expect(subgraphTasks(g, 'phase_uninstall')).toHaveLength(1);
  });
});
