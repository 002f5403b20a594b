import { describe, expect, it } from '@jest/globals';
import { buildInstallGraph, countOperations, type WorkflowGraph } from '../../../src/workflows';
import { HappensBefore, LC, RL, deployment, first, hasOp, last, linearise, op, operations, seededRandom, sequenceOf, setState, subgraphTasks } from './helpers';

const FULL_NODE = `
  full:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.validation:
        create: p.v.create
      cloudify.interfaces.lifecycle:
        precreate: p.l.precreate
        create: p.l.create
        configure: p.l.configure
        start: p.l.start
        poststart: p.l.poststart
      cloudify.interfaces.monitoring:
        start: p.m.start
    relationships:
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces:
          cloudify.interfaces.relationship_lifecycle:
            preconfigure: p.r.pre
            postconfigure: p.r.post
            establish: p.r.est
`;

describe('install: the sequence of one instance', () => {
  it('runs every lifecycle step in Cloudify order with its state changes', async () => {
    const d = await deployment(`node_templates:\n  db:\n    type: cloudify.nodes.Root\n${FULL_NODE}`);
    const g = buildInstallGraph(d);
    const full = d.one('full').id;
    const db = d.one('db').id;
    expect(sequenceOf(g, `install_${full}`)).toEqual([
      'state:initializing',
      'event:Validating node instance before creation',
      'cloudify.interfaces.validation.create',
      'event:Node instance validated before creation',
      'event:Precreating node instance',
      `${LC}.precreate`,
      'event:Node instance precreated',
      'state:creating',
      `${LC}.create`,
      'state:created',
      'event:Pre-configuring relationships',
      `preconfigure:source->${db}`,
      'event:Relationships pre-configured',
      'state:configuring',
      `${LC}.configure`,
      'state:configured',
      'event:Post-configuring relationships',
      `postconfigure:source->${db}`,
      'event:Relationships post-configured',
      'state:starting',
      `${LC}.start`,
      'event:Poststarting node instance',
      `${LC}.poststart`,
      'event:Node instance poststarted',
      'cloudify.interfaces.monitoring.start',
      'event:Establishing relationships',
      `establish:source->${db}`,
      'event:Relationships established',
      'state:started',
    ]);
    // A sequence is a chain: each task waits for the previous one.
    const tasks = subgraphTasks(g, `install_${full}`);
    const hb = new HappensBefore(g);
    expect(hb.chain(...tasks)).toBe(true);
    expect(countOperations(g)).toBe(10);
  });

  it('drops no-ops with their events and states, leaving "nothing to do" for lifecycle stages', async () => {
    const d = await deployment(`node_templates:
  only_configure:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle:
        configure: p.l.configure
  nothing:
    type: cloudify.nodes.Root
`);
    const g = buildInstallGraph(d);
    expect(sequenceOf(g, `install_${d.one('only_configure').id}`)).toEqual([
      'state:initializing',
      'event:Validating node instance before creation: nothing to do',
      'event:Precreating node instance: nothing to do',
      'event:Creating node instance: nothing to do',
      'state:configuring',
      `${LC}.configure`,
      'state:configured',
      'event:Starting node instance: nothing to do',
      'event:Poststarting node instance: nothing to do',
      'state:started',
    ]);
    expect(sequenceOf(g, `install_${d.one('nothing').id}`)).toEqual(['state:started']);
    expect(setState(g, d.one('nothing').id, 'started').message).toBe('Node instance started (nothing to do)');
    expect(countOperations(g)).toBe(1);
  });

  it('skips the stages a resumed instance already went through', async () => {
    const d = await deployment(`node_templates:\n  db:\n    type: cloudify.nodes.Root\n${FULL_NODE}`);
    const full = d.one('full').id;
    const at = (state: string) => sequenceOf(buildInstallGraph(d.withStates({ full: state })), `install_${full}`).filter((s) => !s.startsWith('event:'));
    expect(at('creating')).toEqual(['state:initializing', 'state:creating', `${LC}.create`, 'state:created', `preconfigure:source->${d.one('db').id}`, 'state:configuring', `${LC}.configure`, 'state:configured', `postconfigure:source->${d.one('db').id}`, 'state:starting', `${LC}.start`, `${LC}.poststart`, 'cloudify.interfaces.monitoring.start', `establish:source->${d.one('db').id}`, 'state:started']);
    expect(at('configured')).toEqual(['state:initializing', `postconfigure:source->${d.one('db').id}`, 'state:starting', `${LC}.start`, `${LC}.poststart`, 'cloudify.interfaces.monitoring.start', `establish:source->${d.one('db').id}`, 'state:started']);
    // starting: start is run again (it may not have finished).
    expect(at('starting')).toContain(`${LC}.start`);
    expect(at('starting')).not.toContain(`${LC}.configure`);
    expect(at('started')).toEqual(['state:started']);
  });
});

