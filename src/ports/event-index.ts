/**
 * Port for the searchable store of events and logs (OpenSearch in AWS, the local event store in
 * `npm start`): bulk writes from the indexer, searches from `GET /events`. Both adapters honour the
 * same semantics, described here once (reference/cloudify-rest-api.md, "Events and logs").
 *
 * src/ports/event-sink.ts (EventSink) is the emitting side: emitters never see this port.
 */
import type { StoredEvent } from '../events/model';

/** An event as stored: the emitted shape plus the id it is stored under (idempotent writes). */
export type IndexedEvent = StoredEvent & { _storage_id: string };

/** Filters on plain fields: each value list ORs, different fields AND. */
export const EVENT_FILTER_FIELDS = ['deployment_id', 'execution_id', 'blueprint_id', 'node_name', 'node_instance_id', 'operation'] as const;
export type EventFilterField = (typeof EVENT_FILTER_FIELDS)[number];

export type EventKind = 'cloudify_event' | 'cloudify_log';
export type EventSortField = 'timestamp' | 'reported_timestamp';

export interface EventQuery {
  /** Tenants whose events may match (never empty: the caller's tenant at least). */
  tenants: string[];
  /** Which kinds; empty = both. */
  types: EventKind[];
  filters: Partial<Record<EventFilterField, string[]>>;
  /** Applies to events only: logs are not filtered by it (Cloudify filters each table on its own columns). */
  eventTypes?: string[];
  /** Applies to logs only. */
  levels?: string[];
  /**
   * `message.text` patterns: each matches a message containing it anywhere, where `%` stands for any
   * run of characters; case-insensitive. Several patterns OR.
   */
  messageText?: string[];
  /** On `timestamp`: from inclusive, to exclusive, ISO strings; either may be absent. */
  range?: { field: EventSortField; from?: string; to?: string };
  /** Applied in order; ties end by storage order. Empty = `timestamp` ascending. */
  sort: { field: EventSortField; descending: boolean }[];
  size: number;
  offset: number;
}

export interface EventSearchResult {
  items: IndexedEvent[];
  /** Every match, not only this page. */
  total: number;
}

export interface BulkIndexResult {
  /** Storage ids that could not be written (after retries) with the reason; the rest are stored. */
  failed: { id: string; reason: string }[];
}

export interface EventIndex {
  /** Writes events; an id already stored is kept as it is (redelivered messages add nothing). */
  index(events: IndexedEvent[]): Promise<BulkIndexResult>;
  search(query: EventQuery): Promise<EventSearchResult>;
}
