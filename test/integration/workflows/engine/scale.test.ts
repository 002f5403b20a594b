/**
 * The scale workflow through the REST API on the real local runtime: scale out installs only the
 * new instances (written to the model store first), intact sources establish towards them, scale in
 * uninstalls and then deletes, counts follow, out-of-range and unknown entities are refused, a
 * failing scale-out is rolled back (its instances uninstalled and removed), and a dry run changes
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../../src/events/model';
import { deploy, events, HEADER, instances, run, startHarness, waitForEnd } from './harness';
import type { Harness } from './harness';

let h: Harness;

function blueprint(appStart: string, defaultApps: number): string {
  return `${HEADER}
node_templates:
  db:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: stratus.ops.noop}}
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: ${defaultApps}, min_instances: 0, max_instances: 3}}}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: stratus.ops.noop
        configure: stratus.ops.noop
        start: ${appStart}
        stop: stratus.ops.noop
        delete: stratus.ops.noop
    relationships:
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: stratus.ops.noop}}
  lb:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: stratus.ops.noop}}
    relationships:
      - type: cloudify.relationships.connected_to
        target: app
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: stratus.ops.noop, unlink: stratus.ops.noop}}
`;
}

// A web server contained in a Compute host (no agent): scale_compute and include/exclude work on it.
const HOSTED = `${HEADER}
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: 1, min_instances: 0, max_instances: 5}}}
    interfaces: {cloudify.interfaces.lifecycle: {create: stratus.ops.noop, start: stratus.ops.noop, stop: stratus.ops.noop, delete: stratus.ops.noop}}
  web:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.contained_in, target: host}]
    interfaces: {cloudify.interfaces.lifecycle: {create: stratus.ops.noop, delete: stratus.ops.noop}}
`;

const LIFECYCLE = 'cloudify.interfaces.lifecycle';
const ESTABLISH = 'cloudify.interfaces.relationship_lifecycle.establish';

async function node(deploymentId: string, id: string): Promise<Record<string, unknown>> {
  return (await h.rest.list(`/api/v3.1/nodes?deployment_id=${deploymentId}&id=${id}`)).items[0];
}

async function ids(deploymentId: string, nodeId: string): Promise<string[]> {
  return (await instances(h, deploymentId)).filter((i) => i.node_id === nodeId).map((i) => i.id as string);
}

function at(list: StoredEvent[], type: string, instance: string, operation: string, target?: string): string {
  const found = list.find((e) => e.event_type === type && e.node_instance_id === instance && e.operation === operation && (target === undefined || e.target_id === target));
  if (!found) throw new Error(`No ${type} of ${operation} on ${instance}${target ? ` towards ${target}` : ''}`);
  return found.timestamp;
}

async function scale(deploymentId: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const started = await run(h, deploymentId, 'scale', { parameters, ...extra });
  return waitForEnd(h, started.id as string, 90000);
}

beforeAll(async () => {
  h = await startHarness();
  await deploy(h, 'scaled', blueprint('stratus.ops.noop', 1));
  await deploy(h, 'failing', blueprint('{implementation: stratus.ops.fail, inputs: {recoverable: false, message: no capacity}}', 0));
  await deploy(h, 'hosted', HOSTED);
  for (const d of ['scaled', 'failing', 'hosted']) expect((await waitForEnd(h, (await run(h, d, 'install')).id as string, 90000)).status).toBe('terminated');
}, 240000);

afterAll(async () => {
  await h?.stop();
});

describe('scale', () => {
  it('refuses an unknown entity, a bad delta and a count outside min/max before starting anything', async () => {
    const refused = async (parameters: Record<string, unknown>) => h.rest.call('POST', '/api/v3.1/executions', { body: { deployment_id: 'scaled', workflow_id: 'scale', parameters } });
    const unknown = await refused({ scalable_entity_name: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error_code: 'bad_parameters_error', message: 'No scalable entity named nope was found' });
    const tooMany = await refused({ scalable_entity_name: 'app', delta: 3 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error_code: 'bad_parameters_error' });
    expect((tooMany.body as { message: string }).message).toContain('gives 4 instances, outside its bounds [0, 3]');
    const negative = await refused({ scalable_entity_name: 'app', delta: '-2' });
    expect((negative.body as { message: string }).message).toContain('Provided delta: -2 is illegal');
    const notNumber = await refused({ scalable_entity_name: 'app', delta: 'x' });
    expect(notNumber.status).toBe(400);
    expect(await ids('scaled', 'app')).toHaveLength(1);
  }, 60000);

  it('a dry run lists the graph and changes no instance', async () => {
    const done = await scale('scaled', { scalable_entity_name: 'app', delta: 1 }, { dry_run: true });
    expect(done.status).toBe('terminated');
    expect(done.total_operations).toBe(5); // the new app's create, configure, start, establish to db; the lb's establish
    expect(await ids('scaled', 'app')).toHaveLength(1);
    expect(await node('scaled', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
  }, 60000);

  it('scales out: writes and installs only the new instance, in lifecycle order, then the lb establishes towards it', async () => {
    const [old] = await ids('scaled', 'app');
    const lb = (await ids('scaled', 'lb'))[0];
    const db = (await ids('scaled', 'db'))[0];
    const done = await scale('scaled', { scalable_entity_name: 'app', delta: '1' });
    expect(done.status).toBe('terminated');
    const apps = await ids('scaled', 'app');
    expect(apps).toHaveLength(2);
    const added = apps.find((id) => id !== old)!;
    expect(added).toMatch(/^app_[a-z0-9]{6}$/);
    const all = await instances(h, 'scaled');
    expect(all.every((i) => i.state === 'started')).toBe(true);
    expect(all.find((i) => i.id === added)!.relationships).toEqual([{ type: 'cloudify.relationships.connected_to', target_name: 'db', target_id: db }]);
    expect((all.find((i) => i.id === lb)!.relationships as { target_id: string }[]).map((r) => r.target_id).sort()).toEqual([old, added].sort());
    expect(await node('scaled', 'app')).toMatchObject({ number_of_instances: 2, planned_number_of_instances: 2 });

    const list = await events(h, done.id as string);
    const started = list.filter((e) => e.event_type === 'task_started');
    // Only the new instance's operations and the lb's establish towards it ran.
    expect(new Set(started.map((e) => e.node_instance_id))).toEqual(new Set([added, lb]));
    expect(started.filter((e) => e.node_instance_id === lb).map((e) => [e.operation, e.target_id])).toEqual([[ESTABLISH, added]]);
    const order = [`${LIFECYCLE}.create`, `${LIFECYCLE}.configure`, `${LIFECYCLE}.start`];
    for (let i = 1; i < order.length; i++) expect(at(list, 'task_succeeded', added, order[i - 1]) <= at(list, 'task_started', added, order[i])).toBe(true);
    expect(at(list, 'task_succeeded', added, `${LIFECYCLE}.start`) <= at(list, 'task_started', added, ESTABLISH)).toBe(true);
    expect(at(list, 'task_succeeded', added, ESTABLISH) <= at(list, 'task_started', lb, ESTABLISH, added)).toBe(true);
  }, 120000);

  it('scales in: the lb unlinks, the removed instance is uninstalled, then deleted from the store', async () => {
    const before = await ids('scaled', 'app');
    const lb = (await ids('scaled', 'lb'))[0];
    const done = await scale('scaled', { scalable_entity_name: 'app', delta: -1 });
    expect(done.status).toBe('terminated');
    const after = await ids('scaled', 'app');
    expect(after).toHaveLength(1);
    const removed = before.find((id) => !after.includes(id))!;
    expect((await h.rest.call('GET', `/api/v3.1/node-instances/${removed}`)).status).toBe(404);
    const list = await events(h, done.id as string);
    expect(at(list, 'task_succeeded', lb, 'cloudify.interfaces.relationship_lifecycle.unlink', removed) <= at(list, 'task_started', removed, `${LIFECYCLE}.stop`)).toBe(true);
    expect(at(list, 'task_succeeded', removed, `${LIFECYCLE}.stop`) <= at(list, 'task_started', removed, `${LIFECYCLE}.delete`)).toBe(true);
    const lbInstance = (await instances(h, 'scaled')).find((i) => i.id === lb)!;
    expect((lbInstance.relationships as { target_id: string }[]).map((r) => r.target_id)).toEqual(after);
    expect(await node('scaled', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
  }, 120000);

  it('rolls back a failing scale-out: the added instance is uninstalled and removed, the count restored', async () => {
    const lb = (await ids('failing', 'lb'))[0];
    const done = await scale('failing', { scalable_entity_name: 'app', delta: 1 });
    expect(done.status).toBe('failed');
    expect(done.error).toContain('no capacity');
    // The rollback's operations are in the total too: 5 of the scale-out plus its stop, delete and the
    // lb's unlink; the two establishes after the failed start never run, so 6 finished.
    expect(done).toMatchObject({ total_operations: 8, finished_operations: 6 });
    const list = await events(h, done.id as string);
    const added = list.find((e) => e.event_type === 'task_failed' && e.operation === `${LIFECYCLE}.start`)!.node_instance_id!;
    // The rollback ran the added instance's stop and delete after the failure, then it was removed.
    expect(at(list, 'task_failed', added, `${LIFECYCLE}.start`) <= at(list, 'task_started', added, `${LIFECYCLE}.stop`)).toBe(true);
    expect(at(list, 'task_succeeded', added, `${LIFECYCLE}.stop`) <= at(list, 'task_started', added, `${LIFECYCLE}.delete`)).toBe(true);
    expect(list.some((e) => e.event_type === 'workflow_event' && e.message.includes('rolling back'))).toBe(true);
    expect(await ids('failing', 'app')).toEqual([]);
    const lbInstance = (await instances(h, 'failing')).find((i) => i.id === lb)!;
    expect(lbInstance.relationships).toEqual([]);
    expect(await node('failing', 'app')).toMatchObject({ number_of_instances: 0, planned_number_of_instances: 0 });
    // A rolled-back scale cannot be resumed into its deleted instances.
    await h.rest.ok('POST', `/api/v3.1/executions/${done.id}`, 200, { body: { action: 'resume' } });
    const resumed = await waitForEnd(h, done.id as string, 60000);
    expect(resumed.status).toBe('failed');
    expect(await ids('failing', 'app')).toEqual([]);
  }, 150000);

  it('rollback_if_failed: false: the failed scale-out is not rolled back, its added instance stays and is counted', async () => {
    const done = await scale('failing', { scalable_entity_name: 'app', delta: 1, rollback_if_failed: false });
    expect(done.status).toBe('failed');
    expect(done.error).toContain('no capacity');
    const list = await events(h, done.id as string);
    expect(list.some((e) => e.event_type === 'workflow_event' && e.message.includes('rolling back'))).toBe(false);
    expect(list.some((e) => e.event_type === 'task_started' && (e.operation === `${LIFECYCLE}.stop` || e.operation === `${LIFECYCLE}.delete`))).toBe(false);
    const apps = (await instances(h, 'failing')).filter((i) => i.node_id === 'app');
    expect(apps).toHaveLength(1);
    expect(apps[0].state).toBe('starting');
    expect(await node('failing', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
    expect(done.finished_operations as number).toBeLessThanOrEqual(done.total_operations as number);
  }, 120000);

  it('scale_compute: scaling a node contained in a Compute scales the host, with a new contained instance on it', async () => {
    const done = await scale('hosted', { scalable_entity_name: 'web', delta: 1, scale_compute: true });
    expect(done.status).toBe('terminated');
    const all = await instances(h, 'hosted');
    const hosts = all.filter((i) => i.node_id === 'host');
    const webs = all.filter((i) => i.node_id === 'web');
    expect(hosts).toHaveLength(2);
    expect(webs).toHaveLength(2);
    expect(all.every((i) => i.state === 'started')).toBe(true);
    expect(webs.map((w) => w.host_id).sort()).toEqual(hosts.map((x) => x.id).sort());
    expect(await node('hosted', 'host')).toMatchObject({ number_of_instances: 2, planned_number_of_instances: 2 });
    // Without scale_compute, include/exclude hints are checked: not with scale_compute, not when scaling out.
    const refused = await h.rest.call('POST', '/api/v3.1/executions', { body: { deployment_id: 'hosted', workflow_id: 'scale', parameters: { scalable_entity_name: 'web', delta: -1, scale_compute: true, include_instances: [hosts[0].id] } } });
    expect(refused.status).toBe(400);
    const out = await h.rest.call('POST', '/api/v3.1/executions', { body: { deployment_id: 'hosted', workflow_id: 'scale', parameters: { scalable_entity_name: 'host', delta: 1, include_instances: [hosts[0].id] } } });
    expect(out.status).toBe(400);
  }, 120000);

  it('scale in with include_instances removes the named host (and what it contains), exclude_instances keeps the named one', async () => {
    expect((await scale('hosted', { scalable_entity_name: 'host', delta: 1 })).status).toBe('terminated');
    const hosts = await ids('hosted', 'host');
    expect(hosts).toHaveLength(3);
    const [keep, named, other] = hosts;
    const included = await scale('hosted', { scalable_entity_name: 'host', delta: -1, include_instances: [named] });
    expect(included.status).toBe('terminated');
    expect((await ids('hosted', 'host')).sort()).toEqual([keep, other].sort());
    expect((await instances(h, 'hosted')).filter((i) => i.node_id === 'web').map((w) => w.host_id).sort()).toEqual([keep, other].sort());
    const excluded = await scale('hosted', { scalable_entity_name: 'host', delta: -1, exclude_instances: [keep] });
    expect(excluded.status).toBe('terminated');
    expect(await ids('hosted', 'host')).toEqual([keep]);
    expect((await instances(h, 'hosted')).filter((i) => i.node_id === 'web').map((w) => w.host_id)).toEqual([keep]);
    expect(await node('hosted', 'host')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
  }, 180000);
});
