/**
 * The child counts the DynamoDB model store keeps per parent (src/model/child-counts.ts: a
 * deployment's node instances, total and live) on the real DynamoDB Local: they equal a fresh
 * count of the children after concurrent, duplicated and out-of-order state transitions, stale
 * writes, creates and deletes (scale out/in), a deployment deleted and created again under the same
 * id; and they come with one read of the parent.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import { NODE_INSTANCE_STATES, isLive } from '../../../src/deployments/model';
import type { NodeInstanceState } from '../../../src/deployments/model';
import type { EntityRef, NewEntity } from '../../../src/ports/model-store';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let store: DynamoModelStore;
const TENANT = 't1';

beforeAll(async () => {
  table = await createModelTable();
  store = new DynamoModelStore({ client: table.client, tableName: table.name });
});

afterAll(() => table?.drop());

type Instance = { state: NodeInstanceState; deployment_id: string; note?: string };

function instance(deployment: string, i: number, state: NodeInstanceState = 'uninitialized'): NewEntity<Instance> {
  return { kind: 'node_instance', tenant: TENANT, id: `${deployment}_i${i}`, parent: deployment, data: { state, deployment_id: deployment } };
}

const deploymentRef = (id: string): EntityRef => ({ kind: 'deployment', tenant: TENANT, id });
const instanceRef = (deployment: string, i: number): EntityRef => ({ kind: 'node_instance', tenant: TENANT, id: `${deployment}_i${i}` });

async function createDeployment(id: string, instances: number): Promise<void> {
  await store.createMany(Array.from({ length: instances }, (_, i) => instance(id, i)));
  await store.create({ ...deploymentRef(id), data: { blueprint_id: 'bp' } });
}

/** What the store keeps, and what a fresh count of the instances says. */
async function countsOf(id: string): Promise<{ kept: unknown; actual: { total: number; live: number } }> {
  const deployment = await store.get(deploymentRef(id), { children: true });
  const instances = await store.all<Instance>({ tenant: TENANT, kind: 'node_instance', parent: id });
  return { kept: deployment?.children?.node_instance, actual: { total: instances.length, live: instances.filter((entity) => isLive(entity.data.state)).length } };
}

const state = fc.constantFrom(...NODE_INSTANCE_STATES);

