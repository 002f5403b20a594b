/**
 * The ModelStore port on the single `model` table (keys in ./model-keys.ts, design and costs in
 * docs/data-model.md).
 *
 * - Documents are stored as one JSON string attribute (`d`): no 32-level nesting limit, no empty
 *   map keys problem, no marshalling cost. A document over LARGE_DOCUMENT_BYTES goes to the file
 *   store (S3) and the item keeps its key (`dx`).
 * - Creation allocates `seq` and `createdAt` together from a per-(tenant, kind) sequence item, then
 *   writes the entity and increments its list block's count in one transaction, so block counts
 *   (and so `total` and offsets) are exact.
 * - Updates are conditional on `v` (optimistic concurrency).
 * - A write that plans to exactly one Put, Update or Delete (most updates: no flag or child count
 *   change) goes out as that plain single-item request, not as a one-item transaction: half the
 *   write capacity on DynamoDB, and far cheaper on DynamoDB Local. Same condition, same errors.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { CHILD_COUNTS } from '../../src/model/child-counts';
import { GLOBAL_CAPABLE_KINDS } from '../../src/model/kinds';
import { alreadyExists, conflict, entityNotFound, payloadTooLarge } from '../../src/model/errors';
import type { FileStore } from '../../src/ports/file-store';
import { MAX_TRANSACTION_ITEMS, SYSTEM_SCOPE } from '../../src/ports/model-store';
import type {
  ChildCountRule,
  ChildCounts,
  Collection,
  Entity,
  EntityData,
  EntityRef,
  EntityUpdate,
  ModelStore,
  NewEntity,
  Page,
  PageRequest,
  ReadOptions,
  WriteOp,
} from '../../src/ports/model-store';
import {
  BLOCK_PREFIX,
  BLOCK_SIZE,
  CHILD_COUNT_PREFIX,
  SEQUENCE_SK,
  blockKey,
  blockNumber,
  blockOf,
  childCountKey,
  counterPartition,
  entityKey,
  globalListKey,
  listKey,
  markerKey,
  nameKey,
  padSeq,
  parentBlockPartition,
  parentKey,
} from './model-keys';
import { backoff, cancellationReasons, isConditionFailure, withRetries } from './errors';

/** Documents larger than this go to the file store (DynamoDB items are capped at 400 KB). */
export const LARGE_DOCUMENT_BYTES = 350 * 1024;
/** createMany: chunk transactions in flight at once. */
const CREATE_PARALLEL = 4;

export interface DynamoModelStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Where documents over LARGE_DOCUMENT_BYTES go; without it they are refused (413). */
  files?: FileStore;
  /** Kinds that may be global (default src/model/kinds.ts). */
  globalKinds?: readonly string[];
  /** Children counted per parent (default src/model/child-counts.ts; every store of a table must use the same). */
  childCounts?: Readonly<Record<string, ChildCountRule>>;
  now?: () => Date;
}

type Item = Record<string, unknown>;
type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** An attribute of an item returned inside an error (raw AttributeValue or already plain). */
function rawString(item: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = item?.[name];
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
}

