/**
 * The meaning of an EventQuery for stores that evaluate it in memory (the local event store); the
 * OpenSearch adapter translates the same rules into a query body.
 */
import type { EventQuery, EventSortField, IndexedEvent } from '../../ports/event-index';
import { EVENT_FILTER_FIELDS } from '../../ports/event-index';

/** `message.text` pattern → a case-insensitive regular expression matching anywhere (`%` = any run). */
export function messagePattern(pattern: string): RegExp {
  const body = pattern
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(body, 'is');
}

export function compileMatcher(query: EventQuery): (event: IndexedEvent) => boolean {
  const tenants = new Set(query.tenants);
  const types = query.types.length > 0 ? new Set<string>(query.types) : undefined;
  const filters = EVENT_FILTER_FIELDS.flatMap((field) => {
    const values = query.filters[field];
    return values && values.length > 0 ? [{ field, values: new Set(values) }] : [];
  });
  const eventTypes = query.eventTypes?.length ? new Set(query.eventTypes) : undefined;
  const levels = query.levels?.length ? new Set(query.levels) : undefined;
  const patterns = query.messageText?.length ? query.messageText.map(messagePattern) : undefined;
  const range = query.range;
  return (event) => {
    if (!tenants.has(event.tenant_name)) return false;
    if (types && !types.has(event.type)) return false;
    for (const { field, values } of filters) {
      const value = event[field];
      if (value === null || value === undefined || !values.has(value)) return false;
    }
    if (eventTypes && event.type === 'cloudify_event' && !eventTypes.has(event.event_type ?? '')) return false;
    if (levels && event.type === 'cloudify_log' && !levels.has(event.level ?? '')) return false;
    if (patterns && !patterns.some((p) => p.test(event.message))) return false;
    if (range) {
      const at = event[range.field];
      if (range.from !== undefined && at < range.from) return false;
      if (range.to !== undefined && at >= range.to) return false;
    }
    return true;
  };
}

/** Sort order; ties end by `position` (storage order). ISO strings of one format compare as text. */
export function compareBy(sort: { field: EventSortField; descending: boolean }[]) {
  const keys = sort.length > 0 ? sort : [{ field: 'timestamp' as const, descending: false }];
  return (a: { event: IndexedEvent; position: number }, b: { event: IndexedEvent; position: number }): number => {
    for (const { field, descending } of keys) {
      const x = a.event[field];
      const y = b.event[field];
      if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
    }
    return a.position - b.position;
  };
}
