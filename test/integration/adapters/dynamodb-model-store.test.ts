/**
 * The DynamoDB ModelStore against DynamoDB Local (one table per file), large documents against
 * fauxqs's S3.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { DynamoModelStore, LARGE_DOCUMENT_BYTES } from '../../../adapters/dynamodb/model-store';
import { BLOCK_SIZE } from '../../../adapters/dynamodb/model-keys';
import { S3FileStore } from '../../../adapters/s3/file-store';
import type { NewEntity } from '../../../src/ports/model-store';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let store: DynamoModelStore;
let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
let s3: S3Client;
let files: S3FileStore;

beforeAll(async () => {
  table = await createModelTable();
  fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, endpoint: `http://127.0.0.1:${fauxqs.port}`, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'resources' }));
  files = new S3FileStore(s3, 'resources');
  store = new DynamoModelStore({ client: table.client, tableName: table.name, files });
});

afterAll(async () => {
  await table.drop();
  s3.destroy();
  await fauxqs.stop();
});

const ref = (tenant: string, id: string, kind = 'deployment') => ({ kind, tenant, id });

async function rejects(promise: Promise<unknown>): Promise<{ statusCode: number; errorCode: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { statusCode: number; errorCode: string };
  }
  throw new Error('expected a rejection');
}

describe('DynamoModelStore: single entities', () => {
  it('creates at version 1, reads it back, and refuses a duplicate id with conflict_error', async () => {
    const created = await store.create({ ...ref('t1', 'd1'), data: { blueprint_id: 'bp', nested: { '': 1, deep: [1, { a: null }] } } });
    expect(created).toMatchObject({ version: 1, global: false, data: { blueprint_id: 'bp' } });
    expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const read = await store.get(ref('t1', 'd1'));
    expect(read).toEqual(created);
    const error = await rejects(store.create({ ...ref('t1', 'd1'), data: {} }));
    expect(error).toMatchObject({ statusCode: 409, errorCode: 'conflict_error' });
  });

  it('keeps tenants apart: the same id in another tenant is another entity, and invisible across', async () => {
    await store.create({ ...ref('t1', 'shared'), data: { owner: 't1' } });
    expect(await store.get(ref('t2', 'shared'))).toBeUndefined();
    expect(await store.find(ref('t2', 'shared'))).toBeUndefined();
    await store.create({ ...ref('t2', 'shared'), data: { owner: 't2' } });
    expect((await store.get(ref('t2', 'shared')))?.data).toEqual({ owner: 't2' });
    expect((await store.get(ref('t1', 'shared')))?.data).toEqual({ owner: 't1' });
  });

  it('updates with optimistic concurrency: stale → 409, missing → 404, every update bumps the version', async () => {
    const created = await store.create({ ...ref('t1', 'u1'), data: { n: 0 } });
    const updated = await store.update({ ref: ref('t1', 'u1'), expectedVersion: 1, data: { n: 1 } });
    expect(updated).toMatchObject({ version: 2, data: { n: 1 }, createdAt: created.createdAt });
    expect(await rejects(store.update({ ref: ref('t1', 'u1'), expectedVersion: 1, data: { n: 9 } }))).toMatchObject({ statusCode: 409, errorCode: 'conflict_error' });
    expect(await rejects(store.update({ ref: ref('t1', 'nope'), expectedVersion: 1, data: {} }))).toMatchObject({ statusCode: 404, errorCode: 'not_found_error' });
    expect((await store.get(ref('t1', 'u1')))?.data).toEqual({ n: 1 });
  });

  it('loses no update when many writers modify one entity at once', async () => {
    await store.create({ ...ref('t1', 'counter'), data: { n: 0, writers: [] as number[] } });
    const writers = 12;
    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        store.modify<{ n: number; writers: number[] }>(ref('t1', 'counter'), (current) => ({ n: current.data.n + 1, writers: [...current.data.writers, i] })),
      ),
    );
    const final = await store.get<{ n: number; writers: number[] }>(ref('t1', 'counter'));
    expect(final?.data.n).toBe(writers);
    expect([...final!.data.writers].sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => i));
    expect(final?.version).toBe(writers + 1);
  });

  it('deletes (at a version when given); a missing entity is 404', async () => {
    await store.create({ ...ref('t1', 'del'), data: {} });
    expect(await rejects(store.delete(ref('t1', 'del'), 7))).toMatchObject({ statusCode: 409 });
    await store.delete(ref('t1', 'del'), 1);
    expect(await store.get(ref('t1', 'del'))).toBeUndefined();
    expect(await rejects(store.delete(ref('t1', 'del')))).toMatchObject({ statusCode: 404, errorCode: 'not_found_error' });
  });

  it('keeps documents over the item limit in the file store and removes them with the entity', async () => {
    const big = 'x'.repeat(LARGE_DOCUMENT_BYTES + 10);
    await store.create({ ...ref('t1', 'big', 'node_instance'), data: { runtime_properties: { big } } });
    const read = await store.get<{ runtime_properties: { big: string } }>(ref('t1', 'big', 'node_instance'));
    expect(read?.data.runtime_properties.big).toHaveLength(big.length);
    expect(await files.list('model/t1/node_instance/big/')).toHaveLength(1);
    await store.update({ ref: ref('t1', 'big', 'node_instance'), expectedVersion: 1, data: { runtime_properties: { big: `${big}y` } } });
    expect(await files.list('model/t1/node_instance/big/')).toHaveLength(1);
    await store.update({ ref: ref('t1', 'big', 'node_instance'), expectedVersion: 2, data: { small: true } });
    expect(await files.list('model/t1/node_instance/big/')).toHaveLength(0);
    expect((await store.get(ref('t1', 'big', 'node_instance')))?.data).toEqual({ small: true });
    // A large document whose write fails leaves nothing behind in the file store.
    expect(await rejects(store.update({ ref: ref('t1', 'big', 'node_instance'), expectedVersion: 1, data: { big } }))).toMatchObject({ statusCode: 409 });
    expect(await rejects(store.create({ ...ref('t1', 'big', 'node_instance'), data: { big } }))).toMatchObject({ statusCode: 409 });
    expect(await files.list('model/t1/node_instance/big/')).toHaveLength(0);
  });

  it('keeps creation times monotonic in sequence order even when a clock goes backwards', async () => {
    const times = ['2030-01-01T00:00:01.000Z', '2030-01-01T00:00:00.000Z'];
    const skewed = new DynamoModelStore({ client: table.client, tableName: table.name, now: () => new Date(times.shift() ?? '2029-01-01T00:00:00.000Z') });
    const a = await skewed.create({ ...ref('skew', 'a'), data: {} });
    const b = await skewed.create({ ...ref('skew', 'b'), data: {} });
    expect(b.createdAt >= a.createdAt).toBe(true);
    expect((await skewed.all({ tenant: 'skew', kind: 'deployment' })).map((e) => e.id)).toEqual(['a', 'b']);
  });
});

describe('DynamoModelStore: global entities', () => {
  it('shows a global entity to every tenant through find, and blocks its id elsewhere', async () => {
    await store.create({ ...ref('owner', 'g1', 'blueprint'), data: { x: 1 }, global: true });
    expect((await store.find(ref('other', 'g1', 'blueprint')))?.tenant).toBe('owner');
    expect(await store.get(ref('other', 'g1', 'blueprint'))).toBeUndefined();
    expect(await rejects(store.create({ ...ref('other', 'g1', 'blueprint'), data: {} }))).toMatchObject({ statusCode: 409, errorCode: 'conflict_error' });
    expect((await store.globals('blueprint')).map((e) => e.id)).toContain('g1');
  });

  it('refuses to make an entity global while another tenant uses its id', async () => {
    await store.create({ ...ref('owner', 'g3', 'secret'), data: {} });
    await store.create({ ...ref('other', 'g3', 'secret'), data: {} });
    expect(await rejects(store.update({ ref: ref('owner', 'g3', 'secret'), expectedVersion: 1, data: {}, global: true }))).toMatchObject({ statusCode: 409 });
    await store.delete(ref('other', 'g3', 'secret'));
    expect((await store.update({ ref: ref('owner', 'g3', 'secret'), expectedVersion: 1, data: {}, global: true })).global).toBe(true);
  });

  it('hides it again when the flag is cleared, and frees the id when deleted', async () => {
    await store.create({ ...ref('owner', 'g2', 'blueprint'), data: {}, global: true });
    await store.update({ ref: ref('owner', 'g2', 'blueprint'), expectedVersion: 1, data: {}, global: false });
    expect(await store.find(ref('other', 'g2', 'blueprint'))).toBeUndefined();
    await store.update({ ref: ref('owner', 'g2', 'blueprint'), expectedVersion: 2, data: {}, global: true });
    expect(await store.find(ref('other', 'g2', 'blueprint'))).toBeDefined();
    await store.delete(ref('owner', 'g2', 'blueprint'));
    expect(await store.find(ref('other', 'g2', 'blueprint'))).toBeUndefined();
    await store.create({ ...ref('other', 'g2', 'blueprint'), data: {} });
  });
});

describe('DynamoModelStore: collections', () => {
  const tenant = 'pages';
  const kind = 'deployment';
  const count = BLOCK_SIZE * 2 + 57;
  let ids: string[];

  beforeAll(async () => {
    ids = Array.from({ length: count }, (_, i) => `dep-${String(i).padStart(4, '0')}`);
    const entities: NewEntity<object>[] = ids.map((id) => ({ kind, tenant, id, data: { index: Number(id.slice(4)) } }));
    await store.createMany(entities.slice(0, 120));
    for (const entity of entities.slice(120)) await store.create(entity);
  });

  it('counts and lists the whole collection in creation order', async () => {
    expect(await store.count({ tenant, kind })).toBe(count);
    expect((await store.all({ tenant, kind })).map((e) => e.id)).toEqual(ids);
  });

  it('pages exactly like slicing the whole list, both directions, across block boundaries', async () => {
    const all = (await store.all({ tenant, kind })).map((e) => e.id);
    for (const offset of [0, 1, 99, 100, 101, 199, 200, 250, count - 1, count, count + 5]) {
      for (const size of [0, 1, 7, 100]) {
        const up = await store.page({ tenant, kind }, { offset, size, descending: false });
        expect(up.total).toBe(count);
        expect(up.items.map((e) => e.id)).toEqual(all.slice(offset, offset + size));
        const down = await store.page({ tenant, kind }, { offset, size, descending: true });
        expect(down.items.map((e) => e.id)).toEqual([...all].reverse().slice(offset, offset + size));
      }
    }
  });

  it('keeps totals and offsets exact after deletions', async () => {
    for (const id of ['dep-0000', 'dep-0050', 'dep-0099', 'dep-0100', 'dep-0150', 'dep-0256']) await store.delete({ kind, tenant, id });
    const remaining = ids.filter((id) => !['dep-0000', 'dep-0050', 'dep-0099', 'dep-0100', 'dep-0150', 'dep-0256'].includes(id));
    expect(await store.count({ tenant, kind })).toBe(remaining.length);
    for (const offset of [0, 48, 97, 98, 99, 196, 240]) {
      const page = await store.page({ tenant, kind }, { offset, size: 10, descending: false });
      expect(page.total).toBe(remaining.length);
      expect(page.items.map((e) => e.id)).toEqual(remaining.slice(offset, offset + 10));
    }
  });

  it('counts restricted entities per collection through creates, updates and deletes', async () => {
    const c = { tenant: 'restricted', kind: 'secret' };
    await store.create({ ...ref('restricted', 'open', 'secret'), data: {} });
    const hidden = await store.create({ ...ref('restricted', 'hidden', 'secret'), data: {}, restricted: true });
    expect(hidden.restricted).toBe(true);
    expect((await store.page(c, { offset: 0, size: 10, descending: false })).restricted).toBe(1);
    await store.update({ ref: ref('restricted', 'open', 'secret'), expectedVersion: 1, data: {}, restricted: true });
    expect((await store.page(c, { offset: 0, size: 10, descending: false })).restricted).toBe(2);
    await store.update({ ref: ref('restricted', 'hidden', 'secret'), expectedVersion: 1, data: { x: 1 } });
    expect((await store.get(ref('restricted', 'hidden', 'secret')))?.restricted).toBe(true);
    await store.delete(ref('restricted', 'hidden', 'secret'));
    await store.update({ ref: ref('restricted', 'open', 'secret'), expectedVersion: 2, data: {}, restricted: false });
    const page = await store.page(c, { offset: 0, size: 10, descending: false });
    expect(page).toMatchObject({ total: 1, restricted: 0 });
  });

  it('lists and counts the children of one parent', async () => {
    await store.createMany(
      ['a', 'b', 'c'].flatMap((parent) => Array.from({ length: 4 }, (_, i) => ({ kind: 'node_instance', tenant, id: `${parent}_${i}`, parent, data: { parent } }))),
    );
    const children = await store.all({ tenant, kind: 'node_instance', parent: 'b' });
    expect(children.map((e) => e.id)).toEqual(['b_0', 'b_1', 'b_2', 'b_3']);
    expect(children.every((e) => e.parent === 'b')).toBe(true);
    expect(await store.count({ tenant, kind: 'node_instance', parent: 'c' })).toBe(4);
    expect(await store.count({ tenant, kind: 'node_instance' })).toBe(12);
  });

  it('createMany is all-or-nothing across chunks: a duplicate late in the batch undoes the earlier chunks', async () => {
    await store.create({ kind: 'node_instance', tenant: 'many', id: 'taken', data: {} });
    const batch = Array.from({ length: 230 }, (_, i) => ({ kind: 'node_instance', tenant: 'many', id: `n${i}`, parent: 'p', data: {} }));
    batch.push({ kind: 'node_instance', tenant: 'many', id: 'taken', parent: 'p', data: {} });
    expect(await rejects(store.createMany(batch))).toMatchObject({ statusCode: 409 });
    expect(await store.count({ tenant: 'many', kind: 'node_instance' })).toBe(1);
    expect(await store.all({ tenant: 'many', kind: 'node_instance', parent: 'p' })).toEqual([]);
  });

  it('transacts mixed writes atomically: a failed check leaves nothing written', async () => {
    await store.create({ kind: 'deployment', tenant: 'tx', id: 'dep', data: { v: 1 } });
    const error = await rejects(
      store.transact([
        { type: 'create', entity: { kind: 'node', tenant: 'tx', id: 'n1', parent: 'dep', data: {} } },
        { type: 'update', update: { ref: { kind: 'deployment', tenant: 'tx', id: 'dep' }, expectedVersion: 1, data: { v: 2 } } },
        { type: 'check', ref: { kind: 'blueprint', tenant: 'tx', id: 'missing' } },
      ]),
    );
    expect(error).toMatchObject({ statusCode: 404, errorCode: 'not_found_error' });
    expect(await store.get({ kind: 'node', tenant: 'tx', id: 'n1' })).toBeUndefined();
    expect((await store.get({ kind: 'deployment', tenant: 'tx', id: 'dep' }))?.version).toBe(1);
    expect(await store.count({ tenant: 'tx', kind: 'node' })).toBe(0);
  });
});
