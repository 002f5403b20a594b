/**
 * DynamoModelStore writes that plan to one Put/Update/Delete go out as that plain single-item
 * request (not a one-item TransactWriteItems), on DynamoDB Local: counted with a middleware on the
 * client (as bench/engine.ts does). Their failed conditions read exactly like the transaction's
 * (stale → 409 conflict_error, missing → 404 not_found_error, same messages), also when another
 * writer gets in between the store's read and its write; multi-item writes stay atomic transactions.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import type { EntityRef } from '../../../src/ports/model-store';
import { loggedDynamoDbClient } from '../../support/logged-dynamodb';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let raw: DynamoDBClient;
/** The store under test, on the counting client. */
let store: DynamoModelStore;
/** Another writer on an uncounted client. */
let other: DynamoModelStore;
/** Requests the store sent: command name (without `Command`) and, for transactions, the number of items. */
let sent: string[] = [];
/** Run once, before the next write request (UpdateItem, PutItem, DeleteItem, TransactWriteItems) of the store is sent. */
let beforeNextWrite: (() => Promise<void>) | undefined;

const WRITES = new Set(['UpdateItem', 'PutItem', 'DeleteItem', 'TransactWriteItems']);

beforeAll(async () => {
  table = await createModelTable();
  raw = loggedDynamoDbClient(table.endpoint, async (label, name) => {
    sent.push(label);
    if (WRITES.has(name) && beforeNextWrite) {
      const hook = beforeNextWrite;
      beforeNextWrite = undefined;
      await hook();
    }
  });
  store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }), tableName: table.name });
  other = new DynamoModelStore({ client: table.client, tableName: table.name });
});

afterAll(async () => {
  raw?.destroy();
  await table?.drop();
});

beforeEach(() => {
  sent = [];
  beforeNextWrite = undefined;
});

const deployment = (id: string): EntityRef => ({ kind: 'deployment', tenant: 't1', id });
const instance = (id: string): EntityRef => ({ kind: 'node_instance', tenant: 't1', id });
const staleMessage = (id: string, version: number) => `Deployment \`${id}\` was changed by another request (version ${version} is stale); read it again and retry`;
const missingMessage = (label: string, id: string) => `Requested \`${label}\` with ID \`${id}\` was not found`;

