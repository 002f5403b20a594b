/**
 * List semantics applied in memory to rendered items (plain Cloudify-shaped objects): filters,
 * `_search`, `_range`, `_sort`, the page window and `_include`. The store-backed engine
 * (./engine.ts) uses these when a query cannot be answered from the creation-ordered index alone.
 */
import type { ListQuery, RangeFilter, SortKey } from './query';

export type Item = Record<string, unknown>;

/** How a stored value reads as a query string value, for filter comparison. */
function matchesValue(actual: unknown, wanted: string): boolean {
  if (Array.isArray(actual)) return actual.some((element) => matchesValue(element, wanted));
  if (actual === null || actual === undefined) return ['null', 'none'].includes(wanted.toLowerCase());
  if (typeof actual === 'boolean') return String(actual) === wanted.toLowerCase();
  if (typeof actual === 'number') return wanted.trim() !== '' && Number(wanted) === actual;
  if (typeof actual === 'string') return actual === wanted;
  return false;
}

export function matchesFilters(item: Item, filters: Record<string, string[]>): boolean {
  return Object.entries(filters).every(([field, values]) => values.some((value) => matchesValue(item[field], value)));
}

export function matchesSearch(item: Item, search: string | undefined, fields: readonly string[] = ['id']): boolean {
  if (search === undefined) return true;
  const needle = search.toLowerCase();
  return fields.some((field) => typeof item[field] === 'string' && (item[field] as string).toLowerCase().includes(needle));
}

/** Numbers compare as numbers when both sides are numeric, everything else as strings. */
function compareBound(value: unknown, bound: string): number {
  if (typeof value === 'number' && bound.trim() !== '' && Number.isFinite(Number(bound))) return value - Number(bound);
  const text = String(value);
  return text < bound ? -1 : text > bound ? 1 : 0;
}

export function matchesRanges(item: Item, ranges: RangeFilter[]): boolean {
  return ranges.every(({ field, from, to }) => {
    const value = item[field];
    if (value === null || value === undefined) return false;
    if (from !== undefined && compareBound(value, from) < 0) return false;
    if (to !== undefined && compareBound(value, to) >= 0) return false;
    return true;
  });
}

function rank(value: unknown): number {
  if (value === null || value === undefined) return 3;
  if (typeof value === 'boolean') return 0;
  if (typeof value === 'number') return 1;
  return 2;
}

/** Ascending order like PostgreSQL's (Cloudify's store): nulls last; numbers numerically. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 3) return 0;
  if (ra === 0 || ra === 1) return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Sorts a copy; ties keep the input order (callers pass items in creation order). */
export function sortItems(items: Item[], sort: SortKey[]): Item[] {
  if (sort.length === 0) return [...items];
  return [...items].sort((a, b) => {
    for (const { field, descending } of sort) {
      const order = compareValues(a[field], b[field]);
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  });
}

export function project(item: Item, include: string[] | undefined): Item {
  if (!include) return item;
  const out: Item = {};
  for (const field of include) out[field] = item[field] ?? null;
  return out;
}

export interface Window {
  items: Item[];
  total: number;
}

/** Everything of the query but `_include`, over items given in creation order. */
export function applyQuery(items: Item[], query: ListQuery, searchFields?: readonly string[]): Window {
  const kept = items.filter(
    (item) => matchesFilters(item, query.filters) && matchesSearch(item, query.search, searchFields) && matchesRanges(item, query.ranges),
  );
  const sorted = sortItems(kept, query.sort);
  const end = query.getAllResults ? sorted.length : query.offset + query.size;
  return { items: sorted.slice(query.offset, end), total: sorted.length };
}
