/** Cloudify list semantics: parse a query, answer it from the store, shape the response. */
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parseBoolean, parseInclude, parseListQuery } from './query';
export type { ListFields, ListQuery, RangeFilter, SortKey } from './query';
export { applyQuery, compareValues, matchesFilters, project, sortItems } from './apply';
export type { Item } from './apply';
export { listEntities } from './engine';
export type { ListResource, ListResult, ListScope } from './engine';
export { listBody, listResponse } from './response';
export type { ListBody } from './response';