function kindLabel(kind: string): string {
  return kind
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** What one write op turns into, and how its failure reads. */
interface PlannedWrite {
  items: TransactItem[];
  /** For each item: the error when its condition fails (given whether the old item existed). */
  failures: ((existed: boolean) => Error)[];
  result?: Entity<object>;
  /** File store keys of documents the write replaces, deleted once it succeeded. */
  cleanup?: string[];
}

export class DynamoModelStore implements ModelStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly files?: FileStore;
  private readonly globalKinds: Set<string>;
  private readonly childRules: Readonly<Record<string, ChildCountRule>>;
  private readonly now: () => Date;

  constructor(options: DynamoModelStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.files = options.files;
    this.globalKinds = new Set(options.globalKinds ?? GLOBAL_CAPABLE_KINDS);
    this.childRules = options.childCounts ?? CHILD_COUNTS;
    this.now = options.now ?? (() => new Date());
  }

  // ---------------------------------------------------------------- reads

  async get<T extends object = EntityData>(ref: EntityRef, options: ReadOptions = {}): Promise<Entity<T> | undefined> {
    const consistent = options.consistent ?? true;
    if (options.children) return this.getWithChildren<T>(ref, consistent);
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: entityKey(ref.tenant, ref.kind, ref.id), ConsistentRead: consistent }));
    return Item ? this.toEntity<T>(Item) : undefined;
  }

  /** The entity and its child counts: one Query of the entity's partition (they share its pk). */
  private async getWithChildren<T extends object>(ref: EntityRef, consistent: boolean): Promise<Entity<T> | undefined> {
    const items = await this.queryItems({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': entityKey(ref.tenant, ref.kind, ref.id).pk },
      ConsistentRead: consistent,
    });
    const item = items.find((candidate) => candidate.sk === 'E');
    if (!item) return undefined;
    const children: Record<string, ChildCounts> = {};
    for (const counter of items) {
      const sk = String(counter.sk);
      // A count item without `n` predates counting (written by a state change only): not trusted.
      if (!sk.startsWith(CHILD_COUNT_PREFIX) || counter.n === undefined) continue;
      const kind = sk.slice(CHILD_COUNT_PREFIX.length);
      const counts: ChildCounts = { total: Number(counter.n) };
      for (const name of Object.keys(this.childRules[kind]?.counts ?? {})) counts[name] = Number(counter[`c_${name}`] ?? 0);
      children[kind] = counts;
    }
    return { ...(await this.toEntity<T>(item)), children };
  }

  async find<T extends object = EntityData>(ref: EntityRef, options: ReadOptions = {}): Promise<Entity<T> | undefined> {
    const own = await this.get<T>(ref, options);
    if (own || ref.tenant === SYSTEM_SCOPE || !this.globalKinds.has(ref.kind)) return own;
    const consistent = options.consistent ?? true;
    const { Item: marker } = await this.client.send(new GetCommand({ TableName: this.table, Key: markerKey(ref.kind, ref.id), ConsistentRead: consistent }));
    const owner = marker?.t;
    if (typeof owner !== 'string' || owner === ref.tenant) return undefined;
    const entity = await this.get<T>({ ...ref, tenant: owner }, options);
    return entity?.global ? entity : undefined;
  }

  async page<T extends object = EntityData>(collection: Collection, request: PageRequest): Promise<Page<T>> {
    const parent = collection.parent;
    const blocks = await this.blocks(collection.tenant, collection.kind, parent);
    if (parent !== undefined && blocks === undefined) {
      // No block items: no child was ever written with parent blocks (none, or all before they existed).
      const all = await this.all<T>(collection);
      const ordered = request.descending ? all.reverse() : all;
      return { items: ordered.slice(request.offset, request.offset + request.size), total: all.length, restricted: all.filter((entity) => entity.restricted).length };
    }
    if (blocks === undefined) return { items: [], total: 0, restricted: 0 };
    const total = blocks.reduce((sum, block) => sum + block.n, 0);
    const restricted = blocks.reduce((sum, block) => sum + block.r, 0);
    if (request.size === 0 || request.offset >= total) return { items: [], total, restricted };
    const walk = request.descending ? [...blocks].reverse() : blocks;
    let before = 0;
    let start = walk[0];
    for (const block of walk) {
      start = block;
      if (before + block.n > request.offset) break;
      before += block.n;
    }
    const skip = request.offset - before;
    const bound = request.descending ? padSeq((start.block + 1) * BLOCK_SIZE) : padSeq(start.block * BLOCK_SIZE);
    const index = parent === undefined ? 'gsi1' : 'gsi2';
    const items = await this.queryItems(
      {
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: request.descending ? `${index}pk = :pk AND ${index}sk < :bound` : `${index}pk = :pk AND ${index}sk >= :bound`,
        ExpressionAttributeValues: { ':pk': parent === undefined ? listKey(collection.tenant, collection.kind) : parentKey(collection.tenant, collection.kind, parent), ':bound': bound },
        ScanIndexForward: !request.descending,
      },
      skip + request.size,
    );
    return { items: await Promise.all(items.slice(skip).map((item) => this.toEntity<T>(item))), total, restricted };
  }

  async all<T extends object = EntityData>(collection: Collection): Promise<Entity<T>[]> {
    const items = await this.queryItems(
      collection.parent === undefined
        ? { TableName: this.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': listKey(collection.tenant, collection.kind) } }
        : {
            TableName: this.table,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': parentKey(collection.tenant, collection.kind, collection.parent) },
          },
    );
    return Promise.all(items.map((item) => this.toEntity<T>(item)));
  }

  async count(collection: Collection): Promise<number> {
    const blocks = await this.blocks(collection.tenant, collection.kind, collection.parent);
    if (blocks !== undefined || collection.parent === undefined) return (blocks ?? []).reduce((sum, block) => sum + block.n, 0);
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': parentKey(collection.tenant, collection.kind, collection.parent) },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += result.Count ?? 0;
      start = result.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async globals<T extends object = EntityData>(kind: string): Promise<Entity<T>[]> {
    if (!this.globalKinds.has(kind)) return [];
    const markers = await this.queryItems({
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': globalListKey(kind) },
    });
    const entities = await Promise.all(markers.map((marker) => this.get<T>({ kind, tenant: String(marker.t), id: String(marker.id) })));
    return entities
      .filter((entity): entity is Entity<T> => entity !== undefined && entity.global)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  // --------------------------------------------------------------- writes

  async create<T extends object>(entity: NewEntity<T>): Promise<Entity<T>> {
    const [created] = await this.transact([{ type: 'create', entity }]);
    return created as Entity<T>;
  }

  async update<T extends object>(update: EntityUpdate<T>): Promise<Entity<T>> {
    const [updated] = await this.transact([{ type: 'update', update }]);
    return updated as Entity<T>;
  }

  async modify<T extends object>(ref: EntityRef, change: (current: Entity<T>) => T | undefined, options: { attempts?: number } = {}): Promise<Entity<T>> {
    const attempts = options.attempts ?? 20;
    for (let attempt = 0; ; attempt++) {
      const current = await this.get<T>(ref);
      if (!current) throw entityNotFound(kindLabel(ref.kind), ref.id);
      const data = change(current);
      if (data === undefined) return current;
      try {
        return await this.update<T>({ ref, expectedVersion: current.version, data, current });
      } catch (err) {
        const stale = err instanceof Error && 'errorCode' in err && (err as { errorCode: string }).errorCode === 'conflict_error';
        if (!stale || attempt + 1 >= attempts) throw err;
        await backoff(Math.min(attempt, 5));
      }
    }
  }

  async delete(ref: EntityRef, expectedVersion?: number): Promise<void> {
    await this.transact([{ type: 'delete', ref, expectedVersion }]);
  }

  /**
   * Sequence numbers for every entity are allocated up front (one UpdateItem per (tenant, kind)),
   * then the chunk transactions run CREATE_PARALLEL at a time; those that touch the same block or
   * count item conflict now and then and are retried (withRetries). Order stays creation order: it
   * is the allocated `seq`, whatever order the chunks commit in.
   */
  async createMany(entities: NewEntity<object>[]): Promise<Entity<object>[]> {
    if (entities.length === 0) return [];
    const sequences = await this.allocate(entities);
    const chunks: { entities: NewEntity<object>[]; sequences: { seq: number; createdAt: string }[] }[] = [];
    let at = 0;
    for (const chunk of this.chunks(entities)) {
      chunks.push({ entities: chunk, sequences: sequences.slice(at, at + chunk.length) });
      at += chunk.length;
    }
    const results: Entity<object>[][] = new Array(chunks.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (!failure && next < chunks.length) {
        const index = next++;
        const chunk = chunks[index];
        try {
          results[index] = (await this.transactCreates(chunk.entities, chunk.sequences)) as Entity<object>[];
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CREATE_PARALLEL, chunks.length) }, worker));
    if (failure) {
      // Undo the chunks that were written, newest first.
      for (const entity of results.flatMap((written) => written ?? []).reverse()) {
        await this.delete(entity).catch(() => undefined);
      }
      throw failure.error;
    }
    return results.flat();
  }

  private async transactCreates(entities: NewEntity<object>[], sequences: { seq: number; createdAt: string }[]): Promise<(Entity<object> | undefined)[]> {
    return this.transactPlanned(
      entities.map((entity) => ({ type: 'create' as const, entity })),
      sequences,
    );
  }

  /**
   * Splits creates into transactions of at most MAX_TRANSACTION_ITEMS items: one per entity, two
   * more for global-capable kinds (global-id check, name entry), and up to two list blocks per
   * (tenant, kind) in the chunk (a chunk holds fewer than BLOCK_SIZE creates, so it spans at most two).
   */
  private chunks(entities: NewEntity<object>[]): NewEntity<object>[][] {
    const chunks: NewEntity<object>[][] = [];
    let current: NewEntity<object>[] = [];
    let items = 0;
    let groups = new Set<string>();
    // Child count items (one per parent and child kind) the chunk touches.
    let counted = new Set<string>();
    for (const entity of entities) {
      const cost = this.globalKinds.has(entity.kind) && entity.tenant !== SYSTEM_SCOPE ? 3 : 1;
      // Block groups: the (tenant, kind) and, for a child, its parent's blocks; each spans at most two blocks per chunk.
      const newGroups = [counterPartition(entity.tenant, entity.kind), ...(entity.parent !== undefined ? [parentBlockPartition(entity.tenant, entity.kind, entity.parent)] : [])].filter(
        (group) => !groups.has(group),
      );
      const nextGroups = groups.size + newGroups.length;
      const count = entity.parent !== undefined && this.childRules[entity.kind] ? `${entity.tenant}#${entity.kind}#${entity.parent}` : undefined;
      const nextCounted = count === undefined || counted.has(count) ? counted.size : counted.size + 1;
      if (current.length > 0 && items + cost + 2 * nextGroups + nextCounted > MAX_TRANSACTION_ITEMS) {
        chunks.push(current);
        current = [];
        items = 0;
        groups = new Set();
        counted = new Set();
      }
      current.push(entity);
      items += cost;
      for (const group of [counterPartition(entity.tenant, entity.kind), ...(entity.parent !== undefined ? [parentBlockPartition(entity.tenant, entity.kind, entity.parent)] : [])]) groups.add(group);
      if (count !== undefined) counted.add(count);
    }
    if (current.length > 0) chunks.push(current);
    return chunks;
  }

  async transact(ops: WriteOp[]): Promise<(Entity<object> | undefined)[]> {
    return this.transactPlanned(ops);
  }

  /** `sequences`: already allocated for the creates of `ops`, in order (createMany); otherwise allocated here. */
  private async transactPlanned(ops: WriteOp[], sequences?: { seq: number; createdAt: string }[]): Promise<(Entity<object> | undefined)[]> {
    if (ops.length === 0) return [];
    // Large documents this transaction put in the file store: removed again if it does not commit.
    const written: string[] = [];
    let planned: PlannedWrite[];
    try {
      planned = await this.plan(ops, written, sequences);
      await this.commit(planned);
    } catch (err) {
      if (written.length > 0 && this.files) await Promise.all(written.map((key) => this.files!.delete(key).catch(() => undefined)));
      throw err;
    }
    const stale = planned.flatMap((write) => write.cleanup ?? []);
    if (stale.length > 0 && this.files) await Promise.all(stale.map((key) => this.files!.delete(key).catch(() => undefined)));
    return planned.map((write) => write.result);
  }

  private async commit(planned: PlannedWrite[]): Promise<void> {
    const items = planned.flatMap((write) => write.items);
    const failures = planned.flatMap((write) => write.failures);
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new Error(`A transaction of ${items.length} items exceeds DynamoDB's ${MAX_TRANSACTION_ITEMS}; split it (createMany chunks creates)`);
    }
    if (items.length === 1 && !items[0].ConditionCheck) return this.commitOne(items[0], failures[0]);
    try {
      await withRetries(() => this.client.send(new TransactWriteCommand({ TransactItems: items })));
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (!reasons) throw err;
      const index = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      if (index >= 0 && failures[index]) throw failures[index](reasons[index].Item !== undefined);
      throw err;
    }
  }

  /**
   * One Put, Update or Delete as the equivalent single-item request: the same condition, and its
   * failure maps to the same error as in a transaction (`existed`: the exception carries the old
   * item, ReturnValuesOnConditionCheckFailure ALL_OLD). Throttling and conflicts with concurrent
   * transactions on the item (TransactionConflictException) are retried as for transactions.
   */
  private async commitOne(item: TransactItem, failure: ((existed: boolean) => Error) | undefined): Promise<void> {
    const send = () => {
      if (item.Put) return this.client.send(new PutCommand({ ...item.Put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      if (item.Update) return this.client.send(new UpdateCommand({ ...item.Update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      if (item.Delete) return this.client.send(new DeleteCommand({ ...item.Delete, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      throw new Error('commitOne takes a Put, Update or Delete item');
    };
    try {
      await withRetries(send);
    } catch (err) {
      if (!isConditionFailure(err) || !failure) throw err;
      throw failure((err as { Item?: Record<string, unknown> }).Item !== undefined);
    }
  }

  // ------------------------------------------------------------- planning

  private async plan(ops: WriteOp[], written: string[], allocated?: { seq: number; createdAt: string }[]): Promise<PlannedWrite[]> {
    const creates = ops.filter((op): op is Extract<WriteOp, { type: 'create' }> => op.type === 'create');
    const sequences = allocated ?? (await this.allocate(creates.map((op) => op.entity)));
    // Per list block: change of its entity count `n` and of its restricted-entity count `r`.
    const blockDeltas = new Map<string, { key: { pk: string; sk: string }; n: number; r: number }>();
    // A child also moves its parent's block (same block number), so pages of one parent's children are cheap too.
    const bump = (tenant: string, kind: string, seq: number, n: number, r: number, parent?: string) => {
      for (const key of [blockKey(tenant, kind, blockOf(seq)), ...(parent !== undefined ? [blockKey(tenant, kind, blockOf(seq), parent)] : [])]) {
        const id = `${key.pk}|${key.sk}`;
        const entry = blockDeltas.get(id) ?? { key, n: 0, r: 0 };
        entry.n += n;
        entry.r += r;
        blockDeltas.set(id, entry);
      }
    };
    // Per (parent, child kind) count item: change of `n` and of each named count (`c_<name>`).
    const childDeltas = new Map<string, { key: { pk: string; sk: string }; deltas: Record<string, number> }>();
    const bumpChild = (ref: EntityRef, parent: string | undefined, before: object | undefined, after: object | undefined) => {
      const rule = this.childRules[ref.kind];
      if (!rule || parent === undefined) return;
      const key = childCountKey(ref.tenant, rule.parentKind, parent, ref.kind);
      const id = `${key.pk}|${key.sk}`;
      const entry = childDeltas.get(id) ?? { key, deltas: { n: 0 } };
      entry.deltas.n += (after ? 1 : 0) - (before ? 1 : 0);
      for (const [name, holds] of Object.entries(rule.counts)) {
        const attribute = `c_${name}`;
        entry.deltas[attribute] = (entry.deltas[attribute] ?? 0) + (after && holds(after as EntityData) ? 1 : 0) - (before && holds(before as EntityData) ? 1 : 0);
      }
      childDeltas.set(id, entry);
    };
    // The reads each op needs (updates and deletes read the item) run concurrently; the results are
    // taken in op order, and the first failing op (in op order) is the error, as if planned one by one.
    let createIndex = 0;
    const settled = await Promise.allSettled(
      ops.map((op) => {
        if (op.type === 'create') {
          const { seq, createdAt } = sequences[createIndex++];
          return this.planCreate(op.entity, seq, createdAt, written).then((write) => ({ op, write, seq }));
        }
        if (op.type === 'update') return this.planUpdate(op.update, written).then((plan) => ({ op, ...plan }));
        if (op.type === 'delete') return this.planDelete(op.ref, op.expectedVersion).then((plan) => ({ op, ...plan }));
        return Promise.resolve({ op, write: this.planCheck(op.ref, op.expectedVersion) });
      }),
    );
    const planned: PlannedWrite[] = [];
    for (const result of settled) {
      if (result.status === 'rejected') throw result.reason;
      const step = result.value;
      const { op } = step;
      if (op.type === 'create' && 'seq' in step) {
        bump(op.entity.tenant, op.entity.kind, step.seq, 1, op.entity.restricted ? 1 : 0, op.entity.parent);
        bumpChild(op.entity, op.entity.parent, undefined, op.entity.data);
      } else if (op.type === 'update' && 'restrictedDelta' in step) {
        if (step.restrictedDelta !== 0) bump(op.update.ref.tenant, op.update.ref.kind, step.seq, 0, step.restrictedDelta, step.listedUnder);
        bumpChild(op.update.ref, step.parent, step.previous, op.update.data);
      } else if (op.type === 'delete' && 'restricted' in step) {
        bump(op.ref.tenant, op.ref.kind, step.seq, -1, step.restricted ? -1 : 0, step.listedUnder);
        bumpChild(op.ref, step.parent, step.previous, undefined);
      }
      planned.push(step.write);
    }
    for (const { key, n, r } of blockDeltas.values()) {
      if (n === 0 && r === 0) continue;
      const adds = [...(n !== 0 ? ['n :n'] : []), ...(r !== 0 ? ['r :r'] : [])];
      planned.push({
        items: [
          {
            Update: {
              TableName: this.table,
              Key: key,
              UpdateExpression: `ADD ${adds.join(', ')}`,
              ExpressionAttributeValues: { ...(n !== 0 ? { ':n': n } : {}), ...(r !== 0 ? { ':r': r } : {}) },
            },
          },
        ],
        failures: [() => new Error('List block update failed')],
      });
    }
    for (const { key, deltas } of childDeltas.values()) {
      const changed = Object.entries(deltas).filter(([, delta]) => delta !== 0);
      if (changed.length === 0) continue;
      planned.push({
        items: [
          {
            Update: {
              TableName: this.table,
              Key: key,
              UpdateExpression: `ADD ${changed.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
              ExpressionAttributeNames: Object.fromEntries(changed.map(([attribute], i) => [`#c${i}`, attribute])),
              ExpressionAttributeValues: Object.fromEntries(changed.map(([, delta], i) => [`:c${i}`, delta])),
            },
          },
        ],
        failures: [() => new Error('Child count update failed')],
      });
    }
    return planned;
  }

  /**
   * Allocates sequence numbers and creation times, one update per (tenant, kind): `at` never
   * goes backwards, so sequence order and `createdAt` order agree even across clock skew.
   */
  private async allocate(entities: NewEntity<object>[]): Promise<{ seq: number; createdAt: string }[]> {
    const groups = new Map<string, number[]>();
    entities.forEach((entity, index) => {
      const id = counterPartition(entity.tenant, entity.kind);
      const group = groups.get(id);
      if (group) group.push(index);
      else groups.set(id, [index]);
    });
    const out: { seq: number; createdAt: string }[] = new Array(entities.length);
    await Promise.all(
      [...groups.entries()].map(async ([pk, indexes]) => {
        let at = this.now().toISOString();
        for (let attempt = 0; ; attempt++) {
          try {
            const result = await withRetries(() =>
              this.client.send(
                new UpdateCommand({
                  TableName: this.table,
                  Key: { pk, sk: SEQUENCE_SK },
                  UpdateExpression: 'SET #at = :at ADD seq :n',
                  ConditionExpression: 'attribute_not_exists(#at) OR #at <= :at',
                  ExpressionAttributeNames: { '#at': 'at' },
                  ExpressionAttributeValues: { ':at': at, ':n': indexes.length },
                  ReturnValues: 'UPDATED_NEW',
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                }),
              ),
            );
            const last = Number(result.Attributes?.seq);
            indexes.forEach((index, i) => (out[index] = { seq: last - indexes.length + 1 + i, createdAt: at }));
            return;
          } catch (err) {
            const stored = rawString((err as { Item?: Record<string, unknown> }).Item, 'at');
            if (!isConditionFailure(err) || attempt > 5) throw err;
            // Another writer's clock is ahead: continue from its time.
            at = stored ?? (await this.readSequenceTime(pk)) ?? at;
          }
        }
      }),
    );
    return out;
  }

  private async readSequenceTime(pk: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk, sk: SEQUENCE_SK }, ConsistentRead: true }));
    return typeof Item?.at === 'string' ? Item.at : undefined;
  }

  private async planCreate(entity: NewEntity<object>, seq: number, createdAt: string, written: string[]): Promise<PlannedWrite> {
    const global = entity.global === true;
    const canBeGlobal = this.globalKinds.has(entity.kind) && entity.tenant !== SYSTEM_SCOPE;
    if (global && !canBeGlobal) throw new Error(`Entities of kind ${entity.kind} cannot be global`);
    const document = await this.storeDocument(entity, entity.data, written);
    const item: Item = {
      ...entityKey(entity.tenant, entity.kind, entity.id),
      gsi1pk: listKey(entity.tenant, entity.kind),
      gsi1sk: padSeq(seq),
      ...(entity.parent !== undefined ? { gsi2pk: parentKey(entity.tenant, entity.kind, entity.parent), gsi2sk: padSeq(seq), par: entity.parent } : {}),
      k: entity.kind,
      t: entity.tenant,
      id: entity.id,
      v: 1,
      seq,
      at: createdAt,
      g: global,
      ...(entity.restricted ? { r: true } : {}),
      ...document,
    };
    const label = kindLabel(entity.kind);
    const items: TransactItem[] = [{ Put: { TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }];
    const failures: ((existed: boolean) => Error)[] = [() => alreadyExists(label, entity.id)];
    if (canBeGlobal) {
      const marker = markerKey(entity.kind, entity.id);
      items.push(
        global
          ? {
              Put: {
                TableName: this.table,
                Item: { ...marker, gsi1pk: globalListKey(entity.kind), gsi1sk: `${entity.tenant}#${entity.id}`, t: entity.tenant, id: entity.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            }
          : { ConditionCheck: { TableName: this.table, Key: marker, ConditionExpression: 'attribute_not_exists(pk)' } },
      );
      failures.push(() => conflict(`A global ${label} with ID \`${entity.id}\` already exists`));
      // The id's name entry for this tenant: making an entity global checks no other tenant uses the id.
      items.push({ Put: { TableName: this.table, Item: { ...nameKey(entity.kind, entity.id, entity.tenant) } } });
      failures.push(() => new Error('Name entry write failed'));
    }
    return {
      items,
      failures,
      result: {
        kind: entity.kind,
        tenant: entity.tenant,
        id: entity.id,
        version: 1,
        createdAt,
        ...(entity.parent !== undefined ? { parent: entity.parent } : {}),
        global,
        ...(entity.restricted ? { restricted: true } : {}),
        data: entity.data,
      },
    };
  }

  private async planUpdate(
    update: EntityUpdate<object>,
    written: string[],
  ): Promise<{ write: PlannedWrite; seq: number; restrictedDelta: number; parent?: string; previous?: object; listedUnder?: string }> {
    const { ref } = update;
    const label = kindLabel(ref.kind);
    const stale = () => conflict(`${label} \`${ref.id}\` was changed by another request (version ${update.expectedVersion} is stale); read it again and retry`);
    // Read first: a missing or stale entity fails without a write, and the result needs createdAt.
    // Unless the writer holds the entity as stored at that version (`current`) and keeps its flags:
    // then the version condition alone decides (and refuses an item whose document is in the file store).
    const knownJson = update.current?.version === update.expectedVersion && update.global === undefined && update.restricted === undefined ? JSON.stringify(update.current.data) : undefined;
    const known = knownJson !== undefined && Buffer.byteLength(knownJson) <= LARGE_DOCUMENT_BYTES ? update.current : undefined;
    const current: Item | undefined = known
      ? { k: ref.kind, t: ref.tenant, id: ref.id, v: known.version, at: known.createdAt, ...(known.parent !== undefined ? { par: known.parent } : {}), g: known.global, r: known.restricted === true, d: knownJson }
      : (await this.client.send(new GetCommand({ TableName: this.table, Key: entityKey(ref.tenant, ref.kind, ref.id), ConsistentRead: true }))).Item;
    if (!current) throw entityNotFound(label, ref.id);
    if (Number(current.v) !== update.expectedVersion) throw stale();
    const document = await this.storeDocument(ref, update.data, written);
    const names: Record<string, string> = { '#v': 'v', '#d': 'd', '#dx': 'dx' };
    const values: Record<string, unknown> = { ':expected': update.expectedVersion, ':one': 1 };
    const sets = ['#v = #v + :one'];
    const removes: string[] = [];
    if ('dx' in document) {
      sets.push('#dx = :dx');
      values[':dx'] = document.dx;
      removes.push('#d');
    } else {
      sets.push('#d = :d');
      values[':d'] = document.d;
      removes.push('#dx');
    }
    const wasRestricted = current.r === true;
    const restricted = update.restricted ?? wasRestricted;
    if (restricted !== wasRestricted) {
      names['#r'] = 'r';
      values[':r'] = restricted;
      sets.push('#r = :r');
    }
    if (update.global !== undefined) {
      if (update.global && (!this.globalKinds.has(ref.kind) || ref.tenant === SYSTEM_SCOPE)) throw new Error(`Entities of kind ${ref.kind} cannot be global`);
      names['#g'] = 'g';
      values[':g'] = update.global;
      sets.push('#g = :g');
    }
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: entityKey(ref.tenant, ref.kind, ref.id),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #v = :expected${known ? ' AND attribute_not_exists(#dx)' : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
    const failures: ((existed: boolean) => Error)[] = [(existed) => (existed ? stale() : entityNotFound(label, ref.id))];
    if (update.global === true && current.g !== true) await this.checkIdUnused(ref);
    if (update.global !== undefined && this.globalKinds.has(ref.kind) && ref.tenant !== SYSTEM_SCOPE) {
      const marker = markerKey(ref.kind, ref.id);
      items.push(
        update.global
          ? {
              Put: {
                TableName: this.table,
                Item: { ...marker, gsi1pk: globalListKey(ref.kind), gsi1sk: `${ref.tenant}#${ref.id}`, t: ref.tenant, id: ref.id },
                ConditionExpression: 'attribute_not_exists(pk) OR t = :tenant',
                ExpressionAttributeValues: { ':tenant': ref.tenant },
              },
            }
          : {
              Delete: {
                TableName: this.table,
                Key: marker,
                ConditionExpression: 'attribute_not_exists(pk) OR t = :tenant',
                ExpressionAttributeValues: { ':tenant': ref.tenant },
              },
            },
      );
      failures.push(() => conflict(`A global ${label} with ID \`${ref.id}\` already exists in another tenant`));
    }
    const previous = await this.toEntity<object>({ ...current, d: '{}', dx: undefined, r: restricted });
    return {
      write: {
        items,
        failures,
        result: { ...previous, version: update.expectedVersion + 1, global: update.global ?? previous.global, data: update.data },
        ...(typeof current.dx === 'string' ? { cleanup: [current.dx] } : {}),
      },
      seq: Number(current.seq),
      restrictedDelta: restricted === wasRestricted ? 0 : restricted ? 1 : -1,
      ...(typeof current.par === 'string' ? { listedUnder: current.par } : {}),
      ...(await this.countedPrevious(current)),
    };
  }

  private async planDelete(
    ref: EntityRef,
    expectedVersion?: number,
  ): Promise<{ write: PlannedWrite; seq: number; restricted: boolean; parent?: string; previous?: object; listedUnder?: string }> {
    const label = kindLabel(ref.kind);
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: entityKey(ref.tenant, ref.kind, ref.id), ConsistentRead: true }));
    if (!Item) throw entityNotFound(label, ref.id);
    const version = Number(Item.v);
    if (expectedVersion !== undefined && version !== expectedVersion) {
      throw conflict(`${label} \`${ref.id}\` was changed by another request (version ${expectedVersion} is stale)`);
    }
    const items: TransactItem[] = [
      {
        Delete: {
          TableName: this.table,
          Key: entityKey(ref.tenant, ref.kind, ref.id),
          ConditionExpression: 'v = :v',
          ExpressionAttributeValues: { ':v': version },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
    const failures: ((existed: boolean) => Error)[] = [
      (existed) => (existed ? conflict(`${label} \`${ref.id}\` was changed by another request while being deleted`) : entityNotFound(label, ref.id)),
    ];
    if (Item.g === true) {
      items.push({ Delete: { TableName: this.table, Key: markerKey(ref.kind, ref.id), ConditionExpression: 'attribute_not_exists(pk) OR t = :tenant', ExpressionAttributeValues: { ':tenant': ref.tenant } } });
      failures.push(() => conflict(`The global ${label} \`${ref.id}\` belongs to another tenant`));
    }
    if (this.globalKinds.has(ref.kind) && ref.tenant !== SYSTEM_SCOPE) {
      items.push({ Delete: { TableName: this.table, Key: nameKey(ref.kind, ref.id, ref.tenant) } });
      failures.push(() => new Error('Name entry delete failed'));
    }
    const offloaded = typeof Item.dx === 'string' ? Item.dx : undefined;
    return {
      write: { items, failures, ...(offloaded ? { cleanup: [offloaded] } : {}) },
      seq: Number(Item.seq),
      restricted: Item.r === true,
      ...(typeof Item.par === 'string' ? { listedUnder: Item.par } : {}),
      ...(await this.countedPrevious(Item)),
    };
  }

  private planCheck(ref: EntityRef, expectedVersion?: number): PlannedWrite {
    const label = kindLabel(ref.kind);
    const versioned = expectedVersion !== undefined;
    return {
      items: [
        {
          ConditionCheck: {
            TableName: this.table,
            Key: entityKey(ref.tenant, ref.kind, ref.id),
            ConditionExpression: versioned ? 'attribute_exists(pk) AND v = :v' : 'attribute_exists(pk)',
            ...(versioned ? { ExpressionAttributeValues: { ':v': expectedVersion } } : {}),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
      failures: [(existed) => (existed ? conflict(`${label} \`${ref.id}\` was changed by another request`) : entityNotFound(label, ref.id))],
    };
  }

  // ------------------------------------------------------------- helpers

  /** For a child its parent counts: its parent and the document it had before this write. */
  private async countedPrevious(item: Item): Promise<{ parent?: string; previous?: object }> {
    if (typeof item.par !== 'string' || !this.childRules[String(item.k)]) return {};
    return { parent: item.par, previous: (await this.toEntity<object>(item)).data };
  }

  /** A global entity's id must not be used in any other tenant (Cloudify keeps such ids unique). */
  private async checkIdUnused(ref: EntityRef): Promise<void> {
    const names = await this.queryItems({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': nameKey(ref.kind, ref.id, ref.tenant).pk },
      ConsistentRead: true,
    });
    const others = names.map((item) => String(item.sk)).filter((tenant) => tenant !== ref.tenant);
    if (others.length > 0) {
      throw conflict(`Cannot make ${kindLabel(ref.kind)} \`${ref.id}\` global: tenant \`${others[0]}\` has one with the same ID`);
    }
  }

  /** The non-empty list blocks of a collection; undefined when it has no block item at all (not even emptied ones). */
  private async blocks(tenant: string, kind: string, parent?: string): Promise<{ block: number; n: number; r: number }[] | undefined> {
    const items = await this.queryItems({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': parent === undefined ? counterPartition(tenant, kind) : parentBlockPartition(tenant, kind, parent), ':prefix': BLOCK_PREFIX },
      ConsistentRead: true,
    });
    if (items.length === 0) return undefined;
    return items.map((item) => ({ block: blockNumber(String(item.sk)), n: Number(item.n ?? 0), r: Number(item.r ?? 0) })).filter((block) => block.n > 0);
  }

  /** Every item of a query (following pages), or the first `limit`. */
  private async queryItems(input: QueryCommandInput, limit?: number): Promise<Item[]> {
    const out: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const remaining = limit === undefined ? undefined : limit - out.length;
      const result = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: start, ...(remaining !== undefined ? { Limit: remaining } : {}) }));
      out.push(...((result.Items ?? []) as Item[]));
      start = result.LastEvaluatedKey;
    } while (start && (limit === undefined || out.length < limit));
    return out;
  }

  /** The document attributes of an item: inline JSON, or a file store key for large documents. */
  private async storeDocument(ref: EntityRef, data: object, written: string[]): Promise<{ d: string } | { dx: string }> {
    const json = JSON.stringify(data);
    if (Buffer.byteLength(json) <= LARGE_DOCUMENT_BYTES) return { d: json };
    if (!this.files) throw payloadTooLarge(`The ${ref.kind} \`${ref.id}\` is larger than ${LARGE_DOCUMENT_BYTES} bytes and no file store is configured for large documents`);
    const key = `model/${ref.tenant}/${ref.kind}/${ref.id}/${randomUUID()}.json`;
    await this.files.put(key, json, { contentType: 'application/json' });
    written.push(key);
    return { dx: key };
  }

  private async toEntity<T extends object>(item: Item): Promise<Entity<T>> {
    let json = typeof item.d === 'string' ? item.d : undefined;
    if (json === undefined && typeof item.dx === 'string') {
      const body = await this.files?.get(item.dx);
      if (!body) throw new Error(`The document of ${String(item.k)} ${String(item.id)} is missing from the file store (${item.dx})`);
      json = body.toString('utf8');
    }
    return {
      kind: String(item.k),
      tenant: String(item.t),
      id: String(item.id),
      version: Number(item.v),
      createdAt: String(item.at),
      ...(typeof item.par === 'string' ? { parent: item.par } : {}),
      global: item.g === true,
      ...(item.r === true ? { restricted: true } : {}),
      data: JSON.parse(json ?? '{}') as T,
    };
  }
}
