/**
 * Replays the session recorded from Cloudify's own `cfy` CLI (../shared/reference/cfy-wire.md)
 * against the real local runtime, request by request and in the recorded order: the same methods,
 * paths, query strings (`_all_tenants=False`, `_include=...`, repeated keys), headers (Basic auth,
 * `Tenant: default_tenant`, `Content-type: application/json` even on GET) and bodies (the
 * multipart upload of a client-made tar.gz, string flags and nulls in POST /executions). Each
 * response is checked for what the Cloudify client and CLI read from it. The blueprint's
 * operations are central (`stratus.ops.*`), so install and uninstall really run.
 *
 * Where the replay has to differ from the recording it says so: the recorded execution ids are the
 * recording server's, so the ids Stratus returns are used; `cfy` polls executions and blueprints
 * until they end, so those GETs repeat here as often as needed; and `-i app_count=2` sends the
 * string "2", which Cloudify rejects for an integer input, so the session goes on with the JSON
 * form (`-i '{"app_count": 2}'`) the user then has to give.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalRuntime } from '../../../local/runtime';
import { tarGzOf } from '../../support/archives/build';
import { startTestRuntime } from '../../support/local-runtime';
import { basic, multipart } from '../../support/rest/client';

const BLUEPRINT = `tosca_definitions_version: cloudify_dsl_1_4
description: The cfy wire session's blueprint.
imports:
  - cloudify/types/types.yaml
inputs:
  app_count:
    type: integer
    description: How many app instances.
    default: 1
node_templates:
  host:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle:
        create: {implementation: stratus.ops.set_runtime_properties, inputs: {properties: {ip: 10.1.2.3}}}
        start: stratus.ops.noop
        stop: stratus.ops.noop
        delete: stratus.ops.noop
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: {get_input: app_count}}}}
    relationships:
      - {type: cloudify.relationships.contained_in, target: host}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: stratus.ops.noop
        start: stratus.ops.noop
        stop: stratus.ops.noop
        delete: stratus.ops.noop
outputs:
  host_ip:
    description: The host's address.
    value: {get_attribute: [host, ip]}
  apps:
    value: {get_input: app_count}
`;

/** The recorded session (cfy-wire.md) with the recording server's execution ids as placeholders. */
const RECORDED = [
  'GET /api/v3.1/status',
  'GET /api/v3.1/provider/context',
  'GET /api/v3.1/managers',
  'GET /api/v3.1/brokers',
  'GET /api/v3.1/db-nodes',
  'GET /api/v3.1/status',
  'GET /api/v3.1/maintenance',
  'GET /api/version',
  'GET /api/v3.1/config?scope=rest',
  'PUT /api/v3.1/blueprints/demo',
  'GET /api/v3.1/blueprints/demo',
  'GET /api/v3.1/blueprints?_all_tenants=False&_offset=0&_size=1000&_sort=created_at',
  'PUT /api/v3.1/deployments/dep1',
  'GET /api/v3.1/deployments?_all_tenants=False&_offset=0&_size=1000&_sort=created_at',
  'POST /api/v3.1/executions',
  'GET /api/v3.1/executions/{install}',
  'GET /api/v3.1/executions/{install}',
  'GET /api/v3.1/events?_offset=0&_size=100&execution_id={install}&type=cloudify_event&type=cloudify_log&_sort=reported_timestamp',
  'GET /api/v3.1/node-instances?deployment_id=dep1&_all_tenants=False&_offset=0&_size=1000&_sort=node_id',
  'GET /api/v3.1/deployments/dep1?all_sub_deployments=True&include_workdir=False&_include=outputs',
  'GET /api/v3.1/deployments/dep1/outputs',
  'GET /api/v3.1/executions/1',
  'GET /api/v3.1/executions?_include_system_workflows=False&deployment_id=dep1&_all_tenants=False&_offset=0&_size=1000&_sort=created_at&_include=id,workflow_id,status_display,is_dry_run,deployment_id,created_at,started_at,scheduled_for,visibility,tenant_name,created_by',
  'PUT /api/v3.1/secrets/k1',
  'POST /api/v3.1/executions',
  'GET /api/v3.1/executions/{uninstall}',
  'GET /api/v3.1/executions/{uninstall}',
  'GET /api/v3.1/events?_offset=0&_size=100&execution_id={uninstall}&type=cloudify_event&type=cloudify_log&_sort=reported_timestamp',
  'DELETE /api/v3.1/deployments/dep1?force=False&delete_logs=False&recursive=False',
  'DELETE /api/v3.1/blueprints/demo?force=False',
];