describe('install: ordering between instances', () => {
  it('contained_in: the contained instance starts after its host finished its whole install', async () => {
    const d = await deployment(`node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: p.l.create
        start: p.l.start
  app:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle:
        create: p.l.create
    relationships:
      - type: cloudify.relationships.contained_in
        target: host
`);
    const g = buildInstallGraph(d);
    const hb = new HappensBefore(g);
    const [host, app] = [d.one('host').id, d.one('app').id];
    expect(hb.before(setState(g, host, 'started'), first(g, `install_${app}`))).toBe(true);
    expect(hb.before(op(g, 'create', app), op(g, 'start', host))).toBe(false);
    // On every order the engine may pick, the host is started before the app is created.
    for (let seed = 1; seed <= 20; seed++) {
      const ids = linearise(g, seededRandom(seed)).map((t) => t.id);
      expect(ids.indexOf(setState(g, host, 'started').id)).toBeLessThan(ids.indexOf(op(g, 'create', app).id));
    }
  });

  describe('connected_to all_to_all: 2 hosts x 2 apps each, connected to a db of 2 instances', () => {
    const body = `node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: 2}}}
  db:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: p.l.create
        start: p.l.start
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: p.l.create
        configure: p.l.configure
    relationships:
      - type: cloudify.relationships.contained_in
        target: host
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces:
          cloudify.interfaces.relationship_lifecycle:
            preconfigure: p.r.src_pre
        target_interfaces:
          cloudify.interfaces.relationship_lifecycle:
            preconfigure: p.r.tgt_pre
`;

    it('every app waits for both db instances', async () => {
      const d = await deployment(body);
      const g = buildInstallGraph(d);
      const hb = new HappensBefore(g);
      expect(d.of('app')).toHaveLength(4);
      for (const app of d.of('app')) {
        for (const db of d.of('db')) expect(hb.before(setState(g, db.id, 'started'), first(g, `install_${app.id}`))).toBe(true);
        expect(hb.before(setState(g, app.host_id!, 'started'), first(g, `install_${app.id}`))).toBe(true);
      }
      // The apps do not wait for each other.
      const [a, b] = d.of('app');
      expect(hb.concurrent(op(g, 'create', a.id), op(g, 'create', b.id))).toBe(true);
    });

    it("an app's db group is 2 relationships = 4 operations in parallel, between create and configure", async () => {
      const d = await deployment(body);
      const g = buildInstallGraph(d);
      const hb = new HappensBefore(g);
      const app = d.of('app')[0].id;
      const group = operations(g).filter((t) => t.subgraph === `install_${app}` && t.name === `${RL}.preconfigure`);
      expect(group).toHaveLength(4);
      expect(new Set(group.map((t) => `${t.relationship!.side}:${t.relationship!.target_id}`))).toEqual(new Set(d.of('db').flatMap((db) => [`source:${db.id}`, `target:${db.id}`])));
      for (const x of group) {
        for (const y of group) if (x !== y) expect(hb.concurrent(x, y)).toBe(true);
        expect(hb.chain(op(g, 'create', app), x, op(g, 'configure', app))).toBe(true);
        // Each side runs in its own instance's context.
        expect(x.context_instance_id).toBe(x.relationship!.side === 'source' ? app : x.relationship!.target_id);
        expect(x.call.operation).toBe(x.relationship!.side === 'source' ? 'r.src_pre' : 'r.tgt_pre');
      }
    });

    it("a source does not wait for the target-side operations other sources run on the target", async () => {
      const d = await deployment(body);
      const g = buildInstallGraph(d);
      const hb = new HappensBefore(g);
      const [a, b] = d.of('app').map((i) => i.id);
      const db = d.of('db')[0].id;
      const onDbByA = op(g, 'preconfigure', db, { source: a, side: 'target' });
      expect(onDbByA.subgraph).toBe(`install_${a}`);
      expect(hb.concurrent(onDbByA, first(g, `install_${b}`))).toBe(true);
      expect(hb.concurrent(onDbByA, setState(g, b, 'started'))).toBe(true);
    });
  });

  it('groups consecutive relationships by target node, in declaration order (contained_in stays where declared)', async () => {
    const d = await deployment(`node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
  a:
    type: cloudify.nodes.Root
  b:
    type: cloudify.nodes.Root
  src:
    type: cloudify.nodes.Root
    relationships:
      - type: cloudify.relationships.connected_to
        target: a
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.est1}}
        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.test1}}
      - type: cloudify.relationships.depends_on
        target: a
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.est2}}
      - type: cloudify.relationships.contained_in
        target: host
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.est3}}
      - type: cloudify.relationships.connected_to
        target: b
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.est4}}
`);
    const g = buildInstallGraph(d);
    const hb = new HappensBefore(g);
    const src = d.one('src').id;
    const est = (operation: string) => operations(g).find((t) => t.subgraph === `install_${src}` && t.call.operation === operation)!;
    // Group 1 (towards a): two relationships, three operations, in parallel.
    expect(hb.concurrent(est('r.est1'), est('r.test1'))).toBe(true);
    expect(hb.concurrent(est('r.est1'), est('r.est2'))).toBe(true);
    expect(est('r.test1').context_instance_id).toBe(d.one('a').id);
    // Then host (declared third), then b.
    for (const x of ['r.est1', 'r.test1', 'r.est2']) expect(hb.chain(est(x), est('r.est3'), est('r.est4'))).toBe(true);
  });

  it('depends_on waits for the whole target; depends_on_lifecycle_operation only for the named operation', async () => {
    const d = await deployment(`node_templates:
  target:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle:
        create: p.l.create
        configure: p.l.configure
        start: p.l.start
  whole:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create}}
    relationships:
      - type: cloudify.relationships.depends_on
        target: target
  partial:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, start: p.l.start}}
    relationships:
      - type: cloudify.relationships.depends_on_lifecycle_operation
        target: target
        properties:
          operation: create
`);
    const g = buildInstallGraph(d);
    const hb = new HappensBefore(g);
    const [t, whole, partial] = ['target', 'whole', 'partial'].map((n) => d.one(n).id);
    expect(hb.before(setState(g, t, 'started'), first(g, `install_${whole}`))).toBe(true);
    // partial waits for the step right after the target's create (its `created` state) and no more.
    expect(hb.before(op(g, 'create', t), first(g, `install_${partial}`))).toBe(true);
    expect(hb.before(setState(g, t, 'created'), first(g, `install_${partial}`))).toBe(true);
    expect(hb.concurrent(op(g, 'configure', t), op(g, 'create', partial))).toBe(true);
    expect(hb.concurrent(op(g, 'start', t), op(g, 'start', partial))).toBe(true);
  });

  it('depends_on_lifecycle_operation on configure and with a full operation name', async () => {
    const d = await deployment(`node_templates:
  target:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, configure: p.l.configure, start: p.l.start}}
  src:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create}}
    relationships:
      - type: cloudify.relationships.depends_on_lifecycle_operation
        target: target
        properties:
          operation: cloudify.interfaces.lifecycle.configure
`);
    const g = buildInstallGraph(d);
    const hb = new HappensBefore(g);
    const [t, src] = [d.one('target').id, d.one('src').id];
    expect(hb.before(op(g, 'configure', t), op(g, 'create', src))).toBe(true);
    expect(hb.concurrent(op(g, 'start', t), op(g, 'create', src))).toBe(true);
  });

  it('refuses a depends_on_lifecycle_operation naming an operation install does not run', async () => {
    const d = await deployment(`node_templates:
  target:
    type: cloudify.nodes.Root
  src:
    type: cloudify.nodes.Root
    relationships:
      - type: cloudify.relationships.depends_on_lifecycle_operation
        target: target
        properties:
          operation: stop
`);
    expect(() => buildInstallGraph(d)).toThrow(/names operation "stop"; it must be one of precreate, create, configure, start, poststart/);
  });

  it('refuses relationship cycles with the cycle in the message', async () => {
    const d = await deployment(`node_templates:
  a:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.connected_to, target: b}]
  b:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.connected_to, target: a}]
`);
    expect(() => buildInstallGraph(d)).toThrow(/cycle: .*install_a_.*install_b_|cycle: .*install_b_.*install_a_/);
  });
});

