/**
 * Port for emitting events and logs, and reading them back. The minimal store lives in the
 * operations table (adapters/dynamodb/event-store.ts) until the events issue brings the events
 * queue → indexer → OpenSearch path; emitters only see `emit`, so that swap touches no caller.
 */
import type { StoredEvent } from '../events/model';

export interface EventSink {
  emit(events: StoredEvent[]): Promise<void>;
}

export interface EventReader {
  /** The execution's events and logs in the order they were emitted (reported_timestamp, then emission order). */
  forExecution(tenant: string, executionId: string): Promise<StoredEvent[]>;
}
