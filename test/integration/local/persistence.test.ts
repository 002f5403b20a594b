import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AwsClients } from '../../../adapters/aws-clients';
import { SqsQueueSender } from '../../../adapters/sqs/queue-sender';
import { startLocalRuntime } from '../../../local/runtime';
import { cloudifyEvent } from '../../../src/events/model';
import { QueueEventSink } from '../../../src/events/pipeline/queue-sink';
import type { LocalRuntime } from '../../../local/runtime';

// A persistent runtime (its own DynamoDB Local with a database file) stopped and started again
// on the same data folder keeps its DynamoDB items, its S3 objects, its admin password and the
// events sent before the stop.
let dataDir: string | undefined;
const folders: string[] = [];
const running: LocalRuntime[] = [];

afterAll(async () => {
  await Promise.all(running.map((runtime) => runtime.stop()));
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function newDataDir(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'stratus-persist-'));
  folders.push(folder);
  return folder;
}

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
    dataDir = await newDataDir();
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

  it('indexes every event already sent before it stops (the emulated queue does not survive)', async () => {
    dataDir = await newDataDir();
    const first = await start();
    const clients = new AwsClients(first.settings.aws);
    const sink = new QueueEventSink(new SqsQueueSender(clients.sqs, first.settings.config.queues));
    const scope = { tenant: 'default_tenant', executionId: 'ex-stop', workflowId: 'install', deploymentId: 'd1', blueprintId: 'b1' };
    // Many small messages right before the stop: the events poller takes them one batch at a time.
    const now = Date.now();
    await Promise.all(Array.from({ length: 60 }, (_, i) => sink.emit([cloudifyEvent(scope, 'workflow_node_event', `event ${i}`, {}, new Date(now + i))])));
    clients.destroy();
    await first.stop();

    const second = await start();
    const query = { tenants: ['default_tenant'], types: [], filters: { execution_id: ['ex-stop'] }, sort: [], size: 1000, offset: 0 };
    const { items } = await second.events.search(query);
    expect(items.map((event) => event.message)).toEqual(Array.from({ length: 60 }, (_, i) => `event ${i}`));
  }, 60000);
});
