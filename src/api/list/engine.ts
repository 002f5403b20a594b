/**
 * Answers a parsed list query from the model store. Two paths (docs/data-model.md, "Lists"):
 * - *index path*: one tenant, no filters (or only one value of the parent filter, e.g.
 *   `deployment_id` of node instances), no `_search` or `_range`, and creation order (no `_sort`,
 *   or `_sort=created_at` / `-created_at`), and nothing restricted hidden from the caller: the
 *   store's `page` reads only the page (plus one block of the creation index) and the block
 *   counts (of the tenant's collection or of the parent's children) give `total`;
 * - *memory path*: anything else: every entity of the collection(s) is read (`all`, one query per
 *   tenant or per parent), rendered, filtered, sorted and sliced here. It costs the size of the
 *   collection, so filters on a parent (`deployment_id` of node instances) narrow it to that
 *   parent's children first.
 * Global entities of other tenants are merged in when the resource kind can be global.
 */
import type { Collection, Entity, EntityData, ModelStore } from '../../ports/model-store';
import { applyQuery, project } from './apply';
import type { Item } from './apply';
import type { ListFields, ListQuery } from './query';

export interface ListResource<T extends object = EntityData> extends ListFields {
  kind: string;
  /** The entity as its Cloudify JSON: pure and synchronous (it runs for every entity on the memory path). */
  render(entity: Entity<T>): Item;
  /** Fields `_search` matches; default `id`. */
  searchFields?: readonly string[];
  /** The rendered field holding the store's createdAt (default `created_at`). */
  createdAtField?: string;
  /** The filter naming the parent collection (e.g. `deployment_id` for node instances). */
  parentField?: string;
  /** The kind can be `global`: other tenants' global entities are listed too. */
  globalCapable?: boolean;
  /**
   * Hides entities from this caller (e.g. other users' `private` resources). The index path is
   * kept while the collection holds no restricted entity (NewEntity.restricted); otherwise the
   * memory path filters, so that `total` counts only what the caller sees.
   */
  visible?: (entity: Entity<T>) => boolean;
  /**
   * `visible` also hides entities the store does not count as restricted (system executions unless
   * `_include_system_workflows`): block counts cannot give that `total`, so the memory path is used.
   */
  hidesUnrestricted?: boolean;
}

export interface ListScope {
  /** The tenants to list: the request's tenant, or every tenant the user may see with `_all_tenants`. */
  tenants: string[];
}

export interface ListResult {
  items: Item[];
  total: number;
}

function indexOrder(resource: ListResource<object>, query: ListQuery): { descending: boolean } | undefined {
  if (query.sort.length === 0) return { descending: false };
  const createdAt = resource.createdAtField ?? 'created_at';
  if (query.sort.length === 1 && query.sort[0].field === createdAt) return { descending: query.sort[0].descending };
  return undefined;
}

/**
 * The collection a creation-ordered page can be read from with the store's `page`: the tenant's
 * whole collection when nothing narrows the query, or one parent's children when the only narrowing
 * is one value of the parent filter (`deployment_id=d1` of node instances, `blueprint_id=b1` of
 * deployments): the store keeps list blocks per parent too.
 */
function pageableParent(resource: ListResource<object>, query: ListQuery): { parent?: string } | undefined {
  if (query.search !== undefined || query.ranges.length > 0) return undefined;
  const fields = Object.keys(query.filters);
  if (fields.length === 0) return {};
  const values = resource.parentField ? query.filters[resource.parentField] : undefined;
  if (fields.length === 1 && values && new Set(values).size === 1) return { parent: values[0] };
  return undefined;
}

async function foreignGlobals<T extends object>(store: ModelStore, resource: ListResource<T>, tenants: string[]): Promise<Entity<T>[]> {
  if (!resource.globalCapable) return [];
  const mine = new Set(tenants);
  return (await store.globals<T>(resource.kind)).filter((entity) => !mine.has(entity.tenant));
}

function collectionsFor(resource: ListResource<object>, scope: ListScope, query: ListQuery): Collection[] {
  const parents = resource.parentField ? query.filters[resource.parentField] : undefined;
  return scope.tenants.flatMap((tenant) =>
    parents ? [...new Set(parents)].map((parent) => ({ tenant, kind: resource.kind, parent })) : [{ tenant, kind: resource.kind }],
  );
}

function byCreation<T extends object>(a: Entity<T>, b: Entity<T>): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

export async function listEntities<T extends object>(store: ModelStore, resource: ListResource<T>, scope: ListScope, query: ListQuery): Promise<ListResult> {
  const order = indexOrder(resource as ListResource<object>, query);
  const globals = await foreignGlobals(store, resource, scope.tenants);
  const pageable = pageableParent(resource as ListResource<object>, query);
  if (order && scope.tenants.length === 1 && globals.length === 0 && pageable && !query.getAllResults && !(resource.visible && resource.hidesUnrestricted)) {
    const page = await store.page<T>({ tenant: scope.tenants[0], kind: resource.kind, ...pageable }, { offset: query.offset, size: query.size, descending: order.descending });
    // With a visibility predicate the page is exact only while nothing in the collection is restricted.
    const visible = resource.visible;
    if (!visible || (page.restricted === 0 && page.items.every((entity) => visible(entity)))) {
      return { items: page.items.map((entity) => project(resource.render(entity), query.include)), total: page.total };
    }
  }
  const groups = await Promise.all(collectionsFor(resource as ListResource<object>, scope, query).map((collection) => store.all<T>(collection)));
  let entities = groups.flat();
  if (globals.length > 0) {
    const parentField = resource.parentField;
    const parents = parentField ? query.filters[parentField] : undefined;
    entities = entities.concat(globals.filter((entity) => !parents || (entity.parent !== undefined && parents.includes(entity.parent))));
  }
  if (groups.length > 1 || globals.length > 0) entities.sort(byCreation);
  if (resource.visible) entities = entities.filter(resource.visible);
  // Creation order is the order `entities` are in; any other order is sorted by the query's keys.
  const matched = applyQuery(
    entities.map((entity) => resource.render(entity)),
    { ...query, sort: order ? [] : query.sort, offset: 0, getAllResults: true },
    resource.searchFields,
  ).items;
  if (order?.descending) matched.reverse();
  const end = query.getAllResults ? matched.length : query.offset + query.size;
  return { items: matched.slice(query.offset, end).map((item) => project(item, query.include)), total: matched.length };
}
