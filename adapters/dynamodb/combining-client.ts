/**
 * A document client that sends concurrent requests together (docs/engine.md, "Request combining").
 *
 * Writes: single-item writes (Put, Update, Delete without ReturnValues) and transactions sent in the
 * same turn of the event loop, or while earlier commits are in flight, are committed as one
 * TransactWriteItems. Each caller still sees exactly its own outcome: a group whose condition
 * failed gets the error it would have got alone (ConditionalCheckFailedException for a single
 * write, TransactionCanceledException with its own reasons for a transaction), and the groups that
 * a failure cancelled with it are sent again in the next commit (nothing of theirs was written).
 * Anything else that goes wrong with a combined commit sends each group alone.
 *
 * Reads: plain GetItem requests (key and consistency only) go out together as one BatchGetItem.
 *
 * Read-back: an UpdateItem with ReturnValues ALL_NEW that its adapter marked with `readBack` is
 * combined like any write and then answered with a consistent read of its item, which can show
 * writes made after it. Only for callers that hold the item after their write (or whose next write
 * is conditional anyway); unmarked, ALL_NEW stays one atomic request.
 *
 * Why: against DynamoDB Local every request costs about a millisecond of CPU on each side, and the
 * engine runs on the same cores; an item inside a 25-item transaction costs about 0.4 ms in all.
 * In AWS a transactional write costs twice the capacity of a plain one, so this is for the local
 * runtime (aws-settings.ts: on when DynamoDB has an explicit endpoint).
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { CancellationReason, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TranslateConfig, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { CommitQueue } from './commit-queue';
import { cancellationReasons } from './errors';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

/** DynamoDB's limits for one TransactWriteItems (with room for the request's own framing) and one BatchGetItem. */
const MAX_ITEMS = 100;
const MAX_BYTES = 3_500_000;
const MAX_READS = 100;
/** A request given back this often (conflicts, unprocessed keys) is sent alone. */
const MAX_REQUEUES = 5;

const marked = new WeakSet<object>();

/** Lets a combining client answer this ALL_NEW update with a read after its write (see above). */
export function readBack<T extends object>(command: T): T {
  marked.add(command);
  return command;
}

export interface CombiningOptions {
  /** Commits in flight at once, for writes and for reads; more wait for the next one. Default 4. */
  maxInFlight?: number;
  /** The key attributes of every table this client uses (Put items carry their key). Default pk, sk. */
  keyAttributes?: string[];
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface WriteGroup extends Waiter {
  command: unknown;
  items: TransactItem[];
  keys: string[];
  bytes: number;
  /** A single-item command (its condition failure is a ConditionalCheckFailedException). */
  single: boolean;
  /** Answered with the item read after the write (a marked ALL_NEW update, its only item). */
  readBack: boolean;
  requeues: number;
}

interface Read {
  TableName: string;
  Key: Item;
  consistent: boolean;
  /** The item's key (keyOf). */
  key: string;
  waiters: Waiter[];
  requeues: number;
}

const SINGLE_ITEM_FIELDS = new Set(['TableName', 'Key', 'Item', 'UpdateExpression', 'ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues', 'ReturnValuesOnConditionCheckFailure']);

/** The transaction item a single-item command stands for, or undefined when it cannot ride in one. */
function asTransactItem(command: unknown): TransactItem | undefined {
  const { ReturnValues, ...input } = ((command as { input?: Item }).input ?? {}) as Item;
  if (ReturnValues !== undefined && !(ReturnValues === 'ALL_NEW' && marked.has(command as object))) return undefined;
  if (Object.keys(input).some((field) => !SINGLE_ITEM_FIELDS.has(field))) return undefined;
  if (command instanceof UpdateCommand && input.UpdateExpression) return { Update: input } as TransactItem;
  if (ReturnValues !== undefined) return undefined;
  if (command instanceof PutCommand) return { Put: input } as TransactItem;
  if (command instanceof DeleteCommand) return { Delete: input } as TransactItem;
  return undefined;
}

export class CombiningDocumentClient extends DynamoDBDocumentClient {
  private readonly keyAttributes: string[];
  private readonly writes: CommitQueue<WriteGroup>;
  private readonly reads: CommitQueue<Read>;

  constructor(client: DynamoDBClient, translateConfig?: TranslateConfig, options: CombiningOptions = {}) {
    super(client, translateConfig);
    this.keyAttributes = options.keyAttributes ?? ['pk', 'sk'];
    const inFlight = options.maxInFlight ?? 4;
    this.writes = new CommitQueue({ take: (pending) => this.takeWrites(pending), commit: (batch) => this.commitWrites(batch) }, inFlight);
    this.reads = new CommitQueue({ take: (pending) => this.takeReads(pending), commit: (batch) => this.commitReads(batch) }, inFlight);
  }