describe('child counts of the model store', () => {
  it('are written with the children and read with the parent in one request', async () => {
    await createDeployment('plain', 7);
    expect(await countsOf('plain')).toEqual({ kept: { total: 7, live: 0 }, actual: { total: 7, live: 0 } });
    const eventual = await store.get(deploymentRef('plain'), { children: true, consistent: false });
    expect(eventual?.children).toEqual({ node_instance: { total: 7, live: 0 } });
    expect(eventual?.data).toEqual({ blueprint_id: 'bp' });
    // Without the option the entity has no counts; find passes the option on.
    expect((await store.get(deploymentRef('plain')))?.children).toBeUndefined();
    expect((await store.find(deploymentRef('plain'), { children: true }))?.children?.node_instance).toEqual({ total: 7, live: 0 });
    expect(await store.get(deploymentRef('missing'), { children: true })).toBeUndefined();
  });

  it('stay exact under concurrent, duplicated and stale state transitions', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.record({ target: fc.nat(11), state, copies: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 30 }),
        async (size, transitions) => {
          const id = `conc-${run++}`;
          await createDeployment(id, size);
          const before = await Promise.all(Array.from({ length: size }, (_, i) => store.get<Instance>(instanceRef(id, i))));
          await Promise.all(
            transitions.flatMap(({ target, state: next, copies }) =>
              Array.from({ length: copies }, async () => {
                const ref = instanceRef(id, target % size);
                // Redelivered transitions: a read-modify-write (no-op when already there) ...
                await store.modify<Instance>(ref, (current) => (current.data.state === next ? undefined : { ...current.data, state: next }));
                // ... and a write from a stale version, which must fail without counting.
                const stale = before[target % size]!;
                await store.update({ ref, expectedVersion: stale.version, data: { ...stale.data, state: 'started' } }).catch(() => undefined);
              }),
            ),
          );
          const { kept, actual } = await countsOf(id);
          expect(kept).toEqual(actual);
        },
      ),
      { numRuns: 12 },
    );
  }, 180_000);

  it('follow creates and deletes (scale out and in), also duplicated and in transactions', async () => {
    await createDeployment('scaled', 5);
    await store.modify<Instance>(instanceRef('scaled', 0), (current) => ({ ...current.data, state: 'started' }));
    await store.modify<Instance>(instanceRef('scaled', 1), (current) => ({ ...current.data, state: 'configured' }));
    // Scale out: new instances, one created live; a duplicated create fails and counts nothing.
    await store.createMany([instance('scaled', 5), instance('scaled', 6, 'started')]);
    await expect(store.create(instance('scaled', 5))).rejects.toMatchObject({ errorCode: 'conflict_error' });
    expect((await countsOf('scaled')).kept).toEqual({ total: 7, live: 3 });
    // Scale in, delivered twice concurrently: a live one and a deleted one.
    await store.modify<Instance>(instanceRef('scaled', 6), (current) => ({ ...current.data, state: 'deleted' }));
    const deletes = [0, 0, 6, 6].map((i) => store.delete(instanceRef('scaled', i)).then(() => 'deleted', () => 'failed'));
    expect((await Promise.all(deletes)).sort()).toEqual(['deleted', 'deleted', 'failed', 'failed']);
    // A transaction that changes a state and creates and deletes instances.
    const three = await store.get<Instance>(instanceRef('scaled', 3));
    await store.transact([
      { type: 'update', update: { ref: instanceRef('scaled', 3), expectedVersion: three!.version, data: { ...three!.data, state: 'creating' } } },
      { type: 'create', entity: instance('scaled', 7, 'started') },
      { type: 'delete', ref: instanceRef('scaled', 2) },
    ]);
    // A failed transaction changes nothing.
    await expect(
      store.transact([
        { type: 'create', entity: instance('scaled', 8, 'started') },
        { type: 'check', ref: instanceRef('scaled', 99) },
      ]),
    ).rejects.toMatchObject({ errorCode: 'not_found_error' });
    const { kept, actual } = await countsOf('scaled');
    expect(actual).toEqual({ total: 5, live: 3 });
    expect(kept).toEqual(actual);
  });

  it('are right for a deployment deleted and created again under the same id', async () => {
    await createDeployment('again', 3);
    await store.modify<Instance>(instanceRef('again', 0), (current) => ({ ...current.data, state: 'started' }));
    for (let i = 0; i < 3; i++) await store.delete(instanceRef('again', i));
    await store.delete(deploymentRef('again'));
    await createDeployment('again', 2);
    expect(await countsOf('again')).toEqual({ kept: { total: 2, live: 0 }, actual: { total: 2, live: 0 } });
  });

  it('are absent for children written by a store that did not count them (callers count themselves)', async () => {
    const legacy = new DynamoModelStore({ client: table.client, tableName: table.name, childCounts: {} });
    await legacy.createMany([instance('legacy', 0), instance('legacy', 1)]);
    await legacy.create({ ...deploymentRef('legacy'), data: {} });
    expect((await store.get(deploymentRef('legacy'), { children: true }))?.children).toEqual({});
    // A state change by a counting store alone (no `n` yet) is not taken for a count either.
    await store.modify<Instance>(instanceRef('legacy', 0), (current) => ({ ...current.data, state: 'started' }));
    expect((await store.get(deploymentRef('legacy'), { children: true }))?.children).toEqual({});
  });

  it('are back to nothing when a parallel createMany fails late and undoes its chunks', async () => {
    await createDeployment('undone', 0);
    await store.create(instance('undone', 400));
    const batch = [...Array.from({ length: 399 }, (_, i) => instance('undone', i)), instance('undone', 400)];
    await expect(store.createMany(batch)).rejects.toMatchObject({ errorCode: 'conflict_error' });
    expect(await countsOf('undone')).toEqual({ kept: { total: 1, live: 0 }, actual: { total: 1, live: 0 } });
    const page = await store.page({ tenant: TENANT, kind: 'node_instance', parent: 'undone' }, { offset: 0, size: 10, descending: false });
    expect(page.total).toBe(1);
    expect(page.items.map((entity) => entity.id)).toEqual(['undone_i400']);
  }, 60_000);

  it('do not make a createMany chunk exceed the transaction limit', async () => {
    // 250 instances of one deployment plus a second parent: chunks hold blocks and count items too.
    await store.createMany([...Array.from({ length: 250 }, (_, i) => instance('big', i)), ...Array.from({ length: 30 }, (_, i) => instance('big2', i))]);
    await store.create({ ...deploymentRef('big'), data: {} });
    await store.create({ ...deploymentRef('big2'), data: {} });
    expect((await countsOf('big')).kept).toEqual({ total: 250, live: 0 });
    expect((await countsOf('big2')).kept).toEqual({ total: 30, live: 0 });
  }, 60_000);
});
