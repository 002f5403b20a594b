/**
 * What DynamoDB Local's JVM spends per request and per item, the cost model behind the engine's
 * figures (bench/RESULTS.md, "Workflow engine, round 7"): transactions of 1, 10 and 25 conditional
 * updates, unconditional updates, conditional puts of small, 1.5 KB and 6 KB items, and batch reads
 * of 10 items, on a table without indexes and one with two GSIs (like the model table). Each case
 * runs 400 requests from 8 concurrent callers, interleaved with the others, 4 warm-up rounds then 4
 * measured; printed: the JVM's CPU time (from /proc) per request, median of the measured rounds.
 *
 *   npm run bench:dynamodb-local
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeDefinition, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { defaultJarCacheDir, ensureDynamoDbLocalJar } from '../local/dynamodb-jar';
import { startDynamoDbLocal } from '../local/dynamodb-local';

const REQUESTS = 400;
const CALLERS = 8;
const ITEMS = 400;

const ddb = await startDynamoDbLocal({ jar: await ensureDynamoDbLocalJar(defaultJarCacheDir(path.resolve('.'))) });
const raw = new DynamoDBClient({ region: 'us-east-1', endpoint: ddb.endpoint, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
const doc = DynamoDBDocumentClient.from(raw);

/** CPU milliseconds the JVM has used (user + system, from /proc). */
function jvmCpuMs(): number {
  const fields = readFileSync(`/proc/${ddb.javaPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function createTable(name: string, indexes: number): Promise<void> {
  const gsis: GlobalSecondaryIndex[] = Array.from({ length: indexes }, (_, i) => ({
    IndexName: `gsi${i + 1}`,
    KeySchema: [{ AttributeName: `gsi${i + 1}pk`, KeyType: 'HASH' }, { AttributeName: `gsi${i + 1}sk`, KeyType: 'RANGE' }],
    Projection: { ProjectionType: 'ALL' },
  }));
  const names = ['pk', 'sk', ...gsis.flatMap((gsi) => gsi.KeySchema!.map((key) => key.AttributeName!))];
  const attributes: AttributeDefinition[] = names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
  await raw.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: attributes, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], ...(indexes ? { GlobalSecondaryIndexes: gsis } : {}) }));
}

const bytes = (size: number) => new Uint8Array(size).map((_, i) => (i * 7919) % 251);
const key = (i: number) => ({ pk: `P#${i % 20}`, sk: `T#${i % ITEMS}` });
const item = (i: number, payload?: Uint8Array) => ({ ...key(i), st: 'waiting', a: 1, gsi1pk: 'DUE', gsi1sk: `${1000 + i}`, gsi2pk: 'X', gsi2sk: `${i}`, x: i, ...(payload ? { z: payload } : {}) });

type Case = [label: string, request: (i: number) => Promise<unknown>];
function cases(table: string): Case[] {
  const transaction = (n: number, entry: (i: number) => object) => (i: number) => doc.send(new TransactWriteCommand({ TransactItems: Array.from({ length: n }, (_, k) => entry(i * n + k)) }));
  const conditionalUpdate = (i: number) => ({ Update: { TableName: table, Key: key(i), UpdateExpression: 'SET x = :x', ConditionExpression: 'st = :w', ExpressionAttributeValues: { ':x': i, ':w': 'waiting' } } });
  const conditionalPut = (payload?: Uint8Array) => (i: number) => ({ Put: { TableName: table, Item: item(i, payload), ConditionExpression: 'st = :w', ExpressionAttributeValues: { ':w': 'waiting' } } });
  return [
    [`${table}: transaction of 1 conditional update`, transaction(1, conditionalUpdate)],
    [`${table}: transaction of 10 conditional updates`, transaction(10, conditionalUpdate)],
    [`${table}: transaction of 25 conditional updates`, transaction(25, conditionalUpdate)],
    [`${table}: transaction of 10 conditional updates moving an index key`, transaction(10, (i) => ({ Update: { TableName: table, Key: key(i), UpdateExpression: 'SET x = :x, gsi1sk = :k', ConditionExpression: 'st = :w', ExpressionAttributeValues: { ':x': i, ':k': `${2000 + i}`, ':w': 'waiting' } } }))],
    [`${table}: transaction of 10 plain updates`, transaction(10, (i) => ({ Update: { TableName: table, Key: key(i), UpdateExpression: 'SET x = :x', ExpressionAttributeValues: { ':x': i } } }))],
    [`${table}: transaction of 10 conditional puts, small`, transaction(10, conditionalPut())],
    [`${table}: transaction of 10 conditional puts, 1.5 KB`, transaction(10, conditionalPut(bytes(1500)))],
    [`${table}: transaction of 10 conditional puts, 6 KB`, transaction(10, conditionalPut(bytes(6000)))],
    [`${table}: batch read of 10 items`, (i) => doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: Array.from({ length: 10 }, (_, k) => key(i * 10 + k)), ConsistentRead: true } } }))],
  ];
}

async function round(request: (i: number) => Promise<unknown>): Promise<number> {
  const before = jvmCpuMs();
  let next = 0;
  await Promise.all(Array.from({ length: CALLERS }, async () => {
    while (next < REQUESTS) await request(next++);
  }));
  return (jvmCpuMs() - before) / REQUESTS;
}

try {
  const all: Case[] = [];
  for (const [table, indexes] of [['bench-no-index', 0], ['bench-two-gsis', 2]] as const) {
    await createTable(table, indexes);
    for (let i = 0; i < ITEMS; i++) await doc.send(new PutCommand({ TableName: table, Item: item(i, bytes(1500)) }));
    all.push(...cases(table));
  }
  for (let warm = 0; warm < 4; warm++) for (const [, request] of all) await round(request);
  const measured = new Map<string, number[]>();
  for (let r = 0; r < 4; r++) for (const [label, request] of all) measured.set(label, [...(measured.get(label) ?? []), await round(request)]);
  console.log(`DynamoDB Local JVM CPU per request (${REQUESTS} requests, ${CALLERS} callers; median of 4 rounds, with the 4 values):`);
  for (const [label, values] of measured) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`  ${label.padEnd(58)} ${((sorted[1] + sorted[2]) / 2).toFixed(2)} ms   (${values.map((v) => v.toFixed(2)).join(' ')})`);
  }
} finally {
  raw.destroy();
  await ddb.stop();
}
