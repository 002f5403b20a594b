/**
 * Deployment modifications (scale) in the model store: one entity per scale execution (kind
 * `deployment_modification`, id = the execution id, listed under the deployment) that remembers the
 * DSL's modification and the instances as they were, so every step of the scale can be redone after
 * a crash and computes the same thing (the new instance ids are random: they are drawn once).
 *
 * A step writes any number of instances in several transactions ("chunks") driven by the entity:
 * each chunk's transaction also moves the entity's `progress` (step, chunks done) from the version it
 * read, so a chunk is written exactly once even under duplicate or concurrent callers (the loser's
 * transaction fails as a conflict, it re-reads and goes on from where the winner got). The last
 * transaction of a step moves the status and the counts, so a half-done step never shows as final:
 * - apply (`applying` → `applied`): the added instances (uninitialized), the relationships intact
 *   instances gain towards them; then the planned count. The engine installs nothing before `applied`.
 * - finish (`applied` → `finished`): removed instances deleted, relationships to them dropped; then
 *   the current and planned counts.
 * - rollback (any unsettled status → `rolledback`): added instances deleted (those a partial apply
 *   wrote), gained relationships dropped; then the planned count back. Cloudify's
 *   modification.rollback does the same.
 * Once a finish or a rollback wrote its first chunk the other cannot start: a caller asking for the
 * other completes the one under way instead (the model never mixes the two).
 *
 * A modification left unsettled (its execution ended without settling it, or still runs) refuses
 * the next scale of the deployment, as Cloudify's started modifications do, unless that scale is
 * given `abort_started`: it rolls them back first (abortModification).
 */
import type { DeploymentModification, Dict } from '../dsl';
import type { PlannedNodeInstance } from '../dsl/plan';
import { KINDS } from '../model/kinds';
import { MAX_TRANSACTION_ITEMS } from '../ports/model-store';
import type { Entity, EntityRef, ModelStore, WriteOp } from '../ports/model-store';
import type { DeploymentData, NodeData, NodeInstanceData } from './model';
import { instanceStoreId, nodeStoreId } from './model';
import { newInstanceEntity } from './instance-entity';

export const MODIFICATION_KIND = KINDS.deploymentModification;

export type ModificationStatus = 'applying' | 'applied' | 'rolling_back' | 'rollback_started' | 'finished' | 'rolledback';

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
  /** The multi-transaction step under way and how many of its chunks are written (null: none). */
  progress?: { step: ModificationStep; done: number } | null;
  /** false: a failed scale-out keeps its added instances (finished, no rollback); default true. */
  rollback_if_failed?: boolean;
  /** Who started the scale (the added instances' created_by). */
  created_by?: string;
  /** The scale execution that rolled this unfinished modification back (its `abort_started`). */
  aborted_by?: string;
  created_at: string;
  ended_at: string | null;
}

export type ModificationStep = 'apply' | 'finish' | 'rollback';

/**
 * Instance writes per chunk transaction. A create also moves list-block and child-count items of
 * the store (a few per chunk, docs/data-model.md), and the chunk moves the modification itself:
 * well under MAX_TRANSACTION_ITEMS.
 */
export const SCALE_CHUNK = Math.floor(MAX_TRANSACTION_ITEMS / 2) - 10;

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

const SETTLED: readonly ModificationStatus[] = ['finished', 'rolledback'];

export function isSettled(status: ModificationStatus): boolean {
  return SETTLED.includes(status);
}

/** Every modification of a deployment (one per scale execution it ran), in creation order. */
export function deploymentModifications(store: ModelStore, tenant: string, deploymentId: string): Promise<Entity<ModificationData>[]> {
  return store.all<ModificationData>({ tenant, kind: MODIFICATION_KIND, parent: deploymentId });
}

/** One instance write of a step: computed when its chunk is written, against the store as it is then. */
type Unit = { type: 'create'; instance: PlannedNodeInstance } | { type: 'delete'; id: string } | { type: 'relate'; id: string; relationships: unknown[] };