/** POST /executions exactly as `cfy executions start` sends it. */
function executionBody(workflowId: string): Record<string, unknown> {
  return {
    deployment_id: 'dep1',
    workflow_id: workflowId,
    parameters: {},
    allow_custom_parameters: 'false',
    force: 'false',
    dry_run: 'false',
    queue: 'false',
    scheduled_time: null,
    wait_after_fail: 600,
    force_status: null,
    created_by: null,
    created_at: null,
    started_at: null,
    ended_at: null,
    id: null,
    is_system_workflow: null,
    error: null,
  };
}

/** Keys the CLI indexes directly on every event item (they must be present, null when empty). */
const EVENT_KEYS = ['timestamp', 'reported_timestamp', 'blueprint_id', 'deployment_id', 'deployment_display_name', 'execution_id', 'workflow_id', 'message', 'error_causes', 'operation', 'source_id', 'target_id', 'node_instance_id', 'node_name', 'type', '_storage_id'];
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const END_STATES = ['terminated', 'failed', 'cancelled'];

interface Sent {
  status: number;
  body: Record<string, unknown>;
}

let runtime: LocalRuntime;
let auth: string;
/** Every request sent, as `METHOD path?query` with repeated keys kept apart (the wire form). */
const sent: string[] = [];
/** Requests beyond the recording (repeated polls, the retried deployment, checks of error replies). */
const extra: string[] = [];

