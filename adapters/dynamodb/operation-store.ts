/**
 * The OperationStore port on the `operations` table (docs/engine.md):
 *
 * | item | pk | sk | gsi1pk / gsi1sk |
 * |---|---|---|---|
 * | execution header | `X#<tenant>#<execution>` | `#H` | `DUE` / `<claim end or re-send time>#<pk>#H` while `building` |
 * | task | `X#<tenant>#<execution>` | `T#<task id>` | `DUE` / `<until, 15 digits>#<pk>#<task id>` while queued or running |
 * | wake-up | `W#<tenant>#<execution>` | `W` | `DUE` / `<at>#<pk>#W` |
 *
 * A task's spec is written once, as its JSON compressed with raw deflate (binary `z`: a segment's
 * spec is often 5–10 KB of JSON, and every update of the task is billed, and in DynamoDB Local
 * parsed, by the size of the whole item; items written before had it plain, in `s`, and are still
 * read); its state is in small attributes
 * (`st` state, `a` attempt, `r` retries, `dn` string set of finished dependencies, `u` lease or
 * delay end; a segment's `stp` next step, `sb` attempt its step began at, `cnt` steps counted in
 * the header). Every transition is an UpdateItem conditional on the state and attempt it leaves.
 * Starts, claims and dependency records return the task as written (ALL_NEW); they are marked
 * `readBack`, which a combining client may answer with a read right after the write (safe for these
 * three: see docs/engine.md, "Request combining").
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  CompletionWrite,
  DependencyResult,
  ExecutionHeader,
  ExecutionKey,
  HeaderStatus,
  OperationStore,
  StartAs,
  StepWrite,
  TaskRecord,
  TaskState,
} from '../../src/ports/operation-store';
import { OPERATION_WAKE_PREFIX } from '../../src/config/resources';
import type { PersistedTask } from '../../src/workflows/engine/persisted';
import { readBack } from './combining-client';
import { isConditionFailure, withRetries } from './errors';

type Item = Record<string, unknown>;
type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };
const HEADER_SK = '#H';
const DUE = 'DUE';
const WAKE_SK = 'W';

export function executionPk(key: ExecutionKey): string {
  return `X#${key.tenant}#${key.executionId}`;
}

/** A wake-up's own partition (the REST API may put only these: src/config/resources.ts). */
function wakePk(key: ExecutionKey): string {
  return `${OPERATION_WAKE_PREFIX}${key.tenant}#${key.executionId}`;
}

function taskSk(id: string): string {
  return `T#${id}`;
}

function dueSk(until: number, pk: string, id: string): string {
  return `${String(Math.max(0, Math.floor(until))).padStart(15, '0')}#${pk}#${id}`;
}

/** Runs a conditional write: true when it applied, false when its condition was false. */
async function conditional(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await withRetries(work);
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

function headerFrom(item: Item): ExecutionHeader {
  return {
    tenant: item.tn as string,
    executionId: item.ex as string,
    deploymentId: (item.dep as string | undefined) ?? null,
    blueprintId: (item.bp as string | undefined) ?? null,
    workflowId: item.wf as string,
    status: item.st as HeaderStatus,
    outcome: (item.oc as ExecutionHeader['outcome'] | undefined) ?? null,
    builder: item.bld as string,
    builderUntil: item.bldU as number,
    totalOperations: (item.tot as number | undefined) ?? 0,
    finishedOperations: (item.fin as number | undefined) ?? 0,
    error: (item.err as string | undefined) ?? null,
    failedAt: (item.fat as number | undefined) ?? null,
    waitAfterFailMs: item.waf as number,
    maxRetries: item.mr as number,
    retryIntervalSeconds: item.ri as number,
    generation: (item.gen as number | undefined) ?? 0,
    ...(item.unb ? { unbuilt: true } : {}),
  };
}

function specItem(task: PersistedTask): { z: Uint8Array } {
  return { z: deflateRawSync(JSON.stringify(task)) };
}

function specFrom(item: Item): PersistedTask {
  const json = item.z instanceof Uint8Array ? inflateRawSync(item.z).toString('utf8') : (item.s as string);
  return JSON.parse(json) as PersistedTask;
}

function taskFrom(item: Item): TaskRecord {
  const done = item.dn as Set<string> | undefined;
  return {
    id: (item.sk as string).slice(2),
    spec: specFrom(item),
    state: item.st as TaskState,
    done: done ? [...done] : [],
    attempt: (item.a as number | undefined) ?? 0,
    retries: (item.r as number | undefined) ?? 0,
    step: (item.stp as number | undefined) ?? 0,
    stepAttempt: (item.sb as number | undefined) ?? 1,
    counted: (item.cnt as number | undefined) ?? 0,
    until: (item.u as number | undefined) ?? null,
    startedAt: (item.sa as number | undefined) ?? null,
    endedAt: (item.ea as number | undefined) ?? null,
    error: (item.err as string | undefined) ?? null,
  };
}

export interface DynamoOperationStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Called once per DynamoDB request (the benchmark counts them). */
  onRequest?: () => void;
}

