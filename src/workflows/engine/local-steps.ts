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
import type { ModelStore } from '../../ports/model-store';
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

/** Applies planned writes to the node instances (read-modify-write with the version check, retried). */
export async function applyInstanceWrites(store: ModelStore, tenant: string, writes: Map<string, InstanceWrite>): Promise<void> {
  await Promise.all(
    [...writes].map(([instanceId, write]) =>
      store.modify<NodeInstanceData>(nodeInstanceRef(tenant, instanceId), (current) => {
        const data = current.data;
        const state = (write.state ?? data.state) as NodeInstanceState;
        const props = write.runtimeProperties ? { ...data.runtime_properties, ...write.runtimeProperties } : data.runtime_properties;
        if (state === data.state && !write.runtimeProperties) return undefined;
        return { ...data, state, runtime_properties: props };
      }),
    ),
  );
}