/** Sends one request with the headers `cfy` sends; `extra` marks requests beyond the recording. */
async function cfy(method: string, path: string, options: { body?: unknown; raw?: { body: Buffer; contentType: string }; extra?: boolean } = {}): Promise<Sent> {
  (options.extra ? extra : sent).push(`${method} ${path}`);
  const headers: Record<string, string> = {
    Authorization: auth,
    Tenant: 'default_tenant',
    'Content-type': options.raw?.contentType ?? 'application/json',
  };
  const body = options.raw ? options.raw.body : options.body === undefined ? undefined : JSON.stringify(options.body);
  const response = await fetch(`${runtime.restUrl}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  expect({ request: `${method} ${path}`, status: response.status < 500 ? 'not a server error' : `${response.status} ${text.slice(0, 500)}` }).toEqual({ request: `${method} ${path}`, status: 'not a server error' });
  let parsed: Record<string, unknown> = {};
  if (text.length > 0 && (response.headers.get('content-type') ?? '').includes('application/json')) parsed = JSON.parse(text) as Record<string, unknown>;
  return { status: response.status, body: parsed };
}

function expectStatus(reply: Sent, status: number): void {
  expect({ status: reply.status, body: reply.status === status ? 'as expected' : reply.body }).toEqual({ status, body: 'as expected' });
}

function expectError(reply: Sent, status: number, code: string): void {
  expect({ status: reply.status, error_code: reply.body.error_code }).toEqual({ status, error_code: code });
  expect(typeof reply.body.message).toBe('string');
  expect(reply.body).toHaveProperty('server_traceback');
}

/** A list as the client reads it: items, and pagination with the requested size and an honest total. */
function expectList(reply: Sent, total: number, size: number): Record<string, unknown>[] {
  expectStatus(reply, 200);
  const metadata = reply.body.metadata as Record<string, unknown>;
  expect(metadata.pagination).toEqual({ total, size, offset: 0 });
  expect(Array.isArray(reply.body.items)).toBe(true);
  return reply.body.items as Record<string, unknown>[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const WORKFLOW_END_EVENTS = ['workflow_succeeded', 'workflow_failed', 'workflow_cancelled'];
/** How long `cfy` waits, after the execution ended, for the workflow's end event (3 polls of 3 s). */
const END_EVENT_WAIT_MS = 9000;

/**
 * `cfy executions start` follows the execution as the CLI does: one GET to check the execution
 * exists, then GET the execution and, once it is past `pending`, read its events from the offset
 * reached so far (batches of 100, until a batch is short), until the execution has ended and its
 * workflow end event was read; after the end the CLI waits at most 9 s for that event. The first
 * GETs and the first events read are the recorded ones; the CLI sleeps 3 s between rounds, here less.
 */
async function followExecution(id: string): Promise<{ execution: Record<string, unknown>; events: Record<string, unknown>[] }> {
  expectStatus(await cfy('GET', `/api/v3.1/executions/${id}`), 200);
  const events: Record<string, unknown>[] = [];
  let execution: Record<string, unknown> = {};
  let ended = false;
  let endEventSeen = false;
  let rounds = 0;
  let eventReads = 0;
  let endDeadline = 0;
  const deadline = Date.now() + 90000;
  for (;;) {
    if (!ended) {
      const reply = await cfy('GET', `/api/v3.1/executions/${id}`, { extra: rounds > 0 });
      expectStatus(reply, 200);
      execution = reply.body;
      ended = END_STATES.includes(execution.status as string);
    }
    rounds += 1;
    if (!endEventSeen && execution.status !== 'pending') {
      for (;;) {
        const reply = await cfy('GET', `/api/v3.1/events?_offset=${events.length}&_size=100&execution_id=${id}&type=cloudify_event&type=cloudify_log&_sort=reported_timestamp`, { extra: eventReads > 0 });
        eventReads += 1;
        expectStatus(reply, 200);
        const items = reply.body.items as Record<string, unknown>[];
        const pagination = (reply.body.metadata as { pagination: Record<string, number> }).pagination;
        expect({ size: pagination.size, offset: pagination.offset }).toEqual({ size: 100, offset: events.length });
        expect(pagination.total).toBe(events.length + items.length);
        events.push(...items);
        if (items.length < 100) break;
      }
      endEventSeen = events.some((event) => WORKFLOW_END_EVENTS.includes(event.event_type as string));
    }
    if (ended && endEventSeen) return { execution, events };
    if (ended && endDeadline === 0) endDeadline = Date.now() + END_EVENT_WAIT_MS;
    if (ended && Date.now() > endDeadline) throw new Error(`execution ${id} ended, but cfy would not have read its end event within ${END_EVENT_WAIT_MS} ms`);
    if (Date.now() > deadline) throw new Error(`execution ${id} did not end: ${JSON.stringify(execution)}`);
    await sleep(250);
  }
}

/** The execution fields `cfy` reads from a started or polled execution. */
function expectExecution(execution: Record<string, unknown>, workflowId: string): void {
  expect(execution).toMatchObject({ workflow_id: workflowId, deployment_id: 'dep1', blueprint_id: 'demo', is_dry_run: false, is_system_workflow: false, visibility: 'tenant', tenant_name: 'default_tenant', created_by: 'admin', parameters: {} });
  expect(typeof execution.id).toBe('string');
  expect(execution.created_at).toMatch(TIMESTAMP);
  for (const key of ['status', 'status_display', 'error', 'started_at', 'ended_at', 'scheduled_for', 'total_operations', 'finished_operations', 'resume', 'allow_custom_parameters', 'private_resource', 'resource_availability']) {
    expect(execution).toHaveProperty(key);
  }
}

/** Every event item as the CLI's event fetcher reads it: flat, every key it indexes present. */
function expectEventItems(items: Record<string, unknown>[], id: string, workflowId: string): void {
  for (const item of items) {
    for (const key of EVENT_KEYS) expect({ key, present: key in item }).toEqual({ key, present: true });
    expect(item).toMatchObject({ execution_id: id, workflow_id: workflowId, deployment_id: 'dep1', blueprint_id: 'demo', deployment_display_name: 'dep1' });
    expect(['cloudify_event', 'cloudify_log']).toContain(item.type);
    if (item.type === 'cloudify_event') expect(item).toHaveProperty('event_type');
    else expect(item).toMatchObject({ level: expect.any(String), logger: expect.anything() });
    expect(typeof item.message).toBe('string');
    expect(item.reported_timestamp).toMatch(TIMESTAMP);
  }
}

/**
 * The events `cfy` printed while following (`followed`), against all the execution's events read
 * afterwards from offset 0: the whole list is in reported_timestamp order, each event once, from
 * workflow_started to workflow_succeeded. Following by offset saw exactly that list: every event
 * once, in order (a running execution's newest events are held back until they have settled:
 * src/events/settle.ts).
 */
async function expectEvents(followed: Record<string, unknown>[], id: string, workflowId: string): Promise<Record<string, unknown>[]> {
  expectEventItems(followed, id, workflowId);
  expect(followed.some((event) => event.event_type === 'workflow_succeeded')).toBe(true);
  const reply = await cfy('GET', `/api/v3.1/events?_offset=0&_size=100&execution_id=${id}&type=cloudify_event&type=cloudify_log&_sort=reported_timestamp`, { extra: true });
  expectStatus(reply, 200);
  const items = reply.body.items as Record<string, unknown>[];
  expect((reply.body.metadata as Record<string, unknown>).pagination).toEqual({ total: items.length, size: 100, offset: 0 });
  expectEventItems(items, id, workflowId);
  const stamps = items.map((item) => item.reported_timestamp as string);
  expect([...stamps].sort()).toEqual(stamps);
  expect(new Set(items.map((item) => item._storage_id)).size).toBe(items.length);
  const all = new Set(items.map((item) => item._storage_id));
  expect(followed.filter((event) => !all.has(event._storage_id))).toEqual([]);
  expect(followed.map((event) => event._storage_id)).toEqual(items.map((item) => item._storage_id));
  const types = items.map((item) => item.event_type);
  expect(types[0]).toBe('workflow_started');
  expect(types.at(-1)).toBe('workflow_succeeded');
  // A workflow event names no node or operation: those keys are there, and null.
  expect(items[0]).toMatchObject({ node_instance_id: null, node_name: null, operation: null, error_causes: null, source_id: null, target_id: null });
  const task = items.find((item) => item.event_type === 'task_succeeded');
  expect(task).toMatchObject({ node_instance_id: expect.any(String), node_name: expect.any(String), operation: expect.stringMatching(/^cloudify\.interfaces\.lifecycle\./), error_causes: null });
  return items;
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  auth = basic(runtime.admin.username, runtime.admin.password);
}, 120000);

afterAll(async () => {
  await runtime?.stop();
});

describe('the recorded cfy session', () => {
  let installId = '';
  let uninstallId = '';

  it('cfy profiles use / cfy status: status, provider context, managers, brokers, db nodes, maintenance, version', async () => {
    const status = await cfy('GET', '/api/v3.1/status');
    expectStatus(status, 200);
    expect(['OK', 'Degraded', 'Fail']).toContain(status.body.status);
    expect(typeof status.body.services).toBe('object');

    // Errors are tolerated here, but must be in Cloudify's shape (never a 5xx).
    const context = await cfy('GET', '/api/v3.1/provider/context');
    if (context.status !== 200) expect(typeof context.body.error_code).toBe('string');

    const hosts: unknown[] = [];
    for (const path of ['/api/v3.1/managers', '/api/v3.1/brokers', '/api/v3.1/db-nodes']) {
      const items = expectList(await cfy('GET', path), 1, 1000);
      expect(items).toHaveLength(1);
      hosts.push(path.endsWith('managers') ? items[0].private_ip : items[0].host);
    }
    // All-in-one: the manager, the broker and the DB node are on one host.
    expect(typeof hosts[0]).toBe('string');
    expect(new Set(hosts).size).toBe(1);

    expectStatus(await cfy('GET', '/api/v3.1/status'), 200);
    const maintenance = await cfy('GET', '/api/v3.1/maintenance');
    expectStatus(maintenance, 200);
    expect(maintenance.body.status).toBe('deactivated');
    const version = await cfy('GET', '/api/version');
    expectStatus(version, 200);
    for (const key of ['version', 'edition', 'distribution', 'distro_release']) expect(version.body).toHaveProperty(key);
    const config = await cfy('GET', '/api/v3.1/config?scope=rest');
    expect([200, 404]).toContain(config.status);
  }, 30000);

  it('cfy blueprints upload: a multipart tar.gz with one top-level folder, then GET until uploaded', async () => {
    const archive = await tarGzOf([
      { name: 'demo', type: 'directory' },
      { name: 'demo/blueprint.yaml', data: BLUEPRINT },
      { name: 'demo/README.md', data: 'The demo blueprint of the cfy wire session.\n' },
    ]);
    const upload = multipart([
      { name: 'params', value: '{"visibility": "tenant", "async_upload": true, "skip_execution": false, "application_file_name": "blueprint.yaml"}' },
      { name: 'blueprint_archive', value: archive, filename: 'filename' },
    ]);
    const created = await cfy('PUT', '/api/v3.1/blueprints/demo', { raw: upload });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ id: 'demo', visibility: 'tenant', tenant_name: 'default_tenant', created_by: 'admin' });
    // The CLI tails the upload execution's events by this id.
    expect(created.body.upload_execution).toMatchObject({ id: expect.any(String) });

    let blueprint = await cfy('GET', '/api/v3.1/blueprints/demo');
    const deadline = Date.now() + 30000;
    while (!['uploaded', 'failed_uploading', 'failed_extracting', 'failed_parsing', 'failed_extracting_to_file_server', 'invalid'].includes(blueprint.body.state as string)) {
      expectStatus(blueprint, 200);
      if (Date.now() > deadline) throw new Error(`blueprint upload did not end: ${JSON.stringify(blueprint.body)}`);
      await sleep(200);
      blueprint = await cfy('GET', '/api/v3.1/blueprints/demo', { extra: true });
    }
    expectStatus(blueprint, 200);
    expect(blueprint.body).toMatchObject({ id: 'demo', state: 'uploaded', main_file_name: 'blueprint.yaml', description: "The cfy wire session's blueprint.", error: null, labels: [] });
    expect((blueprint.body.plan as Record<string, unknown>).inputs).toMatchObject({ app_count: { type: 'integer', default: 1 } });

    const items = expectList(await cfy('GET', '/api/v3.1/blueprints?_all_tenants=False&_offset=0&_size=1000&_sort=created_at'), 1, 1000);
    expect(items.map((b) => b.id)).toEqual(['demo']);
    expect(items[0]).toMatchObject({ state: 'uploaded', visibility: 'tenant', tenant_name: 'default_tenant', created_by: 'admin' });
  }, 60000);

  it('cfy deployments create -i app_count=2: the string "2" is refused for the integer input, as Cloudify does; the JSON form is taken', async () => {
    const body = { blueprint_id: 'demo', visibility: 'tenant', inputs: { app_count: '2' }, display_name: 'dep1', skip_plugins_validation: false, runtime_only_evaluation: false };
    const refused = await cfy('PUT', '/api/v3.1/deployments/dep1', { body });
    expectError(refused, 400, 'bad_parameters_error');
    expect(refused.body.message).toContain('app_count');
    expectStatus(await cfy('GET', '/api/v3.1/deployments/dep1', { extra: true }), 404);

    // -i '{"app_count": 2}'
    const created = await cfy('PUT', '/api/v3.1/deployments/dep1', { body: { ...body, inputs: { app_count: 2 } }, extra: true });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ id: 'dep1', blueprint_id: 'demo', display_name: 'dep1', visibility: 'tenant', inputs: { app_count: 2 }, tenant_name: 'default_tenant' });

    const items = expectList(await cfy('GET', '/api/v3.1/deployments?_all_tenants=False&_offset=0&_size=1000&_sort=created_at'), 1, 1000);
    expect(items[0]).toMatchObject({ id: 'dep1', blueprint_id: 'demo', display_name: 'dep1', inputs: { app_count: 2 } });
    for (const key of ['installation_status', 'deployment_status', 'latest_execution_status', 'created_at', 'site_name', 'labels', 'workflows']) expect(items[0]).toHaveProperty(key);
  }, 30000);

  it('cfy executions start install: POST with string flags and nulls, GET until terminated, then the events', async () => {
    let started = await cfy('POST', '/api/v3.1/executions', { body: executionBody('install') });
    // The CLI waits for the deployment environment by itself; creation is asynchronous here.
    const deadline = Date.now() + 60000;
    while (started.status === 400 && ['deployment_environment_creation_pending_error', 'deployment_environment_creation_in_progress_error'].includes(started.body.error_code as string)) {
      if (Date.now() > deadline) throw new Error('the deployment environment was not created');
      await sleep(250);
      started = await cfy('POST', '/api/v3.1/executions', { body: executionBody('install'), extra: true });
    }
    expectStatus(started, 201);
    expectExecution(started.body, 'install');
    expect(['pending', 'started', 'terminated']).toContain(started.body.status);
    // The string "false" flags were read as false.
    expect(started.body).toMatchObject({ is_dry_run: false, allow_custom_parameters: false });
    installId = started.body.id as string;

    const { execution: done, events } = await followExecution(installId);
    expectExecution(done, 'install');
    expect(done).toMatchObject({ id: installId, status: 'terminated', status_display: 'completed', error: '' });
    expect(done.ended_at).toMatch(TIMESTAMP);
    expect(done.total_operations).toBe(done.finished_operations);
    expect(done.total_operations).toBeGreaterThan(0);

    const all = await expectEvents(events, installId, 'install');
    expect(all.some((e) => e.event_type === 'task_succeeded' && e.node_name === 'app' && e.operation === 'cloudify.interfaces.lifecycle.start')).toBe(true);
  }, 120000);

  it('cfy node-instances list, cfy deployments outputs, cfy executions list', async () => {
    const instances = expectList(await cfy('GET', '/api/v3.1/node-instances?deployment_id=dep1&_all_tenants=False&_offset=0&_size=1000&_sort=node_id'), 3, 1000);
    expect(instances.map((i) => i.node_id)).toEqual(['app', 'app', 'host']);
    for (const instance of instances) {
      expect(instance).toMatchObject({ deployment_id: 'dep1', state: 'started', tenant_name: 'default_tenant', visibility: 'tenant' });
      for (const key of ['id', 'host_id', 'index', 'runtime_properties', 'system_properties', 'relationships', 'scaling_groups', 'version', 'created_by']) expect(instance).toHaveProperty(key);
    }
    expect(instances[2].runtime_properties).toEqual({ ip: '10.1.2.3' });

    // `_include=outputs`: the client reads the outputs' descriptions from here, and nothing else is
    // sent. As in Cloudify, get_input was resolved into the plan at creation; get_attribute waits for a read.
    const deployment = await cfy('GET', '/api/v3.1/deployments/dep1?all_sub_deployments=True&include_workdir=False&_include=outputs');
    expectStatus(deployment, 200);
    expect(deployment.body).toEqual({ outputs: { host_ip: { description: "The host's address.", value: { get_attribute: ['host', 'ip'] } }, apps: { value: 2 } } });

    const outputs = await cfy('GET', '/api/v3.1/deployments/dep1/outputs');
    expectStatus(outputs, 200);
    expect(outputs.body).toEqual({ deployment_id: 'dep1', outputs: { host_ip: '10.1.2.3', apps: 2 } });

    // A recorded GET of an execution id that does not exist here: Cloudify's 404.
    expectError(await cfy('GET', '/api/v3.1/executions/1'), 404, 'not_found_error');

    const include = ['id', 'workflow_id', 'status_display', 'is_dry_run', 'deployment_id', 'created_at', 'started_at', 'scheduled_for', 'visibility', 'tenant_name', 'created_by'];
    const executions = expectList(
      await cfy('GET', `/api/v3.1/executions?_include_system_workflows=False&deployment_id=dep1&_all_tenants=False&_offset=0&_size=1000&_sort=created_at&_include=${include.join(',')}`),
      1,
      1000,
    );
    // System workflows (create_deployment_environment) are left out; only the included fields come back.
    expect(executions).toHaveLength(1);
    expect(Object.keys(executions[0]).sort()).toEqual([...include].sort());
    expect(executions[0]).toMatchObject({ id: installId, workflow_id: 'install', status_display: 'completed', is_dry_run: false, deployment_id: 'dep1', visibility: 'tenant', tenant_name: 'default_tenant', created_by: 'admin', scheduled_for: null });
  }, 30000);

  it('cfy secrets create k1 v1', async () => {
    const secret = await cfy('PUT', '/api/v3.1/secrets/k1', { body: { value: 'v1', update_if_exists: false, is_hidden_value: false, visibility: 'tenant' } });
    expectStatus(secret, 200);
    expect(secret.body).toMatchObject({ key: 'k1', value: 'v1', visibility: 'tenant', is_hidden_value: false, tenant_name: 'default_tenant', created_by: 'admin' });
    expect(secret.body.created_at).toMatch(TIMESTAMP);
  }, 30000);

  it('beyond the recording, while installed: unknown _include fields, event paging by offset, deletes refused', async () => {
    // The Python client's `_include` of a field the resource does not have: 400 no_such_include_field_error.
    expectError(await cfy('GET', '/api/v3.1/deployments/dep1?all_sub_deployments=True&include_workdir=False&_include=outputs,no_such_field', { extra: true }), 400, 'no_such_include_field_error');
    expectError(await cfy('GET', '/api/v3.1/executions?deployment_id=dep1&_all_tenants=False&_offset=0&_size=1000&_sort=created_at&_include=id,no_such_field', { extra: true }), 400, 'no_such_include_field_error');
    expectError(await cfy('GET', '/api/v3.1/node-instances?deployment_id=dep1&_include=id,no_such_field', { extra: true }), 400, 'no_such_include_field_error');
    expectError(await cfy('GET', '/api/v3.1/blueprints?_include=id,no_such_field', { extra: true }), 400, 'no_such_include_field_error');

    // `cfy events list --tail` pages by offset: the rest of the events, with an honest total.
    const first = await cfy('GET', `/api/v3.1/events?_offset=0&_size=100&execution_id=${installId}&type=cloudify_event&type=cloudify_log&_sort=reported_timestamp`, { extra: true });
    const total = (first.body.metadata as { pagination: { total: number } }).pagination.total;
    const rest = await cfy('GET', `/api/v3.1/events?_offset=${total - 2}&_size=100&execution_id=${installId}&type=cloudify_event&type=cloudify_log&_sort=reported_timestamp`, { extra: true });
    expectStatus(rest, 200);
    expect((rest.body.metadata as Record<string, unknown>).pagination).toEqual({ total, size: 100, offset: total - 2 });
    expect(rest.body.items).toEqual((first.body.items as unknown[]).slice(total - 2));

    // While instances are live the deployment stays (400 dependent_exists_error), and so does its blueprint (405 blueprint_in_use).
    const live = await cfy('DELETE', '/api/v3.1/deployments/dep1?force=False&delete_logs=False&recursive=False', { extra: true });
    expectError(live, 400, 'dependent_exists_error');
    expectError(await cfy('DELETE', '/api/v3.1/blueprints/demo?force=False', { extra: true }), 405, 'blueprint_in_use');
    expectStatus(await cfy('GET', '/api/v3.1/deployments/dep1', { extra: true }), 200);
  }, 30000);

  it('cfy executions start uninstall: runs to the end; the instances are deleted', async () => {
    const started = await cfy('POST', '/api/v3.1/executions', { body: executionBody('uninstall') });
    expectStatus(started, 201);
    expectExecution(started.body, 'uninstall');
    uninstallId = started.body.id as string;
    const { execution: done, events } = await followExecution(uninstallId);
    expect(done).toMatchObject({ id: uninstallId, status: 'terminated', status_display: 'completed', error: '' });
    const all = await expectEvents(events, uninstallId, 'uninstall');
    expect(all.some((e) => e.event_type === 'task_succeeded' && e.node_name === 'host' && e.operation === 'cloudify.interfaces.lifecycle.delete')).toBe(true);
    const instances = (await cfy('GET', '/api/v3.1/node-instances?deployment_id=dep1', { extra: true })).body.items as Record<string, unknown>[];
    expect(instances.map((i) => i.state)).toEqual(['deleted', 'deleted', 'deleted']);
  }, 120000);

  it('cfy deployments delete, cfy blueprints delete: 204 each, and both are gone', async () => {
    const deleted = await cfy('DELETE', '/api/v3.1/deployments/dep1?force=False&delete_logs=False&recursive=False');
    expectStatus(deleted, 204);
    const blueprint = await cfy('DELETE', '/api/v3.1/blueprints/demo?force=False');
    expectStatus(blueprint, 204);
    expectError(await cfy('GET', '/api/v3.1/blueprints/demo', { extra: true }), 404, 'not_found_error');
    expectError(await cfy('GET', '/api/v3.1/deployments/dep1', { extra: true }), 404, 'not_found_error');
  }, 30000);

  it('sent exactly the recorded requests, in the recorded order', () => {
    const expected = RECORDED.map((line) => line.replaceAll('{install}', installId).replaceAll('{uninstall}', uninstallId));
    expect(sent).toEqual(expected);
    expect(extra.length).toBeGreaterThan(0);
  });
});
