import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalRuntime } from '../../../local/runtime';
import type { LocalRuntime } from '../../../local/runtime';

// A persistent runtime (its own DynamoDB Local with a database file) stopped and started again
// on the same data folder keeps its DynamoDB items, its S3 objects and its admin password.
let dataDir: string | undefined;
const running: LocalRuntime[] = [];

afterAll(async () => {
  await Promise.all(running.map((runtime) => runtime.stop()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<LocalRuntime> {
  const runtime = await startLocalRuntime({ port: 0, dataDir, scheduleMinutes: 0, logLevel: 'SILENT' });
  running.push(runtime);
  return runtime;
}

function clients(runtime: LocalRuntime) {
  const { region, credentials, endpoints } = runtime.settings.aws;
  return {
    documents: DynamoDBDocumentClient.from(new DynamoDBClient({ region, credentials, endpoint: endpoints!.dynamodb })),
    s3: new S3Client({ region, credentials, endpoint: endpoints!.s3, forcePathStyle: true }),
  };
}

describe('persistence in the data folder', () => {
  it('keeps DynamoDB items, S3 objects and the admin password across a restart, and refuses a second runtime', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'stratus-persist-'));
    const first = await start();
    const table = first.resources.tables.model;
    const bucket = first.resources.buckets.resources;
    const key = 'blueprints/demo/archive ü.tar.gz';
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    let c = clients(first);
    await c.documents.send(new PutCommand({ TableName: table, Item: { pk: 'BLUEPRINT#demo', sk: 'META', state: 'uploaded' } }));
    await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'application/gzip', Metadata: { owner: 'admin' } }));
    c.documents.destroy();
    c.s3.destroy();

    await expect(startLocalRuntime({ port: 0, dataDir, scheduleMinutes: 0 })).rejects.toThrow(/Another Stratus runtime/);

    await first.stop();
    const second = await start();
    expect(second.admin.password).toBe(first.admin.password);
    expect(second.admin.source).toBe('file');
    c = clients(second);
    const { Item } = await c.documents.send(new GetCommand({ TableName: table, Key: { pk: 'BLUEPRINT#demo', sk: 'META' } }));
    expect(Item).toEqual({ pk: 'BLUEPRINT#demo', sk: 'META', state: 'uploaded' });
    const object = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(bytes)).toBe(true);
    expect(object.ContentType).toBe('application/gzip');
    expect(object.Metadata).toEqual({ owner: 'admin' });
    c.documents.destroy();
    c.s3.destroy();
  }, 60000);
});
