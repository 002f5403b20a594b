/**
 * Port for the model store (the DynamoDB `model` table in AWS and locally; docs/data-model.md has
 * the keys, indexes and costs). It keeps *entities*: a JSON document (`data`, the resource's own
 * fields) under a key of (kind, tenant, id), plus what the store manages itself: a `version` for
 * optimistic concurrency, a `createdAt` assigned at creation (the default list order), an optional
 * `parent` (the deployment of a node instance, ...) and a `global` flag.
 *
 * Tenancy is in the key: a reader can only reach entities of the tenant it names, so a resource of
 * another tenant is simply absent (the REST layer answers 404, never a leak). `find` additionally
 * sees entities other tenants made `global` (visibility `global`). System-wide entities (tenants,
 * users, tokens) live in SYSTEM_SCOPE.
 *
 * Errors are Cloudify's (src/model/errors.ts): a create on a taken id is 409 `conflict_error`, an
 * update with a stale version 409 `conflict_error`, an update or delete of a missing entity 404
 * `not_found_error`.
 *
 * Typical use (a REST resource):
 * ```ts
 * const created = await store.create({ kind: 'deployment', tenant, id, data: { blueprint_id, inputs } });
 * const found = await store.find<DeploymentData>({ kind: 'deployment', tenant, id });   // own or global
 * await store.update({ ref, expectedVersion: found.version, data: { ...found.data, description } });
 * await store.modify(ref, (current) => ({ ...current, state: 'started' }));           // read-modify-write, retried
 * const page = await store.page({ tenant, kind: 'deployment' }, { offset: 5000, size: 100, descending: false });
 * const instances = await store.all({ tenant, kind: 'node_instance', parent: deploymentId });
 * await store.transact([{ type: 'create', entity: deployment }, ...nodes.map((n) => ({ type: 'create', entity: n }))]);
 * ```
 * For list endpoints use src/api/list/ (it parses Cloudify's query and picks `page` or `all`).
 */

/** The tenant value of system-wide entities (tenants, users, tokens). Not a valid tenant name. */
export const SYSTEM_SCOPE = '~';

/** What an entity is: `deployment`, `node_instance`, ... (src/model/kinds.ts lists them). */
export type EntityKind = string;

export type EntityData = Record<string, unknown>;

export interface EntityRef {
  kind: EntityKind;
  /** Owning tenant, or SYSTEM_SCOPE. */
  tenant: string;
  id: string;
}

export interface Entity<T extends object = EntityData> extends EntityRef {
  /** 1 on creation; every update increments it. */
  version: number;
  /** ISO timestamp given by the store at creation; creation order is list order. */
  createdAt: string;
  /** Id of the entity this one is listed under (a node instance's deployment), if any. */
  parent?: string;
  /** Readable from every tenant (`visibility: global`). */
  global: boolean;
  /** Hidden from some members of its tenant (`visibility: private`); see NewEntity.restricted. */
  restricted?: boolean;
  /**
   * Only on reads with `{ children: true }`: the counts the store keeps of this entity's children
   * (CHILD_COUNTS), per child kind. A kind is absent when the store holds no count for it (no child
   * was ever written since counting began): callers then count the children themselves.
   */
  children?: Record<EntityKind, ChildCounts>;
  data: T;
}

/** What the store counts of one kind of children under one parent: `total`, and one count per named predicate. */
export type ChildCounts = { total: number } & Record<string, number>;

/**
 * Children the store counts per parent, in the same transaction as each write of a child (create,
 * update, delete), so the counts are exact whatever the order or repetition of the writes: each
 * write is conditional on the version it read and adds the difference it makes (a predicate that
 * turns true adds 1, false again subtracts 1). Reads of the parent get them at no extra request.
 */
export interface ChildCountRule {
  /** The kind of the parent entity (the `parent` id of a child names an entity of this kind, same tenant). */
  parentKind: EntityKind;
  /** Named predicates over the child's document; each count is how many children satisfy it. */
  counts: Record<string, (data: EntityData) => boolean>;
}

export interface NewEntity<T extends object = EntityData> extends EntityRef {
  data: T;
  parent?: string;
  global?: boolean;
  /**
   * Hidden from some members of the tenant (`visibility: private`). The store counts these per
   * list block, so creation-ordered pages stay cheap for non-admins while a collection holds none,
   * and fall back to filtering when it does. Set it whenever visibility is private.
   */
  restricted?: boolean;
}