describe('install: executors and Compute hosts', () => {
  it('resolves auto to the host agent of contained instances and to central elsewhere, per side', async () => {
    const d = await deployment(`node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: provided}}
  web:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle:
        create: scripts/run.sh
        configure: p.l.configure
        start: h.l.start
    relationships:
      - type: cloudify.relationships.contained_in
        target: vm
  lb:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: scripts/run.sh}}
    relationships:
      - type: cloudify.relationships.connected_to
        target: web
        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: scripts/run.sh}}
`);
    const g = buildInstallGraph(d);
    const [vm, web, lb] = ['vm', 'web', 'lb'].map((n) => d.one(n).id);
    expect(op(g, 'create', web).call).toMatchObject({ plugin: 'script', operation: 'script_runner.tasks.run', executor: 'host_agent', host_id: vm, inputs: { script_path: 'scripts/run.sh' } });
    expect(op(g, 'configure', web).call).toMatchObject({ executor: 'central_deployment_agent', host_id: null });
    expect(op(g, 'start', web).call).toMatchObject({ executor: 'host_agent', host_id: vm });
    expect(op(g, 'create', lb).call).toMatchObject({ executor: 'central_deployment_agent', host_id: null });
    // The target side of lb -> web runs in web's context, so on web's host agent.
    expect(op(g, 'establish', web, { source: lb, side: 'target' }).call).toMatchObject({ executor: 'host_agent', host_id: vm });
  });

  const host = (method: string, extra = '') => `node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: ${method}}}
    interfaces:
      cloudify.interfaces.lifecycle: {start: p.l.start, poststart: p.l.poststart}
      cloudify.interfaces.host: {get_state: p.l.get_state}
${extra}`;

  it('provided: get_state until true, agent create, then a wait for the Stratus agent, before poststart', async () => {
    const d = await deployment(host('provided'));
    const g = buildInstallGraph(d);
    const vm = d.one('vm').id;
    expect(sequenceOf(g, `install_${vm}`).filter((s) => !s.startsWith('event:'))).toEqual([
      'state:initializing',
      'state:starting',
      `${LC}.start`,
      'cloudify.interfaces.host.get_state',
      'cloudify.interfaces.cloudify_agent.create',
      'wait_for_agent',
      `${LC}.poststart`,
      'state:started',
    ]);
    expect(op(g, 'cloudify.interfaces.host.get_state', vm).retry_until_true).toBe(true);
    expect(op(g, `${LC}.start`, vm).retry_until_true).toBe(false);
    expect(g.tasks.find((t) => t.kind === 'wait_for_agent')).toMatchObject({ host_id: vm, install_method: 'provided', instance_id: vm });
  });

  it('init_script: the user data before create, agent create and start, then the wait; remote: create only; none: no agent step', async () => {
    const agentSteps = async (method: string) => {
      const d = await deployment(host(method));
      const g = buildInstallGraph(d);
      return sequenceOf(g, `install_${d.one('vm').id}`).filter((s) => s.includes('cloudify_agent') || s === 'wait_for_agent');
    };
    expect(await agentSteps('init_script')).toEqual(['cloudify.interfaces.cloudify_agent.init_script', 'cloudify.interfaces.cloudify_agent.create', 'cloudify.interfaces.cloudify_agent.start', 'wait_for_agent']);
    expect(await agentSteps('remote')).toEqual(['cloudify.interfaces.cloudify_agent.create']);
    expect(await agentSteps('plugin')).toEqual(['cloudify.interfaces.cloudify_agent.create', 'cloudify.interfaces.cloudify_agent.start']);
    expect(await agentSteps('none')).toEqual([]);
  });

  it("installs the host's plugins through its agent with the plugin list as input", async () => {
    const d = await deployment(
      host(
        'provided',
        `  web:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: h.l.create}}
    relationships: [{type: cloudify.relationships.contained_in, target: vm}]
`,
      ),
    );
    const g = buildInstallGraph(d);
    const vm = d.one('vm').id;
    const install = op(g, 'cloudify.interfaces.cloudify_agent.install_plugins', vm);
    expect((install.call.inputs.plugins as { name: string }[]).map((p) => p.name)).toContain('h');
    const hb = new HappensBefore(g);
    expect(hb.chain(g.tasks.find((t) => t.kind === 'wait_for_agent')!, install, op(g, 'poststart', vm))).toBe(true);
  });
});

