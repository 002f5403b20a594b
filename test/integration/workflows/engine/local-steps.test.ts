/**
 * Node-instance writes of the engine's local steps on the real model store (DynamoDB Local): the
 * last state of a run wins, runtime properties merge, and the write cache skips the read only
 * while the engine's remembered version is current (another writer's change is never lost).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoModelStore } from '../../../../adapters/dynamodb/model-store';
import type { NodeInstanceData } from '../../../../src/deployments/model';
import { nodeInstanceRef } from '../../../../src/deployments/node-instances';
import type { EventScope } from '../../../../src/events/model';
import { applyInstanceWrites, planLocalSteps } from '../../../../src/workflows/engine/local-steps';
import type { InstanceCache } from '../../../../src/workflows/engine/local-steps';
import type { LocalTask } from '../../../../src/workflows/engine/persisted';
import { createModelTable } from '../../../support/model-table';
import type { TestModelTable } from '../../../support/model-table';

let table: TestModelTable;
let raw: DynamoDBClient;
let store: DynamoModelStore;
const requests: string[] = [];

beforeAll(async () => {
  table = await createModelTable();
  raw = new DynamoDBClient({ endpoint: table.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push((context as { commandName: string }).commandName);
      return next(args);
    },
    { step: 'deserialize', name: 'countRequests' },
  );
  store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }), tableName: table.name });
});

afterAll(async () => {
  raw?.destroy();
  await table?.drop();
});

const TENANT = 'default_tenant';
let counter = 0;

async function newInstance(): Promise<string> {
  const id = `app_${++counter}${Date.now().toString(36)}`;
  const data: NodeInstanceData = {
    id,
    node_id: 'app',
    deployment_id: 'd1',
    host_id: null,
    index: 1,
    state: 'uninitialized',
    runtime_properties: { keep: 'me' },
    system_properties: {},
    relationships: [],
    scaling_groups: [],
    visibility: 'tenant',
    created_by: 'admin',
  };
  await store.create<NodeInstanceData>({ ...nodeInstanceRef(TENANT, id), data, parent: 'd1' });
  return id;
}

const read = async (id: string) => (await store.get<NodeInstanceData>(nodeInstanceRef(TENANT, id)))!;
const gets = (from: number) => requests.slice(from).filter((name) => name === 'GetCommand' || name === 'GetItemCommand').length;
const scope: EventScope = { tenant: TENANT, executionId: 'e1', workflowId: 'install', deploymentId: 'd1', blueprintId: 'b1' };
const setState = (instance: string, state: string, message: string | null = null): LocalTask => ({ id: `s:${state}`, kind: 'set_state', dependencies: [], subgraph: 's', instance_id: instance, node_id: 'app', ignore_failure: false, state, message });

describe('planLocalSteps', () => {
  it('keeps the last state of each instance, one write per instance, and an event per message', () => {
    const initial = new Map([['a', { runtimeProperties: { ip: '1' } }]]);
    const { writes, events } = planLocalSteps(scope, [setState('a', 'created'), setState('a', 'configuring', 'Configuring node instance'), setState('b', 'stopped')], initial);
    expect([...writes]).toEqual([
      ['a', { runtimeProperties: { ip: '1' }, state: 'configuring' }],
      ['b', { state: 'stopped' }],
    ]);
    expect(events.map((e) => [e.event_type, e.message, e.node_instance_id])).toEqual([['workflow_node_event', 'Configuring node instance', 'a']]);
  });
});

describe('applyInstanceWrites', () => {
  it('writes the state and merges runtime properties; a second write from the cache needs one read less', async () => {
    const id = await newInstance();
    const cache: InstanceCache = new Map();
    let mark = requests.length;
    await applyInstanceWrites(store, TENANT, new Map([[id, { state: 'creating' }]]), cache);
    const coldReads = gets(mark);
    mark = requests.length;
    await applyInstanceWrites(store, TENANT, new Map([[id, { state: 'created', runtimeProperties: { ip: '10.0.0.1' } }]]), cache);
    const warmReads = gets(mark);
    expect(warmReads).toBe(coldReads - 1);
    const stored = await read(id);
    expect(stored.data.state).toBe('created');
    expect(stored.data.runtime_properties).toEqual({ keep: 'me', ip: '10.0.0.1' });
    expect(cache.get(`${TENANT}#${id}`)!.version).toBe(stored.version);
  });

  it("never loses another writer's change: a stale cached version falls back to read-modify-write", async () => {
    const id = await newInstance();
    const cache: InstanceCache = new Map();
    await applyInstanceWrites(store, TENANT, new Map([[id, { state: 'creating' }]]), cache);
    const current = await read(id);
    await store.update<NodeInstanceData>({ ref: nodeInstanceRef(TENANT, id), expectedVersion: current.version, data: { ...current.data, runtime_properties: { ...current.data.runtime_properties, other: 'writer' } } });
    await applyInstanceWrites(store, TENANT, new Map([[id, { state: 'created', runtimeProperties: { mine: 1 } }]]), cache);
    const stored = await read(id);
    expect(stored.data.state).toBe('created');
    expect(stored.data.runtime_properties).toEqual({ keep: 'me', other: 'writer', mine: 1 });
    expect(cache.get(`${TENANT}#${id}`)!.version).toBe(stored.version);
  });

  it('does not write when nothing changes (checked against the stored item, not the cache)', async () => {
    const id = await newInstance();
    const cache: InstanceCache = new Map();
    await applyInstanceWrites(store, TENANT, new Map([[id, { state: 'started' }]]), cache);
    const before = await read(id);
    await applyInstanceWrites(store, TENANT, new Map([[id, { state: 'started' }]]), cache);
    expect((await read(id)).version).toBe(before.version);
    // The cache says started, the item was changed to stopped by someone else: started is written again.
    await store.update<NodeInstanceData>({ ref: nodeInstanceRef(TENANT, id), expectedVersion: before.version, data: { ...before.data, state: 'stopped' } });
    await applyInstanceWrites(store, TENANT, new Map([[id, { state: 'started' }]]), cache);
    expect((await read(id)).data.state).toBe('started');
  });

  it('fails clearly for a node instance that does not exist', async () => {
    await expect(applyInstanceWrites(store, TENANT, new Map([['nope_1', { state: 'created' }]]), new Map())).rejects.toThrow(/nope_1|not found/i);
  });
});
