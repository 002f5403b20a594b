/**
 * CombiningDocumentClient on DynamoDB Local: writes sent in the same turn of the event loop reach
 * DynamoDB as one TransactWriteItems (counted with a middleware on the raw client), and each caller
 * still gets exactly its own outcome: its condition failure as the error it would get alone, the
 * others applied; a request DynamoDB refuses as a whole falls back to one request per write.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CombiningDocumentClient, readBack } from '../../../adapters/dynamodb/combining-client';
import { loggedDynamoDbClient } from '../../support/logged-dynamodb';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let raw: DynamoDBClient;
let client: CombiningDocumentClient;
/** Requests sent: command name (without `Command`) and, for transactions, the number of items. */
let sent: string[] = [];

beforeAll(async () => {
  table = await createModelTable();
  raw = loggedDynamoDbClient(table.endpoint, (label) => void sent.push(label));
  client = new CombiningDocumentClient(raw, { marshallOptions: { removeUndefinedValues: true } });
});

afterAll(async () => {
  raw?.destroy();
  await table?.drop();
});

beforeEach(() => {
  sent = [];
});

let seq = 0;
const key = (name: string) => ({ pk: `combiner#${seq}`, sk: name });
beforeEach(() => {
  seq += 1;
});

const add = (name: string, by = 1, extra: Partial<ConstructorParameters<typeof UpdateCommand>[0]> = {}) =>
  new UpdateCommand({ TableName: table.name, Key: key(name), UpdateExpression: 'ADD n :by', ExpressionAttributeValues: { ':by': by }, ...extra });

const read = async (name: string) => (await table.client.send(new GetCommand({ TableName: table.name, Key: key(name), ConsistentRead: true }))).Item;

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (err) {
    return err;
  }
}

describe('CombiningDocumentClient', () => {
  it('sends one write alone as its own plain request', async () => {
    await client.send(add('a', 5));
    expect(sent).toEqual(['UpdateItem']);
    expect((await read('a'))?.n).toBe(5);
  });

  it('commits writes sent together as one transaction', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `w${i}`);
    await Promise.all([
      ...names.map((name, i) => client.send(add(name, i))),
      client.send(new PutCommand({ TableName: table.name, Item: { ...key('put'), v: 'x' } })),
      client.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table.name, Item: { ...key('t1'), v: 1 } } }, { Put: { TableName: table.name, Item: { ...key('t2'), v: 2 } } }] })),
    ]);
    expect(sent).toEqual(['TransactWriteItems(33)']);
    for (const [i, name] of names.entries()) expect((await read(name))?.n).toBe(i);
    expect((await read('put'))?.v).toBe('x');
    expect([(await read('t1'))?.v, (await read('t2'))?.v]).toEqual([1, 2]);
  });

  it('fails only the write whose condition is false, with the error it would get alone', async () => {
    await client.send(new PutCommand({ TableName: table.name, Item: { ...key('guarded'), n: 7 } }));
    sent = [];
    const [ok, refused, other] = await Promise.all([
      outcome(client.send(add('free', 1))),
      outcome(client.send(add('guarded', 1, { ConditionExpression: 'n = :zero', ExpressionAttributeValues: { ':by': 1, ':zero': 0 }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }))),
      outcome(client.send(add('free2', 2))),
    ]);
    expect(ok).not.toBeInstanceOf(Error);
    expect(other).not.toBeInstanceOf(Error);
    expect((refused as Error).name).toBe('ConditionalCheckFailedException');
    // ALL_OLD: the refused item as stored (raw attribute values, as the SDK gives them for a single write).
    expect((refused as { Item?: Record<string, unknown> }).Item?.n).toEqual({ N: '7' });
    expect((await read('guarded'))?.n).toBe(7);
    expect([(await read('free'))?.n, (await read('free2'))?.n]).toEqual([1, 2]);
    // The cancelled commit, then the two others again together.
    expect(sent).toEqual(['TransactWriteItems(3)', 'TransactWriteItems(2)']);
  });

  it('fails a transaction whose condition is false as a whole, with its own cancellation reasons', async () => {
    const transaction = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table.name, Item: { ...key('x1'), v: 1 } } },
        { Update: { TableName: table.name, Key: key('x2'), UpdateExpression: 'SET v = :v', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':v': 2 } } },
      ],
    });
    const [refused, ok] = await Promise.all([outcome(client.send(transaction)), outcome(client.send(add('y', 3)))]);
    expect((refused as Error).name).toBe('TransactionCanceledException');
    expect((refused as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(ok).not.toBeInstanceOf(Error);
    expect(await read('x1')).toBeUndefined();
    expect(await read('x2')).toBeUndefined();
    expect((await read('y'))?.n).toBe(3);
  });

  it('never puts one item twice in a commit: the second write waits for the next', async () => {
    await Promise.all([client.send(add('same', 1)), client.send(add('same', 10)), client.send(add('else', 1))]);
    expect(sent).toEqual(['TransactWriteItems(2)', 'UpdateItem']);
    expect((await read('same'))?.n).toBe(11);
  });

  it('splits more than 100 items into several commits', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `many${i}`);
    await Promise.all(names.map((name) => client.send(add(name))));
    expect(sent).toEqual(['TransactWriteItems(100)', 'TransactWriteItems(50)']);
    const values = await Promise.all(names.map(async (name) => (await read(name))?.n));
    expect(values.every((n) => n === 1)).toBe(true);
  });

  it('sends a transaction too big to share a commit alone, and the others without it', async () => {
    const big = 'x'.repeat(360_000);
    const transaction = new TransactWriteCommand({ TransactItems: Array.from({ length: 10 }, (_, i) => ({ Put: { TableName: table.name, Item: { ...key(`big${i}`), big } } })) });
    await Promise.all([client.send(transaction), client.send(add('small', 1)), client.send(add('small2', 1))]);
    expect(sent.sort()).toEqual(['TransactWriteItems(10)', 'TransactWriteItems(2)']);
    expect((await read('big9'))?.big).toBe(big);
    expect((await read('small2'))?.n).toBe(1);
  });

  it('sends each write alone when DynamoDB refuses the combined request as a whole', async () => {
    const broken = new UpdateCommand({ TableName: table.name, Key: key('broken'), UpdateExpression: 'SET v = :missing', ExpressionAttributeValues: { ':other': 1 } });
    const [refused, ok] = await Promise.all([outcome(client.send(broken)), outcome(client.send(add('fine', 4)))]);
    expect((refused as Error).name).toBe('ValidationException');
    expect(ok).not.toBeInstanceOf(Error);
    expect((await read('fine'))?.n).toBe(4);
    expect(sent).toEqual(['TransactWriteItems(2)', 'UpdateItem', 'UpdateItem']);
  });

  it('passes writes that return values through as they are', async () => {
    const [returned] = (await Promise.all([client.send(add('ret', 2, { ReturnValues: 'ALL_NEW' })), client.send(add('plain', 1))])) as [{ Attributes?: Record<string, unknown> }, unknown];
    expect(returned.Attributes?.n).toBe(2);
    expect(sent.sort()).toEqual(['UpdateItem', 'UpdateItem']);
  });
});