describe('install: filters and stubs', () => {
  const body = `node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create}}
  db:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create}}
    relationships: [{type: cloudify.relationships.contained_in, target: host}]
  app:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create}}
    relationships:
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.est}}
`;

  it('installs only the selected instances; the others are stubs that pass ordering through', async () => {
    const d = await deployment(body);
    const [host, db, app] = ['host', 'db', 'app'].map((n) => d.one(n).id);
    const g = buildInstallGraph(d, { node_ids: ['host', 'app'] });
    expect(new Set(operations(g).map((t) => t.context_instance_id))).toEqual(new Set([app, host]));
    const stub = subgraphTasks(g, `install-stub_${db}`);
    expect(stub).toHaveLength(1);
    expect(stub[0].kind).toBe('marker');
    // app -> db (stub) -> host: the app still waits for the host.
    const hb = new HappensBefore(g);
    expect(hb.chain(setState(g, host, 'started'), stub[0], first(g, `install_${app}`))).toBe(true);
  });

  it('filters by instance id and type name, and refuses unknown nodes and instances', async () => {
    const d = await deployment(body);
    expect(operations(buildInstallGraph(d, { node_instance_ids: [d.one('db').id] })).map((t) => t.context_instance_id)).toEqual([d.one('db').id]);
    expect(operations(buildInstallGraph(d, { type_names: ['cloudify.nodes.Compute'] })).map((t) => t.context_instance_id)).toEqual([d.one('host').id]);
    expect(operations(buildInstallGraph(d, { type_names: ['cloudify.nodes.Root'], node_ids: ['app'] })).map((t) => t.call.operation)).toEqual(['l.create', 'r.est']);
    expect(() => buildInstallGraph(d, { node_ids: ['nope'] })).toThrow('No such node in this deployment: nope');
    expect(() => buildInstallGraph(d, { node_instance_ids: ['db_zzzzzz'] })).toThrow('No such node instance in this deployment: db_zzzzzz');
  });

  it('a started intact source establishes towards a re-installed target, after it; an uninitialized one does not', async () => {
    const d = await deployment(body);
    const [db, app] = [d.one('db').id, d.one('app').id];
    const started = buildInstallGraph(d.withStates({ app: 'started' }), { node_ids: ['db'] });
    const establish = op(started, 'establish', app, { target: db });
    expect(establish.subgraph).toBe(`install-stub_${app}`);
    expect(new HappensBefore(started).before(setState(started, db, 'started'), establish)).toBe(true);
    expect(hasOp(buildInstallGraph(d, { node_ids: ['db'] }), 'establish', app)).toBe(false);
  });
});

