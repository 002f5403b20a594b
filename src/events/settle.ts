/**
 * Pages of a running execution's events read in time order hold back the newest moments.
 *
 * Why: events reach the index asynchronously and not always in the order they happened (a task's
 * `task_started` waits up to 250 ms to travel with its outcome, batches of concurrent workers
 * race), so an event can be stored in front of events a reader already has. A client that
 * follows an execution by offset, as `cfy` and the stratus CLI do (`_offset` advancing over
 * `_sort=reported_timestamp`), would then read one event twice and never see the late one.
 * Holding back the last EVENTS_SETTLE_MS of a running execution keeps every page a stable prefix;
 * once the execution has ended nothing is held back.
 */
import type { EventQuery } from '../ports/event-index';

/**
 * Longer than an event takes from emission to the index here (p99 about 1 s on a loaded local
 * runtime, bench/RESULTS.md; OpenSearch makes writes searchable after its 1 s refresh).
 */
export const EVENTS_SETTLE_MS = 3000;

/** The execution a query follows in ascending time order, if it is such a query. */
export function followedExecution(query: EventQuery): string | undefined {
  const ids = query.filters.execution_id ?? [];
  if (ids.length !== 1 || query.range !== undefined) return undefined;
  if (query.sort.length > 0 && query.sort[0].descending) return undefined;
  return ids[0];
}

/** The query without the events of the last `settleMs` (on the field it is sorted by). */
export function settledQuery(query: EventQuery, now: Date, settleMs = EVENTS_SETTLE_MS): EventQuery {
  const field = query.sort[0]?.field ?? 'timestamp';
  return { ...query, range: { field, to: new Date(now.getTime() - settleMs).toISOString() } };
}