async function rejection(promise: Promise<unknown>): Promise<{ statusCode: number; errorCode: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { statusCode: number; errorCode: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('one-item writes', () => {
  it('an update is one GetItem and one plain UpdateItem, and the result is what a read gives', async () => {
    await other.create({ ...deployment('u1'), data: { n: 1 } });
    const updated = await store.update({ ref: deployment('u1'), expectedVersion: 1, data: { n: 2 } });
    expect(sent).toEqual(['GetItem', 'UpdateItem']);
    expect(updated).toEqual(await other.get(deployment('u1')));
    expect(updated).toMatchObject({ version: 2, data: { n: 2 } });
  });

  it('an update given the current entity is one UpdateItem; modify is GetItem + UpdateItem', async () => {
    const created = await other.create({ ...deployment('u2'), data: { n: 1 } });
    await store.update({ ref: deployment('u2'), expectedVersion: 1, data: { n: 2 }, current: created });
    expect(sent).toEqual(['UpdateItem']);
    sent = [];
    await store.modify<{ n: number }>(deployment('u2'), (current) => ({ n: current.data.n + 1 }));
    expect(sent).toEqual(['GetItem', 'UpdateItem']);
    expect(await other.get(deployment('u2'))).toMatchObject({ version: 3, data: { n: 3 } });
  });

  it('a node instance state change that keeps the live count is plain; one that moves it is a transaction with the count', async () => {
    await other.create({ ...deployment('d1'), data: {} });
    const created = await other.create({ ...instance('i1'), parent: 'd1', data: { state: 'uninitialized' } });
    sent = [];
    // uninitialized → creating: live goes 0 → 1, so the deployment's count item is written with it.
    const creating = await store.update({ ref: instance('i1'), expectedVersion: 1, data: { state: 'creating' }, current: created });
    expect(sent).toEqual(['TransactWriteItems(2)']);
    sent = [];
    // creating → started: still live, nothing to count.
    await store.update({ ref: instance('i1'), expectedVersion: 2, data: { state: 'started' }, current: creating });
    expect(sent).toEqual(['UpdateItem']);
    expect((await other.get(deployment('d1'), { children: true }))?.children?.node_instance).toEqual({ total: 1, live: 1 });
  });

  it('a stale version is 409 conflict_error with the same message, and writes nothing', async () => {
    const created = await other.create({ ...deployment('s1'), data: { n: 1 } });
    await other.update({ ref: deployment('s1'), expectedVersion: 1, data: { n: 2 } });
    // Refused by the write's condition (the store holds version 1 as current, so it does not read).
    const error = await rejection(store.update({ ref: deployment('s1'), expectedVersion: 1, data: { n: 99 }, current: created }));
    expect(sent).toEqual(['UpdateItem']);
    expect(error).toMatchObject({ statusCode: 409, errorCode: 'conflict_error', message: staleMessage('s1', 1) });
    // Refused after the read (no write at all): the same error.
    sent = [];
    expect(await rejection(store.update({ ref: deployment('s1'), expectedVersion: 1, data: { n: 99 } }))).toMatchObject({
      statusCode: 409,
      errorCode: 'conflict_error',
      message: staleMessage('s1', 1),
    });
    expect(sent).toEqual(['GetItem']);
    expect(await other.get(deployment('s1'))).toMatchObject({ version: 2, data: { n: 2 } });
  });

  it('a missing entity is 404 not_found_error with the same message, and creates nothing', async () => {
    const created = await other.create({ ...deployment('m1'), data: { n: 1 } });
    await other.delete(deployment('m1'));
    const error = await rejection(store.update({ ref: deployment('m1'), expectedVersion: 1, data: { n: 2 }, current: created }));
    expect(sent).toEqual(['UpdateItem']);
    expect(error).toMatchObject({ statusCode: 404, errorCode: 'not_found_error', message: missingMessage('Deployment', 'm1') });
    expect(await other.get(deployment('m1'))).toBeUndefined();
  });

  it('another writer between the read and the write: its update → 409, its delete → 404', async () => {
    await other.create({ ...deployment('r1'), data: { n: 1 } });
    beforeNextWrite = async () => {
      await other.update({ ref: deployment('r1'), expectedVersion: 1, data: { n: 'other' } });
    };
    expect(await rejection(store.update({ ref: deployment('r1'), expectedVersion: 1, data: { n: 'mine' } }))).toMatchObject({
      statusCode: 409,
      errorCode: 'conflict_error',
      message: staleMessage('r1', 1),
    });
    expect(sent).toEqual(['GetItem', 'UpdateItem']);
    expect(await other.get(deployment('r1'))).toMatchObject({ version: 2, data: { n: 'other' } });

    sent = [];
    beforeNextWrite = () => other.delete(deployment('r1'));
    expect(await rejection(store.update({ ref: deployment('r1'), expectedVersion: 2, data: { n: 'mine' } }))).toMatchObject({
      statusCode: 404,
      errorCode: 'not_found_error',
      message: missingMessage('Deployment', 'r1'),
    });
    expect(sent).toEqual(['GetItem', 'UpdateItem']);
    expect(await other.get(deployment('r1'))).toBeUndefined();
  });

  it('modify retries a plain write that lost the race, and loses no change', async () => {
    await other.create({ ...deployment('race'), data: { n: 0 } });
    beforeNextWrite = async () => {
      await other.modify<{ n: number }>(deployment('race'), (current) => ({ n: current.data.n + 10 }));
    };
    const modified = await store.modify<{ n: number }>(deployment('race'), (current) => ({ n: current.data.n + 1 }));
    expect(modified).toMatchObject({ version: 3, data: { n: 11 } });
    expect(sent).toEqual(['GetItem', 'UpdateItem', 'GetItem', 'UpdateItem']);
  });
});

describe('multi-item writes stay transactions', () => {
  it('create and delete write the entity and its list block together', async () => {
    const node: EntityRef = { kind: 'node', tenant: 't1', id: 'c1' };
    await store.create({ ...node, data: {} });
    expect(sent).toEqual(['UpdateItem', 'TransactWriteItems(2)']); // sequence allocation, then entity + block
    sent = [];
    expect(await rejection(store.create({ ...node, data: {} }))).toMatchObject({ statusCode: 409, errorCode: 'conflict_error' });
    expect(sent).toEqual(['UpdateItem', 'TransactWriteItems(2)']);
    expect(await other.count({ tenant: 't1', kind: 'node' })).toBe(1);
    sent = [];
    await store.delete(node, 1);
    expect(sent).toEqual(['GetItem', 'TransactWriteItems(2)']);
    expect(await other.get(node)).toBeUndefined();
    expect(await other.count({ tenant: 't1', kind: 'node' })).toBe(0);
    // A global-capable kind also writes its global-id check and name entry.
    sent = [];
    await store.create({ ...deployment('c2'), data: {} });
    expect(sent).toEqual(['UpdateItem', 'TransactWriteItems(4)']);
  });

  it('a flag change writes the list block with the entity; a one-op check stays a transaction', async () => {
    await other.create({ ...deployment('f1'), data: {} });
    await store.update({ ref: deployment('f1'), expectedVersion: 1, data: {}, restricted: true });
    expect(sent).toEqual(['GetItem', 'TransactWriteItems(2)']);
    sent = [];
    expect(await rejection(store.transact([{ type: 'check', ref: deployment('f1'), expectedVersion: 1 }]))).toMatchObject({ statusCode: 409, errorCode: 'conflict_error' });
    expect(await rejection(store.transact([{ type: 'check', ref: deployment('nope') }]))).toMatchObject({ statusCode: 404, errorCode: 'not_found_error' });
    expect(sent).toEqual(['TransactWriteItems(1)', 'TransactWriteItems(1)']);
  });

  it('two updates are one transaction: when the second loses the race, the first is not written either', async () => {
    const a = await other.create({ ...deployment('a'), data: { n: 1 } });
    const b = await other.create({ ...deployment('b'), data: { n: 1 } });
    beforeNextWrite = async () => {
      await other.update({ ref: deployment('b'), expectedVersion: 1, data: { n: 'other' } });
    };
    const error = await rejection(
      store.transact([
        { type: 'update', update: { ref: deployment('a'), expectedVersion: 1, data: { n: 2 }, current: a } },
        { type: 'update', update: { ref: deployment('b'), expectedVersion: 1, data: { n: 2 }, current: b } },
      ]),
    );
    expect(error).toMatchObject({ statusCode: 409, errorCode: 'conflict_error', message: staleMessage('b', 1) });
    expect(sent).toEqual(['TransactWriteItems(2)']);
    expect(await other.get(deployment('a'))).toMatchObject({ version: 1, data: { n: 1 } });
    expect(await other.get(deployment('b'))).toMatchObject({ version: 2, data: { n: 'other' } });
  });
});
