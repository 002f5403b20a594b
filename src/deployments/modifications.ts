/**
 * Deployment modifications (scale) in the model store: one entity per scale execution (kind
 * `deployment_modification`, id = the execution id, listed under the deployment) that remembers the
 * DSL's modification and the instances as they were, so every step of the scale can be redone after
 * a crash and computes the same thing (the new instance ids are random: they are drawn once).
 *
 * Each step is ONE model-store transaction that also moves the entity's status, so a step either
 * happened completely or not at all, and a repeated step finds the status moved and does nothing:
 * - start (`applied`): the entity, the added instances (uninitialized), the relationships intact
 *   instances gain towards them, the planned count;
 * - finish (`finished`): removed instances deleted, relationships to them dropped, current and
 *   planned counts set;
 * - rollback (`rolledback`): added instances deleted, gained relationships dropped, planned count
 *   back. Cloudify's modification.rollback does the same.
 */
import type { DeploymentModification, Dict } from '../dsl';
import type { PlannedNodeInstance } from '../dsl/plan';
import { KINDS } from '../model/kinds';
import { MAX_TRANSACTION_ITEMS } from '../ports/model-store';
import type { Entity, EntityRef, ModelStore, NewEntity, WriteOp } from '../ports/model-store';
import type { DeploymentData, NodeData, NodeInstanceData } from './model';
import { instanceStoreId, nodeStoreId } from './model';

export const MODIFICATION_KIND = KINDS.deploymentModification;

export type ModificationStatus = 'applied' | 'rolling_back' | 'rollback_started' | 'finished' | 'rolledback';

export interface ModificationData {
  deployment_id: string;
  execution_id: string;
  status: ModificationStatus;
  /** The scaled node or scaling group, whether it is a group, and its instance count before and after. */
  entity: string;
  group: boolean;
  before_count: number;
  after_count: number;
  /** Every instance as it was (graph fields only): the scale's graphs are built over these. */
  before: (PlannedNodeInstance & { state: string })[];
  modification: DeploymentModification;
  /** States of the added instances when the rollback began (its graph is built from them). */
  rollback_states: Record<string, string> | null;
  created_at: string;
  ended_at: string | null;
}

/** The most instances one scale may add or remove: everything of a step fits one transaction. */
export const MAX_SCALE_CHANGES = Math.floor(MAX_TRANSACTION_ITEMS / 2) - 5;

export function modificationRef(tenant: string, executionId: string): EntityRef {
  return { kind: MODIFICATION_KIND, tenant, id: executionId };
}

export function getModification(store: ModelStore, tenant: string, executionId: string): Promise<Entity<ModificationData> | undefined> {
  return store.get<ModificationData>(modificationRef(tenant, executionId));
}

function isConflict(err: unknown): boolean {
  return (err as { errorCode?: string }).errorCode === 'conflict_error';
}

const instanceRef = (tenant: string, id: string): EntityRef => ({ kind: KINDS.nodeInstance, tenant, id: instanceStoreId(id) });

function newInstance(deployment: Entity<DeploymentData>, instance: PlannedNodeInstance, createdBy: string): NewEntity<NodeInstanceData> {
  return {
    kind: KINDS.nodeInstance,
    tenant: deployment.tenant,
    id: instanceStoreId(instance.id),
    parent: deployment.id,
    data: {
      id: instance.id,
      node_id: instance.node_id,
      deployment_id: deployment.id,
      host_id: instance.host_id,
      index: instance.index,
      state: 'uninitialized',
      runtime_properties: {},
      system_properties: {},
      relationships: instance.relationships as unknown as Dict[],
      scaling_groups: instance.scaling_groups,
      visibility: deployment.data.visibility,
      created_by: createdBy,
    },
  };
}

/** Version-checked updates of instances' relationships (skipping instances that are gone). */
async function relationshipUpdates(store: ModelStore, tenant: string, relationships: Map<string, unknown[]>): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  for (const [id, rels] of relationships) {
    const current = await store.get<NodeInstanceData>(instanceRef(tenant, id));
    if (current) ops.push({ type: 'update', update: { ref: current, expectedVersion: current.version, data: { ...current.data, relationships: rels as Dict[] } } });
  }
  return ops;
}

/** The count change as a version-checked write: the node's, or the deployment's scaling group. */
async function countUpdate(store: ModelStore, record: Entity<ModificationData>, fields: { planned: number; current?: number }): Promise<WriteOp> {
  const { deployment_id: deploymentId, entity, group } = record.data;
  if (group) {
    const deployment = (await store.get<DeploymentData>({ kind: KINDS.deployment, tenant: record.tenant, id: deploymentId }))!;
    const scaling = deployment.data.scaling_groups[entity];
    const properties = { ...scaling.properties, planned_instances: fields.planned, ...(fields.current === undefined ? {} : { current_instances: fields.current }) };
    const data = { ...deployment.data, scaling_groups: { ...deployment.data.scaling_groups, [entity]: { ...scaling, properties } } };
    return { type: 'update', update: { ref: deployment, expectedVersion: deployment.version, data } };
  }
  const node = (await store.get<NodeData>({ kind: KINDS.node, tenant: record.tenant, id: nodeStoreId(deploymentId, entity) }))!;
  const data = { ...node.data, planned_number_of_instances: fields.planned, ...(fields.current === undefined ? {} : { number_of_instances: fields.current }) };
  return { type: 'update', update: { ref: node, expectedVersion: node.version, data } };
}

