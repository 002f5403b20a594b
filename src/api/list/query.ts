/**
 * Cloudify's list query (reference/cloudify-rest-api.md, "Lists") parsed and validated against
 * the fields of one resource:
 * - `_include=a,b` (repeatable): only those fields; unknown → 400 `no_such_include_field_error`;
 * - `_sort` (repeatable, `-` for descending, pattern `[+-]?@?\w+`); unknown → 400 `bad_parameters_error`;
 * - `_size` (default 1000, at most MAX_PAGE_SIZE), `_offset` (default 0): non-negative integers;
 * - `_search`: case-insensitive substring of the id (or the resource's search fields);
 * - `_range=field,from,to`: `from` inclusive, `to` exclusive, either may be empty;
 * - `_all_tenants`, `_get_all_results`: booleans (`true/false/True/False/1/0`);
 * - any other `_name` is left to the resource (e.g. `_include_system_workflows`);
 * - any name without `_` is a filter on that field: repeated keys OR, different keys AND; a
 *   field the resource does not have → 400 `bad_parameters_error` (unless the resource lists it
 *   in `ignoredParams`, for parameters the CLI sends that are not filters).
 */
import { badParameters, noSuchIncludeField } from '../../model/errors';

export const DEFAULT_PAGE_SIZE = 1000;
/** Larger pages would not fit a Lambda response (6 MB); clients page with `_offset` instead. */
export const MAX_PAGE_SIZE = 10000;

export interface SortKey {
  field: string;
  descending: boolean;
}

export interface RangeFilter {
  field: string;
  /** Inclusive lower bound. */
  from?: string;
  /** Exclusive upper bound. */
  to?: string;
}

export interface ListQuery {
  /** Fields to return; undefined = all. */
  include?: string[];
  /** Empty = the resource's default order (creation order). */
  sort: SortKey[];
  size: number;
  offset: number;
  /** field → accepted values (OR); fields AND. */
  filters: Record<string, string[]>;
  search?: string;
  ranges: RangeFilter[];
  allTenants: boolean;
  getAllResults: boolean;
}

/** What a list resource tells the parser about itself. */
export interface ListFields {
  /** Every field of a rendered item: what `_include`, `_sort`, filters and `_range` may name. */
  fields: readonly string[];
  /** Non-underscore parameters that are accepted and ignored (not filters). */
  ignoredParams?: readonly string[];
  /** Default page size when `_size` is absent (events use 10000). */
  defaultSize?: number;
}

const SORT_PATTERN = /^[+-]?@?\w+$/;
const NON_NEGATIVE_INT = /^\d+$/;
const TRUE_VALUES = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE_VALUES = new Set(['false', '0', 'no', 'n', 'off', '']);

/** A boolean as Cloudify clients send it (`true`, `True`, `"false"`, ...); throws 400 otherwise. */
export function parseBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (TRUE_VALUES.has(lower)) return true;
    if (FALSE_VALUES.has(lower)) return false;
  }
  throw badParameters(`\`${name}\` must be a boolean (true or false), got ${JSON.stringify(value)}`);
}

/** The last value of a query parameter. */
function last(values: string[] | undefined): string | undefined {
  return values && values.length > 0 ? values[values.length - 1] : undefined;
}

function nonNegativeInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const trimmed = value.trim();
  if (!NON_NEGATIVE_INT.test(trimmed)) throw badParameters(`\`${name}\` must be a non-negative integer, got ${JSON.stringify(value)}`);
  const parsed = Number(trimmed);
  if (!Number.isSafeInteger(parsed)) throw badParameters(`\`${name}\` is too large: ${value}`);
  return parsed;
}

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).map((part) => part.trim()).filter((part) => part !== '');
}

/** `_include` alone (GET of one resource accepts it too). */
export function parseInclude(query: Record<string, string[]>, fields: readonly string[]): string[] | undefined {
  if (query._include === undefined) return undefined;
  const include = splitList(query._include);
  const known = new Set(fields);
  const unknown = include.filter((field) => !known.has(field));
  if (unknown.length > 0) {
    throw noSuchIncludeField(`Illegal include field(s): ${unknown.join(', ')}; the fields are: ${fields.join(', ')}`);
  }
  return include.length > 0 ? [...new Set(include)] : undefined;
}

function parseSort(values: string[] | undefined, known: Set<string>): SortKey[] {
  const keys: SortKey[] = [];
  for (const raw of splitList(values)) {
    if (!SORT_PATTERN.test(raw)) throw badParameters(`Illegal sort parameter \`${raw}\`: expected a field name with an optional + or - prefix`);
    const descending = raw.startsWith('-');
    const field = raw.replace(/^[+-]/, '');
    if (!known.has(field)) throw badParameters(`Cannot sort by unknown field \`${field}\``);
    if (!keys.some((key) => key.field === field)) keys.push({ field, descending });
  }
  return keys;
}

function parseRanges(values: string[] | undefined, known: Set<string>): RangeFilter[] {
  return (values ?? []).map((value) => {
    const parts = value.split(',');
    if (parts.length !== 3) throw badParameters(`\`_range\` must be \`field,from,to\`, got ${JSON.stringify(value)}`);
    const [field, from, to] = parts.map((part) => part.trim());
    if (!known.has(field)) throw badParameters(`Cannot filter a range of unknown field \`${field}\``);
    return { field, ...(from !== '' ? { from } : {}), ...(to !== '' ? { to } : {}) };
  });
}

export function parseListQuery(query: Record<string, string[]>, resource: ListFields): ListQuery {
  const known = new Set(resource.fields);
  const ignored = new Set(resource.ignoredParams ?? []);
  const filters: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(query)) {
    if (name.startsWith('_') || ignored.has(name)) continue;
    if (!known.has(name)) throw badParameters(`Cannot filter by unknown field \`${name}\``);
    filters[name] = values;
  }
  const size = nonNegativeInt(last(query._size), '_size', resource.defaultSize ?? DEFAULT_PAGE_SIZE);
  if (size > MAX_PAGE_SIZE) throw badParameters(`\`_size\` may be at most ${MAX_PAGE_SIZE}; page with \`_offset\` for more`);
  const search = last(query._search);
  return {
    include: parseInclude(query, resource.fields),
    sort: parseSort(query._sort, known),
    size,
    offset: nonNegativeInt(last(query._offset), '_offset', 0),
    filters,
    ...(search !== undefined && search !== '' ? { search } : {}),
    ranges: parseRanges(query._range, known),
    allTenants: query._all_tenants ? parseBoolean(last(query._all_tenants), '_all_tenants') : false,
    getAllResults: query._get_all_results ? parseBoolean(last(query._get_all_results), '_get_all_results') : false,
  };
}
