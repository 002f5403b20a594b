/**
 * The local steps of a graph (set_state, send_event, marker) as the engine applies them: events for
 * their messages, and node-instance writes with the model store's version check. Consecutive state
 * changes of one instance with nothing between them are written once (the last state); an
 * operation's runtime-property changes ride on the same write.
 */
import type { Dict } from '../../dsl';
import type { NodeInstanceData, NodeInstanceState } from '../../deployments/model';
import { nodeInstanceRef } from '../../deployments/node-instances';
import { cloudifyEvent } from '../../events/model';
import type { EventScope, StoredEvent } from '../../events/model';
import type { Entity, ModelStore } from '../../ports/model-store';
import type { LocalTask } from './persisted';

export interface InstanceWrite {
  state?: string;
  runtimeProperties?: Dict;
}

/** Plans the writes and events of a run of local steps; `initial` carries an operation's runtime properties. */
export function planLocalSteps(scope: EventScope, steps: LocalTask[], initial: Map<string, InstanceWrite> = new Map()): { writes: Map<string, InstanceWrite>; events: StoredEvent[] } {
  const writes = initial;
  const events: StoredEvent[] = [];
  for (const step of steps) {
    if (step.kind === 'set_state' && step.instance_id) {
      const write = writes.get(step.instance_id) ?? {};
      write.state = step.state;
      writes.set(step.instance_id, write);
    }
    const message = step.kind === 'set_state' ? step.message : step.kind === 'send_event' ? step.message : null;
    if (message) events.push(cloudifyEvent(scope, 'workflow_node_event', message, { nodeInstanceId: step.instance_id, nodeName: step.node_id }));
  }
  return { writes, events };
}

/** Adds `writes` to `into`: a later state replaces an earlier one, runtime properties accumulate. */
export function mergeInstanceWrites(into: Map<string, InstanceWrite>, writes: Map<string, InstanceWrite>): void {
  for (const [instanceId, write] of writes) {
    const earlier = into.get(instanceId);
    if (!earlier) {
      into.set(instanceId, { ...write });
      continue;
    }
    if (write.state !== undefined) earlier.state = write.state;
    if (write.runtimeProperties) earlier.runtimeProperties = { ...earlier.runtimeProperties, ...write.runtimeProperties };
  }
}

/** The last state each instance is set to by `steps` (no events: for re-applying states already announced). */
export function finalStates(steps: LocalTask[]): Map<string, InstanceWrite> {
  const writes = new Map<string, InstanceWrite>();
  for (const step of steps) if (step.kind === 'set_state' && step.instance_id) writes.set(step.instance_id, { state: step.state });
  return writes;
}

/**
 * The node instances an engine last wrote (or read for a graph), by `[<execution>#]<tenant>#<instance
 * id>` (bounded; see applyInstanceWrites). Remembered per execution: a version remembered from an
 * earlier execution is most often stale by the next one (the workflow worker runs the roots), and a
 * refused write costs more than the read it saves.
 */
export type InstanceCache = Map<string, Entity<NodeInstanceData>>;
const INSTANCE_CACHE_LIMIT = 20000;

function cacheKey(tenant: string, instanceId: string, execution?: string): string {
  return execution ? `${execution}#${tenant}#${instanceId}` : `${tenant}#${instanceId}`;
}

/** Remembers instances just read for an execution (the graph build), so its first writes skip their read. */
export function rememberInstances(cache: InstanceCache, tenant: string, execution: string, entities: Entity<NodeInstanceData>[]): void {
  if (cache.size + entities.length > INSTANCE_CACHE_LIMIT) cache.clear();
  if (entities.length > INSTANCE_CACHE_LIMIT) return;
  for (const entity of entities) cache.set(cacheKey(tenant, entity.id, execution), entity);
}

function changeFor(write: InstanceWrite): (current: Entity<NodeInstanceData>) => NodeInstanceData | undefined {
  return (current) => {
    const data = current.data;
    const state = (write.state ?? data.state) as NodeInstanceState;
    const props = write.runtimeProperties ? { ...data.runtime_properties, ...write.runtimeProperties } : data.runtime_properties;
    if (state === data.state && !write.runtimeProperties) return undefined;
    return { ...data, state, runtime_properties: props };
  };
}

/**
 * Applies planned writes to the node instances with the model store's version check. An instance
 * this engine wrote last is written straight from the remembered version (no read, neither here nor
 * in the store, which is handed the remembered entity: an install writes each instance's state three
 * or four times in a row); when someone else changed it since, the version check refuses that write
 * and it is redone as a read-modify-write.
 */
export async function applyInstanceWrites(store: ModelStore, tenant: string, writes: Map<string, InstanceWrite>, cache?: InstanceCache, execution?: string): Promise<void> {
  await Promise.all(
    [...writes].map(async ([instanceId, write]) => {
      const ref = nodeInstanceRef(tenant, instanceId);
      const change = changeFor(write);
      const key = cacheKey(tenant, instanceId, execution);
      const known = cache?.get(key);
      let result: Entity<NodeInstanceData> | undefined;
      const data = known ? change(known) : undefined;
      if (known && data) {
        try {
          result = await store.update<NodeInstanceData>({ ref, expectedVersion: known.version, data, current: known });
        } catch {
          // Changed (or removed) since: the read-modify-write below decides with the current item.
          cache?.delete(key);
        }
      }
      result ??= await store.modify<NodeInstanceData>(ref, change);
      if (!cache) return;
      if (cache.size >= INSTANCE_CACHE_LIMIT) cache.clear();
      cache.set(key, result);
    }),
  );
}
