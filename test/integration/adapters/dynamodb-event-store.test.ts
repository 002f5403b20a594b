/**
 * The engine's minimal event store on DynamoDB Local: the events of one emit are packed into one
 * item per execution (split when an item would pass ~300 KB), and read back one event at a time, in
 * the order of their own timestamps, then emitter and emit order, whatever items they came in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoEventStore } from '../../../adapters/dynamodb/event-store';
import { cloudifyEvent } from '../../../src/events/model';
import type { StoredEvent } from '../../../src/events/model';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;

beforeAll(async () => {
  table = await createModelTable();
});

afterAll(async () => {
  await table?.drop();
});

const scope = (executionId: string) => ({ tenant: 't1', executionId, workflowId: 'install', deploymentId: 'd1', blueprintId: 'b1' });
const at = (ms: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, 0, ms));
const event = (executionId: string, message: string, ms: number): StoredEvent => cloudifyEvent(scope(executionId), 'workflow_node_event', message, {}, at(ms));

async function itemCount(executionId: string): Promise<number> {
  const { Items } = await table.client.send(new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `EV#t1#${executionId}` } }));
  return Items?.length ?? 0;
}

describe('DynamoEventStore', () => {
  it('packs one emit into one item per execution and reads events back in time order', async () => {
    const first = new DynamoEventStore(table.client, table.name);
    const second = new DynamoEventStore(table.client, table.name);
    // Interleaved executions in one emit; a second emitter's events fall between the first's.
    await first.emit([event('e1', 'a', 10), event('e2', 'x', 11), event('e1', 'b', 30), event('e1', 'c', 30), event('e2', 'y', 40)]);
    await second.emit([event('e1', 'between', 20), event('e1', 'last', 50)]);
    expect(await itemCount('e1')).toBe(2);
    expect(await itemCount('e2')).toBe(1);
    expect((await first.forExecution('t1', 'e1')).map((e) => e.message)).toEqual(['a', 'between', 'b', 'c', 'last']);
    expect((await second.forExecution('t1', 'e2')).map((e) => e.message)).toEqual(['x', 'y']);
  });

  it('splits an emit whose events would not fit one item', async () => {
    const store = new DynamoEventStore(table.client, table.name);
    const big = 'x'.repeat(120_000);
    const events = Array.from({ length: 5 }, (_, i) => event('e3', `${i}:${big}`, i));
    await store.emit(events);
    // ~120 KB each, ~300 KB per item: two per item.
    expect(await itemCount('e3')).toBe(3);
    expect((await store.forExecution('t1', 'e3')).map((e) => e.message.split(':')[0])).toEqual(['0', '1', '2', '3', '4']);
  });
});