function unitsOf(record: Entity<ModificationData>, step: ModificationStep): Unit[] {
  const { modification, before } = record.data;
  const after = new Map(modification.node_instances.map((i) => [i.id, i.relationships as unknown[]]));
  if (step === 'apply') {
    return [
      ...modification.added.map((instance): Unit => ({ type: 'create', instance })),
      ...modification.extended.map((change): Unit => ({ type: 'relate', id: change.id, relationships: after.get(change.id) ?? [] })),
    ];
  }
  if (step === 'finish') {
    return [
      ...modification.removed.map((i): Unit => ({ type: 'delete', id: i.id })),
      ...modification.reduced.map((change): Unit => ({ type: 'relate', id: change.id, relationships: after.get(change.id) ?? [] })),
    ];
  }
  const previous = new Map(before.map((i) => [i.id, i.relationships as unknown[]]));
  return [
    ...modification.added.map((i): Unit => ({ type: 'delete', id: i.id })),
    ...modification.extended.map((change): Unit => ({ type: 'relate', id: change.id, relationships: previous.get(change.id) ?? [] })),
  ];
}

/** A chunk's writes: creates of instances not there yet, deletes of instances still there, version-checked relationship updates. */
async function unitWrites(store: ModelStore, deployment: Entity<DeploymentData>, units: Unit[], createdBy: string): Promise<WriteOp[]> {
  const tenant = deployment.tenant;
  const current = await Promise.all(units.map((unit) => store.get<NodeInstanceData>(instanceRef(tenant, unit.type === 'create' ? unit.instance.id : unit.id))));
  const ops: WriteOp[] = [];
  units.forEach((unit, i) => {
    const found = current[i];
    if (unit.type === 'create') {
      if (!found) ops.push({ type: 'create', entity: newInstanceEntity({ tenant: deployment.tenant, deploymentId: deployment.id, visibility: deployment.data.visibility, createdBy }, unit.instance) });
    } else if (unit.type === 'delete') {
      if (found) ops.push({ type: 'delete', ref: instanceRef(tenant, unit.id), expectedVersion: found.version });
    } else if (found && JSON.stringify(found.data.relationships) !== JSON.stringify(unit.relationships)) {
      ops.push({ type: 'update', update: { ref: found, expectedVersion: found.version, data: { ...found.data, relationships: unit.relationships as Dict[] } } });
    }
  });
  return ops;
}

/** The status a finished step leaves. */
function finalOf(step: ModificationStep): ModificationStatus {
  return step === 'apply' ? 'applied' : step === 'finish' ? 'finished' : 'rolledback';
}

/** Which step a caller asking for `wanted` must run on this record (null: nothing to do any more). */
function stepFor(record: Entity<ModificationData>, wanted: ModificationStep): ModificationStep | null {
  const { status, progress } = record.data;
  if (SETTLED.includes(status)) return null;
  if (wanted === 'apply') return status === 'applying' && (!progress || progress.step === 'apply') ? 'apply' : null;
  // A finish or rollback that wrote a chunk is completed by whoever comes next.
  if (progress && progress.step !== 'apply' && progress.done > 0) return progress.step;
  if (wanted === 'finish') return status === 'applied' ? 'finish' : null;
  return 'rollback';
}

/**
 * Runs a step to its end, chunk by chunk (see the top of this file); safe to call again, also
 * concurrently. Returns the modification as it is afterwards.
 */
