/**
 * How the operation store keeps a task's spec on DynamoDB Local: written once, compressed (binary
 * `z`), so the item every transition rewrites stays small; items written before, with the spec as
 * plain JSON in `s`, are still read.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOperationStore } from '../../../adapters/dynamodb/operation-store';
import type { PersistedTask } from '../../../src/workflows/engine/persisted';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let store: DynamoOperationStore;
const key = { tenant: 't1', executionId: 'e1' };

beforeAll(async () => {
  table = await createModelTable();
  store = new DynamoOperationStore({ client: table.client, tableName: table.name });
});

afterAll(async () => {
  await table?.drop();
});

/** A segment-like spec: several steps of similar operations, as the install graph persists them. */
function segment(id: string, steps: number): PersistedTask {
  const operation = (n: number) => ({
    kind: 'operation',
    id: `${id}-op${n}`,
    node_id: 'app',
    node_instance_id: 'app_x1y2z3',
    operation: `cloudify.interfaces.lifecycle.step${n}`,
    implementation: 'stratus.ops.noop',
    inputs: { greeting: 'hello', port: 8080 },
    executor: 'central_deployment_agent',
  });
  return {
    id,
    kind: 'operation',
    task: operation(0),
    after: [],
    steps: Array.from({ length: steps }, (_, n) => ({ task: operation(n + 1), after: [] })),
    dependencies: ['before'],
    dependents: [['after', 1, false]],
    ignore_failure: false,
  } as unknown as PersistedTask;
}

describe('DynamoOperationStore task specs', () => {
  it('stores the spec compressed and reads it back whole', async () => {
    const task = segment('seg', 12);
    await store.putTasks(key, [task]);
    const { Item } = await table.client.send(new GetCommand({ TableName: table.name, Key: { pk: 'X#t1#e1', sk: 'T#seg' } }));
    expect(Item!.s).toBeUndefined();
    expect(Item!.z).toBeInstanceOf(Uint8Array);
    // The JSON repeats itself from step to step, so it shrinks several times over.
    expect((Item!.z as Uint8Array).length * 4).toBeLessThan(JSON.stringify(task).length);
    expect((await store.getTask(key, 'seg'))!.spec).toEqual(task);
    expect((await store.listTasks(key)).map((record) => record.spec)).toEqual([task]);
  });

  it('still reads a task whose spec was written as plain JSON', async () => {
    const task = segment('old', 2);
    await table.client.send(new PutCommand({ TableName: table.name, Item: { pk: 'X#t1#e2', sk: 'T#old', s: JSON.stringify(task), st: 'waiting', a: 0, r: 0 } }));
    const record = await store.getTask({ tenant: 't1', executionId: 'e2' }, 'old');
    expect(record).toMatchObject({ id: 'old', state: 'waiting', attempt: 0, spec: task });
  });
});