describe('install: the graph as data', () => {
  const body = `node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: 2}}}
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 3}}}
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, configure: scripts/run.sh}}
    relationships:
      - type: cloudify.relationships.contained_in
        target: host
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: p.r.pre}}
        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: p.r.tpre}}
  db:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 3}}}
`;

  it('has deterministic, unique ids and survives a JSON round trip', async () => {
    const [d1, d2] = [await deployment(body, 11), await deployment(body, 11)];
    const [g1, g2]: WorkflowGraph[] = [buildInstallGraph(d1), buildInstallGraph(d2)];
    expect(g1).toEqual(g2);
    expect(new Set(g1.tasks.map((t) => t.id)).size).toBe(g1.tasks.length);
    expect(JSON.parse(JSON.stringify(g1))).toEqual(g1);
    // Ids derive from the subgraph (instance) and the step.
    const app = d1.of('app')[0].id;
    expect(op(g1, 'create', app).id).toBe(`install_${app}/lifecycle.create`);
    expect(setState(g1, app, 'configuring').id).toBe(`install_${app}/state:configuring`);
  });

  it('keeps the ids of the remaining tasks when a resumed instance skips stages', async () => {
    const d = await deployment(body, 11);
    const full = new Set(buildInstallGraph(d).tasks.map((t) => t.id));
    const app = d.of('app')[0].id;
    const resumed = buildInstallGraph(d.withStates({ [app]: 'configured' }));
    expect(resumed.tasks.length).toBeLessThan(full.size);
    for (const t of resumed.tasks) expect(full.has(t.id)).toBe(true);
    expect(resumed.tasks.some((t) => t.id === `install_${app}/lifecycle.create`)).toBe(false);
  });

  it('joins two parallel steps through one marker instead of every pair', async () => {
    const d = await deployment(`node_templates:
  db:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 3}}}
  cache:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
  app:
    type: cloudify.nodes.Root
    relationships:
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: p.r.pre}}
        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: p.r.tpre}}
      - type: cloudify.relationships.connected_to
        target: cache
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: p.r.pre}}
        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: p.r.tpre}}
`);
    const g = buildInstallGraph(d);
    const app = d.one('app').id;
    const pre = operations(g).filter((t) => t.subgraph === `install_${app}`);
    const toDb = pre.filter((t) => t.relationship!.target_node === 'db');
    const toCache = pre.filter((t) => t.relationship!.target_node === 'cache');
    expect([toDb.length, toCache.length]).toEqual([6, 4]);
    const join = subgraphTasks(g, `install_${app}`).find((t) => t.kind === 'marker')!;
    expect(join.dependencies.sort()).toEqual(toDb.map((t) => t.id).sort());
    for (const t of toCache) expect(t.dependencies).toEqual([join.id]);
    const hb = new HappensBefore(g);
    for (const a of toDb) for (const b of toCache) expect(hb.before(a, b)).toBe(true);
    expect(last(g, `install_${app}`)).toBe(setState(g, app, 'started'));
  });
});