async function runStep(store: ModelStore, tenant: string, executionId: string, wanted: ModificationStep, now: string): Promise<Entity<ModificationData> | undefined> {
  let conflicts = 0;
  for (;;) {
    const record = await getModification(store, tenant, executionId);
    if (!record) return undefined;
    const step = stepFor(record, wanted);
    if (!step) return record;
    const deployment = await store.get<DeploymentData>({ kind: KINDS.deployment, tenant, id: record.data.deployment_id });
    if (!deployment) return record;
    const units = unitsOf(record, step);
    const chunks = Math.ceil(units.length / SCALE_CHUNK);
    const done = record.data.progress?.step === step ? record.data.progress.done : 0;
    let writes: WriteOp[];
    if (done < chunks) {
      const chunk = await unitWrites(store, deployment, units.slice(done * SCALE_CHUNK, (done + 1) * SCALE_CHUNK), record.data.created_by ?? 'admin');
      writes = [{ type: 'update', update: { ref: record, expectedVersion: record.version, data: { ...record.data, progress: { step, done: done + 1 } } } }, ...chunk];
    } else {
      const status = finalOf(step);
      const count = step === 'apply' ? { planned: record.data.after_count } : step === 'finish' ? { planned: record.data.after_count, current: record.data.after_count } : { planned: record.data.before_count };
      const ended = status === 'applied' ? {} : { ended_at: now };
      writes = [{ type: 'update', update: { ref: record, expectedVersion: record.version, data: { ...record.data, status, progress: null, ...ended } } }, await countUpdate(store, record, count)];
    }
    try {
      await store.transact(writes);
      conflicts = 0;
    } catch (err) {
      // Another caller moved the modification (or an instance, a node, the deployment): read again.
      if (!isConflict(err) || ++conflicts >= 20) throw err;
    }
  }
}

/**
 * Writes the modification (status `applying`) unless it exists, then applies it: the added
 * instances, the gained relationships, the planned count (`applied`). Also resumes a partial apply.
 */
export async function startModification(store: ModelStore, deployment: Entity<DeploymentData>, data: ModificationData, createdBy: string): Promise<Entity<ModificationData>> {
  const ref = modificationRef(deployment.tenant, data.execution_id);
  if (!(await store.get(ref))) {
    try {
      await store.create<ModificationData>({ ...ref, parent: deployment.id, data: { ...data, status: 'applying', progress: null, created_by: createdBy } });
    } catch (err) {
      if (!isConflict(err)) throw err; // written by a duplicate meanwhile: it is the same modification (same ids) or it wins
    }
  }
  return (await runStep(store, deployment.tenant, data.execution_id, 'apply', new Date().toISOString()))!;
}

/** Continues an apply a crash interrupted (the stored modification is `applying`). */
export async function resumeModification(store: ModelStore, tenant: string, executionId: string): Promise<Entity<ModificationData> | undefined> {
  return runStep(store, tenant, executionId, 'apply', new Date().toISOString());
}

/** The scale succeeded: removed instances go, relationships to them are dropped, counts are set. */
export async function finishModification(store: ModelStore, tenant: string, executionId: string, now: string): Promise<void> {
  await runStep(store, tenant, executionId, 'finish', now);
}

/** The scale failed or was cancelled: added instances go, gained relationships are dropped, the planned count is restored. */
export async function rollbackModification(store: ModelStore, tenant: string, executionId: string, now: string): Promise<void> {
  await runStep(store, tenant, executionId, 'rollback', now);
}

/**
 * An unsettled modification that a later scale (`abort_started`, execution `by`) removes: marked
 * `aborted_by` (once, conditional), then rolled back like a cancelled scale's (chunked, safe to
 * repeat and to run concurrently; a finish already under way is completed instead). Returns it as
 * it is afterwards.
 */
export async function abortModification(store: ModelStore, tenant: string, executionId: string, by: string, now: string): Promise<Entity<ModificationData> | undefined> {
  const ref = modificationRef(tenant, executionId);
  if (!(await store.get(ref))) return undefined;
  await store.modify<ModificationData>(ref, (current) => (SETTLED.includes(current.data.status) || current.data.aborted_by ? undefined : { ...current.data, aborted_by: by }));
  return runStep(store, tenant, executionId, 'rollback', now);
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