export interface EntityUpdate<T extends object = EntityData> {
  ref: EntityRef;
  /** The version the writer read; a different stored version is a 409 `conflict_error`. */
  expectedVersion: number;
  /** The whole new document (not a patch). */
  data: T;
  /** Change the global flag; omitted keeps it. */
  global?: boolean;
  /** Change the restricted flag (visibility private or not); omitted keeps it. */
  restricted?: boolean;
  /**
   * The entity as this store returned it at `expectedVersion` (a write's result, a read): lets the
   * store write without reading first when no flag changes. A stale one fails as a conflict.
   */
  current?: Entity<T>;
}

/** One write of a transaction. */
export type WriteOp =
  | { type: 'create'; entity: NewEntity<object> }
  | { type: 'update'; update: EntityUpdate<object> }
  | { type: 'delete'; ref: EntityRef; expectedVersion?: number }
  /** Fails the transaction (409 `conflict_error`) unless the entity exists (at that version, when given). */
  | { type: 'check'; ref: EntityRef; expectedVersion?: number };

/** The entities of one kind in one tenant, optionally only the children of one parent. */
export interface Collection {
  tenant: string;
  kind: EntityKind;
  parent?: string;
}

export interface PageRequest {
  offset: number;
  size: number;
  /** false: oldest first (Cloudify's default `created_at` order). */
  descending: boolean;
}

export interface Page<T extends object = EntityData> {
  items: Entity<T>[];
  /** Entities in the whole collection (not in this page). */
  total: number;
  /** How many entities of the whole collection are restricted (NewEntity.restricted). */
  restricted: number;
}

export interface ReadOptions {
  /**
   * true (default): strongly consistent, sees every write that succeeded before. false: eventually
   * consistent (DynamoDB: half the read cost, and faster on DynamoDB Local), fine for GETs that
   * clients poll; never for a read whose version feeds a conditional write.
   */
  consistent?: boolean;
  /** Also read the counts the store keeps of the entity's children (Entity.children), in the same request. */
  children?: boolean;
}

/** Most actions DynamoDB accepts in one transaction (TransactWriteItems). */
export const MAX_TRANSACTION_ITEMS = 100;

export interface ModelStore {
  /** The entity of exactly this tenant, or undefined. */
  get<T extends object = EntityData>(ref: EntityRef, options?: ReadOptions): Promise<Entity<T> | undefined>;
  /** Like `get`, but falls back to a `global` entity of that kind and id owned by another tenant. */
  find<T extends object = EntityData>(ref: EntityRef, options?: ReadOptions): Promise<Entity<T> | undefined>;
  /** Creates at version 1; a taken id (also a global one of another tenant) is 409 `conflict_error`. */
  create<T extends object>(entity: NewEntity<T>): Promise<Entity<T>>;
  /** Replaces the document if the stored version is `expectedVersion`; returns the new entity. */
  update<T extends object>(update: EntityUpdate<T>): Promise<Entity<T>>;
  /**
   * Read-modify-write with retries: `change` gets the current document and returns the new one
   * (or undefined to leave it alone). Concurrent writers never lose an update. 404 when missing.
   */
  modify<T extends object>(ref: EntityRef, change: (current: Entity<T>) => T | undefined, options?: { attempts?: number }): Promise<Entity<T>>;
  /** Deletes (at that version, when given); a missing entity is 404 `not_found_error`. */
  delete(ref: EntityRef, expectedVersion?: number): Promise<void>;
  /**
   * All-or-nothing writes, at most MAX_TRANSACTION_ITEMS store items (a create takes one item,
   * plus one per distinct list block it lands in; see docs/data-model.md). Returns the entities
   * created or updated, in op order (deletes and checks give undefined).
   */
  transact(ops: WriteOp[]): Promise<(Entity<object> | undefined)[]>;
  /**
   * Creates many entities (e.g. a deployment's nodes and node instances) in transactions of
   * MAX_TRANSACTION_ITEMS. Atomic per chunk only: when a chunk fails, the entities of earlier
   * chunks are deleted again before the error is rethrown, so callers should create children first
   * and the entity that makes them visible (the parent) last.
   */
  createMany(entities: NewEntity<object>[]): Promise<Entity<object>[]>;
  /** One page in creation order: cost grows with the page, not with the offset. */
  page<T extends object = EntityData>(collection: Collection, request: PageRequest): Promise<Page<T>>;
  /** Every entity of the collection, in creation order (for filtered or re-sorted lists). */
  all<T extends object = EntityData>(collection: Collection): Promise<Entity<T>[]>;
  /** How many entities the collection holds. */
  count(collection: Collection): Promise<number>;
  /** The `global` entities of this kind in every tenant, in creation order. */
  globals<T extends object = EntityData>(kind: EntityKind): Promise<Entity<T>[]>;
}
