/**
 * DynamoModelStore.update given the entity as stored (EntityUpdate.current): it writes without
 * reading first, and still refuses a stale version, and never skips the read for an entity whose
 * document lives in the file store (its old file must be cleaned up).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startFauxqs } from 'fauxqs';
import { DynamoModelStore, LARGE_DOCUMENT_BYTES } from '../../../adapters/dynamodb/model-store';
import { S3FileStore } from '../../../adapters/s3/file-store';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let store: DynamoModelStore;
let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
let s3: S3Client;
let files: S3FileStore;
const sent: string[] = [];

beforeAll(async () => {
  table = await createModelTable();
  fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, endpoint: `http://127.0.0.1:${fauxqs.port}`, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'resources' }));
  // Records the commands the store sends (by name), then sends them.
  const counting = {
    send: (command: { constructor: { name: string } }, ...rest: unknown[]) => {
      sent.push(command.constructor.name);
      return (table.client.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    },
  } as unknown as DynamoDBDocumentClient;
  files = new S3FileStore(s3, 'resources');
  store = new DynamoModelStore({ client: counting, tableName: table.name, files });
});

afterAll(async () => {
  await table.drop();
  s3.destroy();
  await fauxqs.stop();
});

const ref = (id: string) => ({ kind: 'deployment', tenant: 't1', id });

describe('DynamoModelStore.update with the current entity', () => {
  it('writes without a read, and the result is what a read gives', async () => {
    const created = await store.create({ ...ref('k1'), data: { n: 1 } });
    sent.length = 0;
    const updated = await store.update({ ref: ref('k1'), expectedVersion: 1, data: { n: 2 }, current: created });
    // One item to write (no flag or child count change): a plain UpdateItem, not a transaction.
    expect(sent).toEqual(['UpdateCommand']);
    expect(updated).toEqual(await store.get(ref('k1')));
    expect(updated).toMatchObject({ version: 2, data: { n: 2 } });
  });

  it('refuses a stale current entity with conflict_error and changes nothing', async () => {
    const created = await store.create({ ...ref('k2'), data: { n: 1 } });
    await store.update({ ref: ref('k2'), expectedVersion: 1, data: { n: 2 } });
    // A writer that still holds version 1 but claims it is current at version 1.
    await expect(store.update({ ref: ref('k2'), expectedVersion: 1, data: { n: 99 }, current: created })).rejects.toMatchObject({ errorCode: 'conflict_error' });
    // And one that lies about the version it holds: the condition still decides.
    await expect(store.update({ ref: ref('k2'), expectedVersion: 3, data: { n: 99 }, current: { ...created, version: 3 } })).rejects.toMatchObject({ errorCode: 'conflict_error' });
    expect(await store.get(ref('k2'))).toMatchObject({ version: 2, data: { n: 2 } });
  });

  it('reads first when the current document is in the file store, or a flag changes', async () => {
    const big = await store.create({ ...ref('k3'), data: { blob: 'x'.repeat(LARGE_DOCUMENT_BYTES + 10) } });
    sent.length = 0;
    const small = await store.update({ ref: ref('k3'), expectedVersion: 1, data: { blob: 'small' }, current: big });
    expect(sent).toEqual(['GetCommand', 'UpdateCommand']);
    expect(await store.get(ref('k3'))).toEqual(small);
    // The replaced document's file is removed after the (plain) write.
    expect(await files.list('model/t1/deployment/k3/')).toHaveLength(0);
    sent.length = 0;
    await store.update({ ref: ref('k3'), expectedVersion: 2, data: { blob: 'small' }, current: small, restricted: true });
    expect(sent[0]).toBe('GetCommand');
    expect(await store.get(ref('k3'))).toMatchObject({ version: 3, restricted: true });
  });

  it('modify writes with one read', async () => {
    await store.create({ ...ref('k4'), data: { n: 1 } });
    sent.length = 0;
    const modified = await store.modify<{ n: number }>(ref('k4'), (current) => ({ n: current.data.n + 1 }));
    expect(sent).toEqual(['GetCommand', 'UpdateCommand']);
    expect(modified).toMatchObject({ version: 2, data: { n: 2 } });
  });
});
