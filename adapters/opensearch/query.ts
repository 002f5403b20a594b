/**
 * EventQuery → an OpenSearch search body, with the same meaning as src/events/pipeline/match.ts:
 * term filters per field (values OR, fields AND), event_type only on events and level only on logs,
 * `message.text` as case-insensitive wildcards on `message.wildcard`, `_range` as a date range
 * (gte / lt), sort with `storage_id` as the tie-breaker, honest totals.
 */
import type { EventQuery } from '../../src/ports/event-index';
import { EVENT_FILTER_FIELDS } from '../../src/ports/event-index';

type Clause = Record<string, unknown>;

/** A `message.text` pattern (`%` = any run) → an OpenSearch wildcard value matching anywhere. */
export function wildcardValue(pattern: string): string {
  const escaped = pattern.replace(/[\\*?]/g, '\\$&').replaceAll('%', '*');
  return `*${escaped}*`;
}

function kindClause(kind: 'cloudify_event' | 'cloudify_log', field: string, values: string[]): Clause {
  // Either the other kind, or this kind with a matching value.
  return {
    bool: {
      should: [
        { bool: { must_not: [{ term: { type: kind } }] } },
        { bool: { filter: [{ term: { type: kind } }, { terms: { [field]: values } }] } },
      ],
      minimum_should_match: 1,
    },
  };
}

export function searchBody(query: EventQuery): Clause {
  const filter: Clause[] = [{ terms: { tenant_name: query.tenants } }];
  if (query.types.length > 0) filter.push({ terms: { type: query.types } });
  for (const field of EVENT_FILTER_FIELDS) {
    const values = query.filters[field];
    if (values && values.length > 0) filter.push({ terms: { [field]: values } });
  }
  if (query.eventTypes?.length) filter.push(kindClause('cloudify_event', 'event_type', query.eventTypes));
  if (query.levels?.length) filter.push(kindClause('cloudify_log', 'level', query.levels));
  if (query.messageText?.length) {
    filter.push({
      bool: {
        should: query.messageText.map((pattern) => ({ wildcard: { 'message.wildcard': { value: wildcardValue(pattern), case_insensitive: true } } })),
        minimum_should_match: 1,
      },
    });
  }
  if (query.range && (query.range.from !== undefined || query.range.to !== undefined)) {
    const bounds: Clause = {};
    if (query.range.from !== undefined) bounds.gte = query.range.from;
    if (query.range.to !== undefined) bounds.lt = query.range.to;
    filter.push({ range: { [query.range.field]: bounds } });
  }
  const sort = (query.sort.length > 0 ? query.sort : [{ field: 'timestamp', descending: false }]).map(({ field, descending }) => ({
    [field]: { order: descending ? 'desc' : 'asc' },
  }));
  sort.push({ storage_id: { order: 'asc' } });
  return {
    query: { bool: { filter } },
    sort,
    from: query.offset,
    size: query.size,
    track_total_hits: true,
  };
}
