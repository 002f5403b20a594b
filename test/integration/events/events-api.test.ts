/**
 * Events and logs through a real local runtime: events sent to the events queue are indexed by the
 * indexer (SQS poller → handler → local store) and read back with GET /events (filters, sort,
 * paging, _range, message.text, every key present, tenant isolation); POST /events reports an
 * execution's own events; WebSocket subscribers receive events live, coalesced under a burst.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { AwsClients } from '../../../adapters/aws-clients';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import { DynamoDbSubscriptionRegistry } from '../../../adapters/dynamodb/subscription-registry';
import { SqsQueueSender } from '../../../adapters/sqs/queue-sender';
import type { LocalRuntime } from '../../../local/runtime';
import { cloudifyEvent, cloudifyLog } from '../../../src/events/model';
import type { EventScope, StoredEvent } from '../../../src/events/model';
import { QueueEventSink } from '../../../src/events/pipeline/queue-sink';
import { newSystemExecution } from '../../../src/executions/records';
import { KINDS } from '../../../src/model/kinds';
import { startTestRuntime } from '../../support/local-runtime';
import { basic, blueprintUpload, RestClient } from '../../support/rest/client';
import type { ListBody } from '../../support/rest/client';

let runtime: LocalRuntime;
let rest: RestClient;
let sink: QueueEventSink;
let store: DynamoModelStore;
let subscriptions: DynamoDbSubscriptionRegistry;
const T0 = Date.UTC(2026, 2, 1, 10, 0, 0);
const at = (second: number) => new Date(T0 + second * 1000);

async function execution(tenant: string, deploymentId: string | null = 'dep1'): Promise<string> {
  const created = await store.create(
    newSystemExecution({ tenant, workflowId: 'install', deploymentId, blueprintId: 'bp1', createdBy: 'admin', status: 'terminated', now: new Date().toISOString() }),
  );
  return created.id;
}

function scope(executionId: string, tenant = 'default_tenant', deploymentId: string | null = 'dep1'): EventScope {
  return { tenant, executionId, workflowId: 'install', deploymentId, blueprintId: 'bp1' };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function events(query: string, tenant = 'default_tenant', auth?: string): Promise<ListBody> {
  return rest.list(`/api/v3.1/events?${query}`, { tenant, ...(auth ? { auth } : {}) });
}

/** Waits until GET /events with `query` counts `total` items. */
async function indexed(query: string, total: number, tenant = 'default_tenant'): Promise<void> {
  await until(`${total} events for ${query}`, async () => ((await events(query, tenant)).metadata.pagination.total >= total ? true : undefined));
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  rest = new RestClient(runtime);
  const clients = new AwsClients(runtime.settings.aws);
  sink = new QueueEventSink(new SqsQueueSender(clients.sqs, runtime.settings.config.queues));
  store = new DynamoModelStore({ client: clients.documents, tableName: runtime.resources.tables.model });
  subscriptions = new DynamoDbSubscriptionRegistry(clients.documents, runtime.resources.tables.connections);
  await rest.ok('POST', '/api/v3.1/tenants/other', 201);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('GET /events', () => {
  let ex: string;
  beforeAll(async () => {
    ex = await execution('default_tenant');
    const s = scope(ex);
    const batch: StoredEvent[] = [
      cloudifyEvent(s, 'workflow_started', "Starting 'install' workflow execution", {}, at(0)),
      cloudifyEvent(s, 'sending_task', 'Sending task create', { nodeName: 'vm', nodeInstanceId: 'vm_1', operation: 'cloudify.interfaces.lifecycle.create' }, at(1)),
      cloudifyLog(s, 'info', 'Creating the VM: 50% done', { nodeName: 'vm', nodeInstanceId: 'vm_1', operation: 'cloudify.interfaces.lifecycle.create' }, at(2)),
      cloudifyLog(s, 'error', 'Disk FULL', { nodeName: 'db', nodeInstanceId: 'db_1', operation: 'cloudify.interfaces.lifecycle.start' }, at(3)),
      cloudifyEvent(s, 'task_failed', 'Task failed: timeout', { nodeName: 'db', nodeInstanceId: 'db_1', error: { message: 'timeout', type: 'TimeoutError' } }, at(4)),
      cloudifyEvent(s, 'workflow_failed', "'install' workflow execution failed", {}, at(5)),
    ];
    // Reported later than stored for one event, so the two sort keys differ.
    batch[0] = { ...batch[0], reported_timestamp: at(10).toISOString() };
    await sink.emit(batch);
    await sink.emit([cloudifyEvent(scope(ex, 'other'), 'workflow_started', 'other tenant event', {}, at(1))]);
    await indexed(`execution_id=${ex}`, 6);
    await indexed(`execution_id=${ex}`, 1, 'other');
  });

  it('answers flat items with every key present, null when empty, and honest pagination', async () => {
    const body = await events(`execution_id=${ex}`);
    expect(body.metadata.pagination).toEqual({ total: 6, size: 10000, offset: 0 });
    const keys = ['timestamp', 'reported_timestamp', 'blueprint_id', 'deployment_id', 'deployment_display_name', 'execution_id', 'workflow_id', 'message', 'error_causes', 'operation', 'source_id', 'target_id', 'node_instance_id', 'node_name', 'type', '_storage_id'];
    for (const item of body.items) {
      for (const key of keys) expect(item).toHaveProperty(key);
      expect(typeof item.message).toBe('string');
      if (item.type === 'cloudify_event') expect(item).toHaveProperty('event_type');
      else expect(item).toEqual(expect.objectContaining({ logger: expect.any(String), level: expect.any(String) }));
    }
    const started = body.items.find((item) => item.event_type === 'workflow_started')!;
    expect(started).toMatchObject({ deployment_id: 'dep1', blueprint_id: 'bp1', workflow_id: 'install', node_name: null, operation: null, source_id: null, error_causes: null });
    expect(body.items.find((item) => item.event_type === 'task_failed')!.error_causes).toEqual([{ message: 'timeout', traceback: null, type: 'TimeoutError' }]);
  });

  it('follows an execution the way the CLI does (type list, reported_timestamp order, pages by offset)', async () => {
    const first = await events(`_offset=0&_size=4&execution_id=${ex}&type=cloudify_event,cloudify_log&_sort=reported_timestamp`);
    const second = await events(`_offset=4&_size=4&execution_id=${ex}&type=cloudify_event,cloudify_log&_sort=reported_timestamp`);
    expect(first.metadata.pagination).toEqual({ total: 6, size: 4, offset: 0 });
    expect([...first.items, ...second.items].map((item) => item.message)).toEqual([
      'Sending task create',
      'Creating the VM: 50% done',
      'Disk FULL',
      'Task failed: timeout',
      "'install' workflow execution failed",
      "Starting 'install' workflow execution",
    ]);
  });

  it('sorts by timestamp (also @timestamp), descending with -', async () => {
    const asc = await events(`execution_id=${ex}&_sort=@timestamp`);
    expect(asc.items[0].message).toBe("Starting 'install' workflow execution");
    const desc = await events(`execution_id=${ex}&_sort=-timestamp`);
    expect(desc.items.map((i) => i.message)).toEqual(asc.items.map((i) => i.message).reverse());
  });

  it('filters by type, node_id, node_instance_id, operation, event_type (events only), level (logs only)', async () => {
    const msgs = async (q: string) => (await events(`execution_id=${ex}&${q}`)).items.map((i) => i.message);
    expect(await msgs('type=cloudify_log')).toEqual(['Creating the VM: 50% done', 'Disk FULL']);
    expect(await msgs('node_id=db')).toEqual(['Disk FULL', 'Task failed: timeout']);
    expect(await msgs('node_instance_id=vm_1&type=cloudify_event')).toEqual(['Sending task create']);
    expect(await msgs('operation=cloudify.interfaces.lifecycle.start')).toEqual(['Disk FULL']);
    expect(await msgs('type=cloudify_event&event_type=workflow_started&event_type=workflow_failed')).toEqual([
      "Starting 'install' workflow execution",
      "'install' workflow execution failed",
    ]);
    expect(await msgs('type=cloudify_log&level=error')).toEqual(['Disk FULL']);
    expect(await msgs('deployment_id=dep1&blueprint_id=bp1&type=cloudify_event&event_type=task_failed')).toEqual(['Task failed: timeout']);
    expect(await msgs('deployment_id=nope')).toEqual([]);
  });

  it('matches message.text as a substring with % wildcards', async () => {
    const msgs = async (q: string) => (await events(`execution_id=${ex}&message.text=${encodeURIComponent(q)}`)).items.map((i) => i.message);
    expect(await msgs('disk full')).toEqual(['Disk FULL']);
    expect(await msgs('workflow%failed')).toEqual(["'install' workflow execution failed"]);
    expect(await msgs('50%')).toEqual(['Creating the VM: 50% done']);
  });

  it('applies _range=@timestamp,FROM,TO with from inclusive, to exclusive, either open', async () => {
    const count = async (range: string) => (await events(`execution_id=${ex}&_range=${encodeURIComponent(range)}`)).metadata.pagination.total;
    expect(await count(`@timestamp,${at(1).toISOString()},${at(4).toISOString()}`)).toBe(3);
    expect(await count(`@timestamp,${at(4).toISOString()},`)).toBe(2);
    expect(await count(`@timestamp,,${at(1).toISOString()}`)).toBe(1);
    expect(await count(`reported_timestamp,${at(10).toISOString()},`)).toBe(1);
  });

  it('answers bad parameters with bad_parameters_error', async () => {
    await rest.error('GET', '/api/v3.1/events?_sort=message', 400, 'bad_parameters_error');
    await rest.error('GET', '/api/v3.1/events?type=cloudify_metric', 400, 'bad_parameters_error');
    await rest.error('GET', '/api/v3.1/events?_range=@timestamp,yesterday,', 400, 'bad_parameters_error');
    await rest.error('GET', '/api/v3.1/events?_size=-1', 400, 'bad_parameters_error');
    await rest.error('GET', '/api/v3.1/events?_offset=99999&_size=10', 400, 'bad_parameters_error');
    await rest.error('GET', '/api/v3.1/events?colour=red', 400, 'bad_parameters_error');
    await rest.error('GET', '/api/v3.1/events?_include=nope', 400, 'no_such_include_field_error');
  });

  it('keeps tenants apart: another tenant, non-members and anonymous callers see nothing of it', async () => {
    const mine = await events(`message.text=other%20tenant`);
    expect(mine.metadata.pagination.total).toBe(0);
    const theirs = await events(`message.text=other%20tenant`, 'other');
    expect(theirs.items.map((i) => i.message)).toEqual(['other tenant event']);
    const all = await rest.list(`/api/v3.1/events?_all_tenants=true&execution_id=${ex}`);
    expect(all.metadata.pagination.total).toBe(7);
    await rest.ok('PUT', '/api/v3.1/users', 201, { body: { username: 'eve', password: 'eve-password', role: 'default' } });
    await rest.ok('PUT', '/api/v3.1/tenants/add-user', 200, { body: { username: 'eve', tenant_name: 'default_tenant', role: 'user' } });
    const eve = basic('eve', 'eve-password');
    await rest.error('GET', '/api/v3.1/events', 403, 'forbidden_error', { auth: eve, tenant: 'other' });
    const eveAll = await rest.list(`/api/v3.1/events?_all_tenants=true&execution_id=${ex}`, { auth: eve });
    expect(eveAll.metadata.pagination.total).toBe(6);
    await rest.error('GET', '/api/v3.1/events', 401, 'unauthorized_error', { auth: null });
  });

  it('projects items with _include', async () => {
    const body = await events(`execution_id=${ex}&_include=message,event_type&_size=1`);
    expect(body.items).toEqual([{ message: "Starting 'install' workflow execution", event_type: 'workflow_started' }]);
  });
});

describe('events of real executions', () => {
  it('the workflow engine emits through the events queue: an install is searchable and streamed live', async () => {
    const blueprint = ['tosca_definitions_version: cloudify_dsl_1_4', 'imports:', '  - cloudify/types/types.yaml', 'node_templates:', '  app:', '    type: cloudify.nodes.Root', ''].join('\n');
    await rest.ok('PUT', '/api/v3.1/blueprints/evbp', 201, blueprintUpload(Buffer.from(blueprint)));
    await rest.ok('PUT', '/api/v3.1/deployments/evdep', 201, { body: { blueprint_id: 'evbp' } });
    const client = await Subscriber.open();
    client.send({ action: 'subscribe', deployment_id: 'evdep' });
    await client.next((m) => m.action === 'subscribed');
    const started = await until('the deployment environment', async () => {
      const list = await rest.list('/api/v3.1/executions?deployment_id=evdep&_include_system_workflows=true');
      return list.items.some((e) => e.status === 'terminated') ? true : undefined;
    });
    expect(started).toBe(true);
    const install = await rest.ok('POST', '/api/v3.1/executions', 201, { body: { deployment_id: 'evdep', workflow_id: 'install' } });
    const live = await client.next((m) => m.action === 'events' && (m.events ?? []).some((e) => e.execution_id === install.id), 30000);
    expect(live.events!.every((e) => e.deployment_id === 'evdep')).toBe(true);
    const done = await until('workflow_succeeded in GET /events', async () => {
      const body = await events(`execution_id=${String(install.id)}&type=cloudify_event&_sort=reported_timestamp`);
      return body.items.some((e) => e.event_type === 'workflow_succeeded') ? body : undefined;
    }, 30000);
    expect(done.items[0].event_type).toBe('workflow_started');
    expect(done.items.every((e) => e.deployment_id === 'evdep' && e.workflow_id === 'install' && e.blueprint_id === 'evbp')).toBe(true);
    client.socket.close();
  });
});

describe('GET /events of a running execution', () => {
  it('holds back its newest events from pages read in time order until it ends, so offsets stay stable', async () => {
    const created = await store.create(
      newSystemExecution({ tenant: 'default_tenant', workflowId: 'install', deploymentId: 'dep-run', blueprintId: 'bp1', createdBy: 'admin', status: 'started', now: new Date().toISOString() }),
    );
    const ex = created.id;
    const s = scope(ex, 'default_tenant', 'dep-run');
    const old = new Date(Date.now() - 60_000);
    const fresh = new Date(Date.now() + 60_000);
    await sink.emit([cloudifyEvent(s, 'workflow_started', 'settled', {}, old), cloudifyLog(s, 'info', 'too fresh', {}, fresh)]);
    // Unsettled readers (newest first) see both once they are indexed.
    await indexed(`execution_id=${ex}&_sort=-reported_timestamp`, 2);
    const following = await events(`execution_id=${ex}&type=cloudify_event,cloudify_log&_sort=reported_timestamp&_offset=0&_size=100`);
    expect(following.items.map((i) => i.message)).toEqual(['settled']);
    expect(following.metadata.pagination.total).toBe(1);
    await store.modify(created, (current) => ({ ...current.data, status: 'terminated' }));
    const ended = await events(`execution_id=${ex}&type=cloudify_event,cloudify_log&_sort=reported_timestamp&_offset=0&_size=100`);
    expect(ended.items.map((i) => i.message)).toEqual(['settled', 'too fresh']);
  });
});

describe('POST /events', () => {
  it("stores an execution's own events and logs in Cloudify's raw format", async () => {
    const ex = await execution('default_tenant', 'dep-post');
    const reply = await rest.ok('POST', '/api/v3.1/events', 201, {
      body: {
        execution_id: ex,
        events: [{ event_type: 'task_succeeded', message: { text: 'done' }, context: { node_name: 'vm', node_id: 'vm_9', operation: 'op' }, timestamp: at(7).toISOString() }],
        logs: [{ level: 'warning', logger: 'ctx', message: { text: 'careful' }, context: { node_name: 'vm' }, timestamp: at(8).toISOString() }],
      },
    });
    expect(reply).toEqual({ events: 1, logs: 1 });
    await indexed(`execution_id=${ex}`, 2);
    const body = await events(`execution_id=${ex}&_sort=reported_timestamp`);
    expect(body.items[0]).toMatchObject({ type: 'cloudify_event', event_type: 'task_succeeded', message: 'done', node_name: 'vm', node_instance_id: 'vm_9', operation: 'op', deployment_id: 'dep-post', workflow_id: 'install', reported_timestamp: at(7).toISOString() });
    expect(body.items[1]).toMatchObject({ type: 'cloudify_log', level: 'warning', logger: 'ctx', message: 'careful' });
  });

  it('refuses unknown executions, other tenants and malformed items', async () => {
    const theirs = await execution('other');
    await rest.error('POST', '/api/v3.1/events', 404, 'not_found_error', { body: { execution_id: theirs, events: [] } });
    await rest.error('POST', '/api/v3.1/events', 400, 'bad_parameters_error', { body: { events: [] } });
    const ex = await execution('default_tenant');
    await rest.error('POST', '/api/v3.1/events', 400, 'bad_parameters_error', { body: { execution_id: ex, events: [{ message: { text: 'no type' } }] } });
    await rest.error('POST', '/api/v3.1/events', 400, 'bad_parameters_error', { body: { execution_id: ex, logs: [{ level: 'loud' }] } });
  });
});

interface Received {
  action: string;
  events?: Record<string, unknown>[];
  dropped?: number;
  [key: string]: unknown;
}

class Subscriber {
  readonly received: Received[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as Received);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static open(auth = basic(runtime.admin.username, runtime.admin.password), tenant = 'default_tenant'): Promise<Subscriber> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(runtime.wsUrl, { headers: { authorization: auth, tenant } });
      socket.once('open', () => resolve(new Subscriber(socket)));
      socket.once('error', reject);
    });
  }

  async next(predicate: (message: Received) => boolean, timeoutMs = 10000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) {
        this.received.splice(this.received.indexOf(found), 1);
        return found;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No matching message; got ${JSON.stringify(this.received).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  events(): Received[] {
    return this.received.filter((m) => m.action === 'events');
  }
}

describe('live events over WebSocket', () => {
  it('delivers the events of a subscribed execution, only once, and nothing after unsubscribe', async () => {
    const ex = await execution('default_tenant', 'dep-live');
    const client = await Subscriber.open();
    client.send({ action: 'subscribe', execution_id: ex });
    expect(await client.next((m) => m.action === 'subscribed')).toEqual({ action: 'subscribed', execution_id: ex });
    // Also following the deployment: each event still arrives once.
    await store.create({ kind: KINDS.deployment, tenant: 'default_tenant', id: 'dep-live', data: {} });
    client.send({ action: 'subscribe', deployment_id: 'dep-live' });
    expect(await client.next((m) => m.action === 'subscribed')).toEqual({ action: 'subscribed', deployment_id: 'dep-live' });

    await sink.emit([cloudifyEvent(scope(ex, 'default_tenant', 'dep-live'), 'workflow_started', 'live one'), cloudifyLog(scope(ex, 'default_tenant', 'dep-live'), 'info', 'live two')]);
    const got = await client.next((m) => m.action === 'events');
    expect(got.events!.map((e) => e.message)).toEqual(['live one', 'live two']);
    expect(got.dropped).toBe(0);
    expect(got.events![0]).toMatchObject({ execution_id: ex, type: 'cloudify_event', event_type: 'workflow_started' });

    client.send({ action: 'unsubscribe', execution_id: ex });
    await client.next((m) => m.action === 'unsubscribed');
    client.send({ action: 'unsubscribe', deployment_id: 'dep-live' });
    await client.next((m) => m.action === 'unsubscribed');
    await sink.emit([cloudifyEvent(scope(ex, 'default_tenant', 'dep-live'), 'workflow_succeeded', 'after unsubscribe')]);
    await indexed(`execution_id=${ex}&message.text=after`, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.events()).toEqual([]);
    client.socket.close();
  });

  it("refuses unknown targets and other tenants' executions, and malformed requests", async () => {
    const theirs = await execution('other');
    const client = await Subscriber.open();
    client.send({ action: 'subscribe', execution_id: theirs });
    expect(await client.next((m) => m.action === 'error')).toMatchObject({ error: 'not_found' });
    client.send({ action: 'subscribe', execution_id: 'a', deployment_id: 'b' });
    expect(await client.next((m) => m.action === 'error')).toMatchObject({ error: 'bad_request' });
    // Events of the other tenant with the same ids never reach this tenant's subscribers.
    const mine = await execution('default_tenant');
    client.send({ action: 'subscribe', execution_id: mine });
    await client.next((m) => m.action === 'subscribed');
    await sink.emit([cloudifyEvent(scope(mine, 'other'), 'workflow_started', 'not yours')]);
    await indexed(`execution_id=${mine}`, 1, 'other');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.events()).toEqual([]);
    client.socket.close();
  });

  it('forgets the subscriptions of a connection that is gone (410 from @connections)', async () => {
    const ex = await execution('default_tenant');
    const topic = { tenant: 'default_tenant', kind: 'execution' as const, id: ex };
    await subscriptions.subscribe('vanished-connection', topic, Math.floor(Date.now() / 1000) + 600);
    expect(await subscriptions.subscribers(topic)).toEqual(['vanished-connection']);
    await sink.emit([cloudifyEvent(scope(ex), 'workflow_started', 'to nobody')]);
    await until('the gone subscription removed', async () => ((await subscriptions.subscribers(topic)).length === 0 ? true : undefined));
  });

  it('ends subscriptions on disconnect', async () => {
    const ex = await execution('default_tenant');
    const topic = { tenant: 'default_tenant', kind: 'execution' as const, id: ex };
    const client = await Subscriber.open();
    client.send({ action: 'subscribe', execution_id: ex });
    await client.next((m) => m.action === 'subscribed');
    expect(await subscriptions.subscribers(topic)).toHaveLength(1);
    client.socket.close();
    await until('subscriptions removed', async () => ((await subscriptions.subscribers(topic)).length === 0 ? true : undefined));
  });

  it('coalesces a burst: one capped message per indexer batch, every event sent or counted as dropped', async () => {
    const ex = await execution('default_tenant', 'dep-burst');
    const client = await Subscriber.open();
    client.send({ action: 'subscribe', execution_id: ex });
    await client.next((m) => m.action === 'subscribed');
    const total = 3000;
    const s = scope(ex, 'default_tenant', 'dep-burst');
    await sink.emit(Array.from({ length: total }, (_, i) => cloudifyLog(s, 'info', `line ${i}`)));
    await until('every burst event accounted for', async () => {
      const sum = client.events().reduce((n, m) => n + m.events!.length + m.dropped!, 0);
      return sum >= total ? true : undefined;
    });
    const messages = client.events();
    const sent = messages.flatMap((m) => m.events!.map((e) => e._storage_id));
    expect(new Set(sent).size).toBe(sent.length);
    expect(messages.reduce((n, m) => n + m.events!.length + m.dropped!, 0)).toBe(total);
    // 3,000 events travel in 6 queue messages: never more pushes than that, each capped.
    expect(messages.length).toBeLessThanOrEqual(6);
    for (const m of messages) expect(m.events!.length).toBeLessThanOrEqual(200);
    expect(messages.some((m) => m.dropped! > 0)).toBe(true);
    // The newest events of each push are the ones sent.
    const last = messages.at(-1)!;
    expect(last.events!.at(-1)!.message).toBe(`line ${total - 1}`);
    await indexed(`execution_id=${ex}`, total);
    client.socket.close();
  });
});