export class DynamoOperationStore implements OperationStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly count: () => void;

  constructor(options: DynamoOperationStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.count = options.onRequest ?? (() => {});
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private send<T = unknown>(command: any): Promise<T> {
    this.count();
    return this.client.send(command) as Promise<T>;
  }

  async createHeader(header: ExecutionHeader): Promise<boolean> {
    const item: Item = {
      pk: executionPk(header),
      sk: HEADER_SK,
      tn: header.tenant,
      ex: header.executionId,
      dep: header.deploymentId ?? undefined,
      bp: header.blueprintId ?? undefined,
      wf: header.workflowId,
      st: header.status,
      bld: header.builder,
      bldU: header.builderUntil,
      tot: header.totalOperations,
      fin: 0,
      waf: header.waitAfterFailMs,
      mr: header.maxRetries,
      ri: header.retryIntervalSeconds,
      gen: header.generation,
      // A build claim is indexed as due when it ends: the sweeper re-sends the start of a build that never finished.
      ...(header.status === 'building' ? { gsi1pk: DUE, gsi1sk: dueSk(header.builderUntil, executionPk(header), 'H') } : {}),
    };
    return conditional(() => this.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })));
  }

  async getHeader(key: ExecutionKey): Promise<ExecutionHeader | undefined> {
    const { Item } = await withRetries(() => this.send<{ Item?: Item }>(new GetCommand({ TableName: this.table, Key: { pk: executionPk(key), sk: HEADER_SK }, ConsistentRead: true })));
    return Item ? headerFrom(Item) : undefined;
  }

  takeOverBuild(key: ExecutionKey, builder: string, until: number, now: number): Promise<boolean> {
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: executionPk(key), sk: HEADER_SK },
          UpdateExpression: 'SET bld = :b, bldU = :u, gsi1pk = :due, gsi1sk = :dsk',
          ConditionExpression: 'st = :building AND bldU < :now',
          ExpressionAttributeValues: { ':b': builder, ':u': until, ':building': 'building', ':now': now, ':due': DUE, ':dsk': dueSk(until, executionPk(key), 'H') },
        }),
      ),
    );
  }

  holdBuild(key: ExecutionKey, builder: string, until: number): Promise<boolean> {
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: executionPk(key), sk: HEADER_SK },
          UpdateExpression: 'SET bldU = :u, gsi1pk = :due, gsi1sk = :dsk',
          ConditionExpression: 'st = :building AND bld = :b',
          ExpressionAttributeValues: { ':b': builder, ':u': until, ':building': 'building', ':due': DUE, ':dsk': dueSk(until, executionPk(key), 'H') },
        }),
      ),
    );
  }

  touchBuildDue(key: ExecutionKey, now: number, until: number): Promise<boolean> {
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: executionPk(key), sk: HEADER_SK },
          UpdateExpression: 'SET gsi1pk = :due, gsi1sk = :dsk',
          ConditionExpression: 'st = :building AND bldU < :now',
          ExpressionAttributeValues: { ':building': 'building', ':now': now, ':due': DUE, ':dsk': dueSk(until, executionPk(key), 'H') },
        }),
      ),
    );
  }

  async dueBuilds(now: number, limit: number): Promise<ExecutionKey[]> {
    return (await this.due(now, limit)).filter((item) => item.sk === HEADER_SK).map((item) => {
      const [, tenant, executionId] = (item.pk as string).split('#');
      return { tenant, executionId };
    });
  }

  async putTasks(key: ExecutionKey, tasks: PersistedTask[]): Promise<void> {
    const pk = executionPk(key);
    const items = tasks.map((task) => ({ PutRequest: { Item: { pk, sk: taskSk(task.id), ...specItem(task), st: 'waiting', a: 0, r: 0 } } }));
    const chunks: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    // A few chunks in flight at once: a 13,000-task graph is ~520 requests.
    const inFlight = 8;
    for (let i = 0; i < chunks.length; i += inFlight) {
      await Promise.all(chunks.slice(i, i + inFlight).map((chunk) => this.writeChunk(chunk)));
    }
  }

  async deleteTasks(key: ExecutionKey, taskIds: string[]): Promise<void> {
    const pk = executionPk(key);
    const requests = taskIds.map((id) => ({ DeleteRequest: { Key: { pk, sk: taskSk(id) } } }));
    for (let i = 0; i < requests.length; i += 25) await this.writeChunk(requests.slice(i, i + 25));
  }

  private async writeChunk(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let round = 0; pending.length > 0; round++) {
      const result = await withRetries(() => this.send<{ UnprocessedItems?: Record<string, WriteRequest[]> }>(new BatchWriteCommand({ RequestItems: { [this.table]: pending } })));
      pending = result.UnprocessedItems?.[this.table] ?? [];
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** round)));
    }
  }

  finishBuild(key: ExecutionKey, builder: string, totalOperations: number): Promise<boolean> {
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: executionPk(key), sk: HEADER_SK },
          UpdateExpression: 'SET st = :running, tot = :tot REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'st = :building AND bld = :b',
          ExpressionAttributeValues: { ':running': 'running', ':tot': totalOperations, ':building': 'building', ':b': builder },
        }),
      ),
    );
  }

  addOperations(key: ExecutionKey, name: string, count: number): Promise<boolean> {
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: executionPk(key), sk: HEADER_SK },
          UpdateExpression: 'SET #added = :count ADD tot :count',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#added)',
          ExpressionAttributeNames: { '#added': `added_${name}` },
          ExpressionAttributeValues: { ':count': count },
        }),
      ),
    );
  }

  async getTask(key: ExecutionKey, taskId: string): Promise<TaskRecord | undefined> {
    const { Item } = await withRetries(() => this.send<{ Item?: Item }>(new GetCommand({ TableName: this.table, Key: { pk: executionPk(key), sk: taskSk(taskId) }, ConsistentRead: true })));
    return Item ? taskFrom(Item) : undefined;
  }

  async listTasks(key: ExecutionKey): Promise<TaskRecord[]> {
    const tasks: TaskRecord[] = [];
    let start: Item | undefined;
    do {
      const page = await withRetries(() =>
        this.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
            ExpressionAttributeValues: { ':pk': executionPk(key), ':t': 'T#' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of page.Items ?? []) tasks.push(taskFrom(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return tasks;
  }

  /** SET clauses and values that put a task in `to` (indexed as due while queued or running). */
  private startClauses(pk: string, taskId: string, to: StartAs): { set: string; values: Item } {
    // Queued tasks sent now are due again after a grace period (a lost send is re-sent by the sweeper).
    const until = to.until ?? to.now;
    return {
      set: 'st = :to, a = :a, u = :u, gsi1pk = :due, gsi1sk = :dsk' + (to.state === 'running' ? ', sa = :now' : ''),
      values: { ':to': to.state, ':a': to.attempt, ':u': until, ':due': DUE, ':dsk': dueSk(until, pk, taskId), ...(to.state === 'running' ? { ':now': to.now } : {}) },
    };
  }

  async recordDependency(key: ExecutionKey, taskId: string, dependencyId: string, dependencies: number, startAs: StartAs | null): Promise<DependencyResult> {
    const pk = executionPk(key);
    const Key = { pk, sk: taskSk(taskId) };
    try {
      if (dependencies === 1 && startAs) {
        const start = this.startClauses(pk, taskId, startAs);
        const { Attributes: started } = await withRetries(() =>
          this.send<{ Attributes?: Item }>(
            readBack(new UpdateCommand({
              TableName: this.table,
              Key,
              UpdateExpression: `SET ${start.set} ADD dn :id`,
              ConditionExpression: 'st = :waiting AND attribute_not_exists(dn)',
              ExpressionAttributeValues: { ...start.values, ':id': new Set([dependencyId]), ':waiting': 'waiting' },
              ReturnValues: 'ALL_NEW',
            })),
          ),
        );
        return { recorded: true, state: startAs.state, doneCount: 1, attempt: startAs.attempt, ...(started ? { started: taskFrom(started) } : {}) };
      }
      const { Attributes } = await withRetries(() =>
        this.send<{ Attributes?: Item }>(
          readBack(
            new UpdateCommand({
              TableName: this.table,
              Key,
              UpdateExpression: 'ADD dn :id',
              ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(dn) OR NOT contains(dn, :one))',
              ExpressionAttributeValues: { ':id': new Set([dependencyId]), ':one': dependencyId },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        ),
      );
      if (!Attributes) throw new Error(`Task ${taskId} of execution ${key.executionId} vanished after its dependency was recorded`);
      const record = taskFrom(Attributes);
      return { recorded: true, state: record.state, doneCount: record.done.length, attempt: record.attempt };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const record = await this.getTask(key, taskId);
      if (!record) throw new Error(`Task ${taskId} of execution ${key.executionId} does not exist`);
      return { recorded: false, state: record.state, doneCount: record.done.length, attempt: record.attempt };
    }
  }

  async startTask(key: ExecutionKey, taskId: string, from: { state: TaskState; attempt: number }, to: StartAs): Promise<TaskRecord | undefined> {
    const pk = executionPk(key);
    const start = this.startClauses(pk, taskId, to);
    let started: Item | undefined;
    const applied = await conditional(async () => {
      const result = await this.send<{ Attributes?: Item }>(
        readBack(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk, sk: taskSk(taskId) },
            UpdateExpression: `SET ${start.set}`,
            ConditionExpression: 'st = :from AND a = :fromA',
            ExpressionAttributeValues: { ...start.values, ':from': from.state, ':fromA': from.attempt },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      started = result.Attributes;
    });
    return applied && started ? taskFrom(started) : undefined;
  }

  async claim(key: ExecutionKey, taskId: string, attempt: number, leaseUntil: number, now: number): Promise<TaskRecord | undefined> {
    const pk = executionPk(key);
    let claimed: Item | undefined;
    const applied = await conditional(async () => {
      const result = await this.send<{ Attributes?: Item }>(
        readBack(
          new UpdateCommand({
            ReturnValues: 'ALL_NEW',
            TableName: this.table,
            Key: { pk, sk: taskSk(taskId) },
            UpdateExpression: 'SET st = :running, u = :u, sa = :now, gsi1sk = :dsk',
            ConditionExpression: 'st = :queued AND a = :a',
            ExpressionAttributeValues: { ':running': 'running', ':u': leaseUntil, ':now': now, ':dsk': dueSk(leaseUntil, pk, taskId), ':queued': 'queued', ':a': attempt },
          }),
        ),
      );
      claimed = result.Attributes;
    });
    return applied && claimed ? taskFrom(claimed) : undefined;
  }

  extendLease(key: ExecutionKey, taskId: string, attempt: number, until: number): Promise<boolean> {
    // Never shortens a lease (a late renewal after a longer one).
    return this.moveDue(key, taskId, until, 'st = :running AND a = :a AND u < :u', { ':running': 'running', ':a': attempt });
  }

  touchDue(key: ExecutionKey, taskId: string, attempt: number, until: number): Promise<boolean> {
    return this.moveDue(key, taskId, until, 'st = :queued AND a = :a', { ':queued': 'queued', ':a': attempt });
  }

  /** Moves a task's due time (`u`, and its place in the DUE index) when `condition` holds. */
  private moveDue(key: ExecutionKey, taskId: string, until: number, condition: string, values: Item): Promise<boolean> {
    const pk = executionPk(key);
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk, sk: taskSk(taskId) },
          UpdateExpression: 'SET u = :u, gsi1sk = :dsk',
          ConditionExpression: condition,
          ExpressionAttributeValues: { ':u': until, ':dsk': dueSk(until, pk, taskId), ...values },
        }),
      ),
    );
  }

  async retire(key: ExecutionKey, taskId: string): Promise<void> {
    await withRetries(() =>
      this.send(new UpdateCommand({ TableName: this.table, Key: { pk: executionPk(key), sk: taskSk(taskId) }, UpdateExpression: 'REMOVE gsi1pk, gsi1sk' })),
    );
  }

  async setWake(key: ExecutionKey, at: number): Promise<void> {
    const pk = wakePk(key);
    // Only these attributes: the REST API may put nothing else (src/config/resources.ts, operationWakes).
    await withRetries(() => this.send(new PutCommand({ TableName: this.table, Item: { pk, sk: WAKE_SK, gsi1pk: DUE, gsi1sk: dueSk(at, pk, WAKE_SK) } })));
  }

  touchWake(key: ExecutionKey, now: number, until: number): Promise<boolean> {
    const pk = wakePk(key);
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk, sk: WAKE_SK },
          UpdateExpression: 'SET gsi1sk = :dsk',
          ConditionExpression: 'gsi1pk = :due AND gsi1sk < :now',
          ExpressionAttributeValues: { ':due': DUE, ':now': dueSk(now, '', ''), ':dsk': dueSk(until, pk, WAKE_SK) },
        }),
      ),
    );
  }

  async clearWake(key: ExecutionKey): Promise<void> {
    await withRetries(() => this.send(new DeleteCommand({ TableName: this.table, Key: { pk: wakePk(key), sk: WAKE_SK } })));
  }

  async dueWakes(now: number, limit: number): Promise<ExecutionKey[]> {
    return (await this.due(now, limit)).filter((item) => item.sk === WAKE_SK).map((item) => {
      const [, tenant, executionId] = (item.pk as string).split('#');
      return { tenant, executionId };
    });
  }

  private async due(now: number, limit: number): Promise<Item[]> {
    const { Items } = await withRetries(() =>
      this.send<{ Items?: Item[] }>(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :due AND gsi1sk < :now',
          ExpressionAttributeValues: { ':due': DUE, ':now': dueSk(now, '', '') },
          Limit: limit,
        }),
      ),
    );
    return Items ?? [];
  }

  complete(write: CompletionWrite): Promise<boolean> {
    const pk = executionPk(write.key);
    const headerValues: Item = { ':inc': write.operations, ':running': 'running', ':cancelling': 'cancelling' };
    let headerUpdate = 'ADD fin :inc';
    if (write.failExecution) {
      headerUpdate = 'SET err = if_not_exists(err, :err), fat = if_not_exists(fat, :now) ADD fin :inc';
      headerValues[':err'] = write.executionError ?? write.error ?? 'failed';
      headerValues[':now'] = write.now;
    }
    return conditional(() =>
      this.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { pk, sk: taskSk(write.taskId) },
                // `cnt` keeps what this task added to the header, so a resumed task never counts an operation twice.
                UpdateExpression: 'SET st = :st, ea = :now, err = :err, cnt = if_not_exists(cnt, :zero) + :inc REMOVE gsi1pk, gsi1sk, u',
                ConditionExpression: 'st = :running AND a = :a',
                ExpressionAttributeValues: { ':st': write.outcome, ':now': write.now, ':err': write.error, ':running': 'running', ':a': write.attempt, ':zero': 0, ':inc': write.operations },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: { pk, sk: HEADER_SK },
                UpdateExpression: headerUpdate,
                ConditionExpression: 'st IN (:running, :cancelling)',
                ExpressionAttributeValues: headerValues,
              },
            },
          ],
        }),
      ),
    );
  }

  advanceStep(write: StepWrite): Promise<boolean> {
    const pk = executionPk(write.key);
    const start = this.startClauses(pk, write.taskId, write.to);
    const counting = write.count > 0;
    const sets = [start.set, 'stp = :next', 'sb = :sb', 'r = :zero', ...(counting ? ['cnt = if_not_exists(cnt, :zero) + :count'] : [])];
    const task = {
      TableName: this.table,
      Key: { pk, sk: taskSk(write.taskId) },
      UpdateExpression: `SET ${sets.join(', ')}`,
      // Step 0 of a task never advanced has no `stp` yet; `:held` is the attempt it must be at.
      ConditionExpression: `st = :running AND a = :held AND ${write.from === 0 ? '(attribute_not_exists(stp) OR stp = :from)' : 'stp = :from'}`,
      ExpressionAttributeValues: { ...start.values, ':next': write.step, ':sb': write.to.attempt, ':zero': 0, ':running': 'running', ':held': write.attempt, ':from': write.from, ...(counting ? { ':count': write.count } : {}) },
    };
    if (!counting) return conditional(() => this.send(new UpdateCommand(task)));
    return conditional(() =>
      this.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: task },
            {
              Update: {
                TableName: this.table,
                Key: { pk, sk: HEADER_SK },
                UpdateExpression: 'ADD fin :inc',
                ConditionExpression: 'st IN (:running, :cancelling)',
                ExpressionAttributeValues: { ':inc': write.count, ':running': 'running', ':cancelling': 'cancelling' },
              },
            },
          ],
        }),
      ),
    );
  }

  reschedule(key: ExecutionKey, taskId: string, attempt: number, retries: number, error: string, until: number | null, step?: { step: number; stepAttempt: number }): Promise<boolean> {
    const pk = executionPk(key);
    const due = until ?? Date.now();
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk, sk: taskSk(taskId) },
          UpdateExpression: 'SET st = :queued, a = :next, r = :r, err = :err, u = :u, gsi1pk = :due, gsi1sk = :dsk' + (step ? ', stp = :stp, sb = :sb' : ''),
          ConditionExpression: 'st = :running AND a = :a',
          ExpressionAttributeValues: {
            ':queued': 'queued', ':next': attempt + 1, ':r': retries, ':err': error, ':u': due, ':due': DUE, ':dsk': dueSk(due, pk, taskId), ':running': 'running', ':a': attempt,
            ...(step ? { ':stp': step.step, ':sb': step.stepAttempt } : {}),
          },
        }),
      ),
    );
  }

  setHeaderStatus(key: ExecutionKey, from: HeaderStatus[], to: HeaderStatus, extra: { outcome?: ExecutionHeader['outcome']; markFailedAt?: boolean; unbuilt?: boolean } = {}): Promise<boolean> {
    const values: Item = { ':to': to };
    from.forEach((status, i) => (values[`:f${i}`] = status));
    let update = 'SET st = :to';
    if (extra.markFailedAt) {
      update += ', fat = if_not_exists(fat, :fat)';
      values[':fat'] = Date.now();
    }
    if (extra.outcome) {
      update += ', oc = :oc';
      values[':oc'] = extra.outcome;
    }
    if (extra.unbuilt) update += ', unb = :unb';
    if (extra.unbuilt) values[':unb'] = true;
    // Ended: no longer due (a build that never finished is indexed while `building`).
    if (to === 'done') update += ' REMOVE gsi1pk, gsi1sk';
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: executionPk(key), sk: HEADER_SK },
          UpdateExpression: update,
          ConditionExpression: `st IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  resumeHeader(key: ExecutionKey, generation: number): Promise<boolean> {
    return conditional(() =>
      this.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: executionPk(key), sk: HEADER_SK },
          UpdateExpression: 'SET st = :running, gen = :gen REMOVE err, fat, oc',
          ConditionExpression: 'st = :done AND gen = :prev',
          ExpressionAttributeValues: { ':running': 'running', ':gen': generation, ':done': 'done', ':prev': generation - 1 },
        }),
      ),
    );
  }

  async dueTasks(now: number, limit: number): Promise<{ key: ExecutionKey; taskId: string }[]> {
    return (await this.due(now, limit)).filter((item) => (item.sk as string).startsWith('T#')).map((item) => {
      const [, tenant, executionId] = (item.pk as string).split('#');
      return { key: { tenant, executionId }, taskId: (item.sk as string).slice(2) };
    });
  }
}