describe('CombiningDocumentClient: reads', () => {
  const get = (name: string, consistent = true) => client.send(new GetCommand({ TableName: table.name, Key: key(name), ConsistentRead: consistent })) as Promise<{ Item?: Record<string, unknown> }>;

  it('sends one read alone as a plain GetItem', async () => {
    await table.client.send(new PutCommand({ TableName: table.name, Item: { ...key('r'), v: 1 } }));
    expect((await get('r')).Item?.v).toBe(1);
    expect(sent).toEqual(['GetItem']);
  });

  it('reads sent together go as one BatchGetItem; a missing item reads as none, a key asked twice is read once', async () => {
    await Promise.all(['r1', 'r2', 'r3'].map((name, i) => table.client.send(new PutCommand({ TableName: table.name, Item: { ...key(name), v: i } }))));
    const [a, b, c, missing, again] = await Promise.all([get('r1'), get('r2'), get('r3'), get('nope'), get('r1')]);
    expect([a.Item?.v, b.Item?.v, c.Item?.v, again.Item?.v]).toEqual([0, 1, 2, 0]);
    expect(missing.Item).toBeUndefined();
    expect(sent).toEqual(['BatchGetItem']);
  });

  it('keeps strongly consistent and eventually consistent reads in separate batches', async () => {
    await Promise.all([get('x', true), get('y', true), get('x', false), get('y', false)]);
    expect(sent).toEqual(['BatchGetItem', 'BatchGetItem']);
  });

  it('answers a marked ALL_NEW update from a read after its combined write', async () => {
    const marked = readBack(add('rb', 2, { ReturnValues: 'ALL_NEW' }));
    const [returned] = (await Promise.all([client.send(marked), client.send(add('beside', 1))])) as [{ Attributes?: Record<string, unknown> }, unknown];
    expect(returned.Attributes).toMatchObject({ ...key('rb'), n: 2 });
    expect(sent).toEqual(['TransactWriteItems(2)', 'GetItem']);
  });

  it('sends a marked update alone as the atomic request it is', async () => {
    const returned = (await client.send(readBack(add('solo', 3, { ReturnValues: 'ALL_NEW' })))) as { Attributes?: Record<string, unknown> };
    expect(returned.Attributes?.n).toBe(3);
    expect(sent).toEqual(['UpdateItem']);
  });

  it('fails a marked update whose condition is false like any write', async () => {
    const refused = readBack(add('cond', 1, { ReturnValues: 'ALL_NEW', ConditionExpression: 'attribute_exists(pk)' }));
    const [error] = await Promise.all([outcome(client.send(refused)), client.send(add('fine', 1))]);
    expect((error as Error).name).toBe('ConditionalCheckFailedException');
    expect(await read('cond')).toBeUndefined();
  });
});