function statusUpdate(record: Entity<ModificationData>, status: ModificationStatus, now: string, extra: Partial<ModificationData> = {}): WriteOp {
  const ended = status === 'finished' || status === 'rolledback' ? { ended_at: now } : {};
  return { type: 'update', update: { ref: record, expectedVersion: record.version, data: { ...record.data, ...extra, status, ...ended } } };
}

/** A model transaction retried on conflicts (another writer touched a node, instance or the deployment). */
async function transactRetried(store: ModelStore, ops: () => Promise<WriteOp[] | null>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const writes = await ops();
    if (!writes) return;
    try {
      await store.transact(writes);
      return;
    } catch (err) {
      if (attempt >= 5 || !isConflict(err)) throw err;
    }
  }
}

/** Writes the modification and its start (status `applied`); does nothing when it was written before. */
export async function startModification(store: ModelStore, deployment: Entity<DeploymentData>, data: ModificationData, createdBy: string): Promise<Entity<ModificationData>> {
  const ref = modificationRef(deployment.tenant, data.execution_id);
  await transactRetried(store, async () => {
    if (await store.get(ref)) return null;
    const pseudo = { ...ref, version: 0, createdAt: '', global: false, data } as Entity<ModificationData>;
    const gained = new Map(data.modification.extended.map((change) => [change.id, data.modification.node_instances.find((i) => i.id === change.id)!.relationships]));
    return [
      { type: 'create', entity: { ...ref, parent: deployment.id, data } },
      ...data.modification.added.map((instance): WriteOp => ({ type: 'create', entity: newInstance(deployment, instance, createdBy) })),
      ...(await relationshipUpdates(store, deployment.tenant, gained)),
      await countUpdate(store, pseudo, { planned: data.after_count }),
    ];
  });
  return (await store.get<ModificationData>(ref))!;
}

/** The scale succeeded: removed instances go, relationships to them are dropped, counts are set. */
export async function finishModification(store: ModelStore, tenant: string, executionId: string, now: string): Promise<void> {
  await transactRetried(store, async () => {
    const record = await getModification(store, tenant, executionId);
    if (!record || record.data.status !== 'applied') return null;
    const { modification } = record.data;
    const after = new Map(modification.node_instances.map((i) => [i.id, i.relationships]));
    const reduced = new Map(modification.reduced.map((change) => [change.id, after.get(change.id) ?? []]));
    const removed: WriteOp[] = [];
    for (const instance of modification.removed) if (await store.get(instanceRef(tenant, instance.id))) removed.push({ type: 'delete', ref: instanceRef(tenant, instance.id) });
    return [statusUpdate(record, 'finished', now), ...removed, ...(await relationshipUpdates(store, tenant, reduced)), await countUpdate(store, record, { planned: record.data.after_count, current: record.data.after_count })];
  });
}

/** The scale failed or was cancelled: added instances go, gained relationships are dropped, the planned count is restored. */
export async function rollbackModification(store: ModelStore, tenant: string, executionId: string, now: string): Promise<void> {
  await transactRetried(store, async () => {
    const record = await getModification(store, tenant, executionId);
    if (!record || record.data.status === 'finished' || record.data.status === 'rolledback') return null;
    const { modification, before } = record.data;
    const previous = new Map(before.map((i) => [i.id, i.relationships]));
    const extended = new Map(modification.extended.map((change) => [change.id, previous.get(change.id) ?? []]));
    const added: WriteOp[] = [];
    for (const instance of modification.added) if (await store.get(instanceRef(tenant, instance.id))) added.push({ type: 'delete', ref: instanceRef(tenant, instance.id) });
    return [statusUpdate(record, 'rolledback', now), ...added, ...(await relationshipUpdates(store, tenant, extended)), await countUpdate(store, record, { planned: record.data.before_count })];
  });
}

/** applied → rolling_back with the added instances' states (conditional: one caller wins). */
export async function beginRollback(store: ModelStore, record: Entity<ModificationData>, states: Record<string, string>): Promise<Entity<ModificationData> | undefined> {
  try {
    return await store.update<ModificationData>({ ref: record, expectedVersion: record.version, data: { ...record.data, status: 'rolling_back', rollback_states: states } });
  } catch (err) {
    if (isConflict(err)) return undefined;
    throw err;
  }
}

/** rolling_back → rollback_started once the rollback's tasks are written. */
export async function markRollbackStarted(store: ModelStore, tenant: string, executionId: string): Promise<void> {
  await store.modify<ModificationData>(modificationRef(tenant, executionId), (current) => (current.data.status === 'rolling_back' ? { ...current.data, status: 'rollback_started' } : undefined));
}
