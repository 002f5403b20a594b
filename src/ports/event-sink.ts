/**
 * Port for emitting events and logs. In the stack the sink is the events queue
 * (src/events/pipeline/queue-sink.ts → indexer → OpenSearch or the local event store); emitters
 * only see `emit`.
 */
import type { StoredEvent } from '../events/model';

export interface EventSink {
  emit(events: StoredEvent[]): Promise<void>;
}