  // The overloads of Client.send all end here; only an awaited send without options is combined.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override send(command: any, options?: any, callback?: any): any {
    if (options !== undefined || callback !== undefined) return super.send(command, options, callback);
    if (command instanceof GetCommand) {
      const read = this.readOf(command.input as Item);
      return read ? this.read(read).then((item) => (item === undefined ? {} : { Item: item })) : super.send(command);
    }
    const group = this.groupOf(command);
    if (!group) return super.send(command);
    return new Promise((resolve, reject) => this.writes.push({ ...group, resolve, reject }));
  }

  private keyOf(table: unknown, key: Item | undefined): string | undefined {
    if (typeof table !== 'string' || !key || this.keyAttributes.some((name) => key[name] === undefined)) return undefined;
    return [table, ...this.keyAttributes.map((name) => String(key[name]))].join('\u0000');
  }

  // ----- writes -----

  private groupOf(command: unknown): Omit<WriteGroup, 'resolve' | 'reject'> | undefined {
    let items: TransactItem[] | undefined;
    let single = false;
    if (command instanceof TransactWriteCommand) {
      const input = command.input as Item;
      if (Object.keys(input).some((field) => field !== 'TransactItems')) return undefined;
      items = input.TransactItems as TransactItem[];
    } else {
      const item = asTransactItem(command);
      if (item) items = [item];
      single = true;
    }
    if (!items || items.length === 0 || items.length > MAX_ITEMS) return undefined;
    const keys = items.map((item) => {
      const write = (item.Update ?? item.Put ?? item.Delete ?? item.ConditionCheck) as Item | undefined;
      return this.keyOf(write?.TableName, (write?.Key ?? write?.Item) as Item | undefined);
    });
    if (keys.some((key) => key === undefined)) return undefined;
    // asTransactItem took a single command with ReturnValues only when it was a marked ALL_NEW update.
    const readBack = single && (command as { input: Item }).input.ReturnValues !== undefined;
    return { command, items, keys: keys as string[], bytes: JSON.stringify(items).length, single, readBack, requeues: 0 };
  }

  /** The oldest pending groups that fit one transaction, no item twice; the rest stay in order. */
  private takeWrites(pending: WriteGroup[]): { batch: WriteGroup[]; rest: WriteGroup[] } {
    const batch: WriteGroup[] = [];
    const rest: WriteGroup[] = [];
    const keys = new Set<string>();
    let items = 0;
    let bytes = 0;
    for (const group of pending) {
      // The first always goes (alone when it is too big to share a commit).
      const fits = batch.length === 0 || (items + group.items.length <= MAX_ITEMS && bytes + group.bytes <= MAX_BYTES && !group.keys.some((key) => keys.has(key)));
      if (!fits) {
        rest.push(group);
        continue;
      }
      batch.push(group);
      items += group.items.length;
      bytes += group.bytes;
      for (const key of group.keys) keys.add(key);
    }
    return { batch, rest };
  }

  private async commitWrites(batch: WriteGroup[]): Promise<void> {
    if (batch.length === 1) return this.sendAlone(batch[0]);
    try {
      await super.send(new TransactWriteCommand({ TransactItems: batch.flatMap((group) => group.items) }));
    } catch (err) {
      const reasons = cancellationReasons(err);
      const total = batch.reduce((sum, group) => sum + group.items.length, 0);
      if (reasons?.length !== total) {
        await Promise.all(batch.map((group) => this.sendAlone(group)));
        return;
      }
      await this.settle(batch, reasons);
      return;
    }
    for (const group of batch) this.applied(group);
  }

  private applied(group: WriteGroup): void {
    if (!group.readBack) return group.resolve({ $metadata: {} });
    const { TableName, Key } = group.items[0].Update as { TableName: string; Key: Item };
    this.read({ TableName, Key, consistent: true, key: group.keys[0] }).then((item) => group.resolve({ $metadata: {}, Attributes: item }), group.reject);
  }

  /** After a cancelled commit: each group's own failure, or another try for the groups only cancelled with it. */
  private async settle(batch: WriteGroup[], reasons: CancellationReason[]): Promise<void> {
    const alone: WriteGroup[] = [];
    const again: WriteGroup[] = [];
    let offset = 0;
    for (const group of batch) {
      const own = reasons.slice(offset, offset + group.items.length);
      offset += group.items.length;
      const codes = own.map((reason) => reason.Code ?? 'None');
      if (codes.includes('ConditionalCheckFailed')) group.reject(this.conditionFailure(group, own));
      else if (codes.some((code) => !['None', 'TransactionConflict', 'ThrottlingError'].includes(code)) || group.requeues >= MAX_REQUEUES) alone.push(group);
      else again.push({ ...group, requeues: group.requeues + 1 });
    }
    this.writes.retry(again);
    await Promise.all(alone.map((group) => this.sendAlone(group)));
  }

  private conditionFailure(group: WriteGroup, own: CancellationReason[]): Error {
    const $metadata = {};
    if (group.single) {
      const item = own[0]?.Item;
      return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata, ...(item ? { Item: item } : {}) });
    }
    const codes = own.map((reason) => reason.Code ?? 'None').join(', ');
    const CancellationReasons = own.map((reason) => (reason.Code === 'ConditionalCheckFailed' ? reason : { Code: 'None' }));
    return new TransactionCanceledException({ message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`, $metadata, CancellationReasons });
  }

  private async sendAlone(group: WriteGroup): Promise<void> {
    try {
      group.resolve(await super.send(group.command as never));
    } catch (err) {
      group.reject(err);
    }
  }

  // ----- reads -----

  private readOf(input: Item): Omit<Read, 'waiters' | 'requeues'> | undefined {
    if (Object.keys(input).some((field) => !['TableName', 'Key', 'ConsistentRead'].includes(field))) return undefined;
    const key = this.keyOf(input.TableName, input.Key as Item | undefined);
    return key === undefined ? undefined : { TableName: input.TableName as string, Key: input.Key as Item, consistent: input.ConsistentRead === true, key };
  }

  private read(read: Omit<Read, 'waiters' | 'requeues'>): Promise<Item | undefined> {
    return new Promise((resolve, reject) => this.reads.push({ ...read, waiters: [{ resolve: resolve as (value: unknown) => void, reject }], requeues: 0 }));
  }

  /** Up to 100 distinct keys of one consistency (reads of the same key share one answer). */
  private takeReads(pending: Read[]): { batch: Read[]; rest: Read[] } {
    const consistent = pending[0].consistent;
    const batch = new Map<string, Read>();
    const rest: Read[] = [];
    for (const read of pending) {
      const same = read.consistent === consistent ? batch.get(read.key) : undefined;
      if (same) same.waiters.push(...read.waiters);
      else if (read.consistent === consistent && batch.size < MAX_READS) batch.set(read.key, read);
      else rest.push(read);
    }
    return { batch: [...batch.values()], rest };
  }

  private async commitReads(batch: Read[]): Promise<void> {
    if (batch.length === 1) return this.readAlone(batch[0]);
    const RequestItems: Record<string, { Keys: Item[]; ConsistentRead: boolean }> = {};
    for (const read of batch) (RequestItems[read.TableName] ??= { Keys: [], ConsistentRead: read.consistent }).Keys.push(read.Key);
    let result: { Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, { Keys?: Item[] }> };
    try {
      result = (await super.send(new BatchGetCommand({ RequestItems }))) as typeof result;
    } catch {
      await Promise.all(batch.map((read) => this.readAlone(read)));
      return;
    }
    const found = new Map<string, Item>();
    for (const [table, items] of Object.entries(result.Responses ?? {})) for (const item of items) found.set(this.keyOf(table, item)!, item);
    const unprocessed = new Set<string>();
    for (const [table, { Keys = [] }] of Object.entries(result.UnprocessedKeys ?? {})) for (const key of Keys) unprocessed.add(this.keyOf(table, key)!);
    const again: Read[] = [];
    for (const read of batch) {
      const { key } = read;
      if (!unprocessed.has(key)) for (const waiter of read.waiters) waiter.resolve(found.get(key));
      else if (read.requeues >= MAX_REQUEUES) await this.readAlone(read);
      else again.push({ ...read, requeues: read.requeues + 1 });
    }
    this.reads.retry(again);
  }

  private async readAlone(read: Read): Promise<void> {
    try {
      const { Item } = (await super.send(new GetCommand({ TableName: read.TableName, Key: read.Key, ConsistentRead: read.consistent }))) as { Item?: Item };
      for (const waiter of read.waiters) waiter.resolve(Item);
    } catch (err) {
      for (const waiter of read.waiters) waiter.reject(err);
    }
  }
}
