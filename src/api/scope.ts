/**
 * Which tenants a list covers: the request's tenant, or with `_all_tenants=true` every tenant the
 * caller may act in (all of them for sys_admin users, the memberships of others).
 */
import { KINDS } from '../model/kinds';
import { SYSTEM_SCOPE } from '../ports/model-store';
import type { RequestContext } from './auth/authenticate';
import type { ApiServices } from './dependencies';
import type { Entity } from '../ports/model-store';
import { listEntities } from './list/engine';
import type { ListResource, ListResult } from './list/engine';
import type { ListQuery } from './list/query';
import { canSee } from './resource-fields';
import type { Owned } from './resource-fields';

export async function allTenantNames(services: ApiServices): Promise<string[]> {
  return (await services.store.all({ tenant: SYSTEM_SCOPE, kind: KINDS.tenant })).map((tenant) => tenant.id);
}

export async function listTenants(services: ApiServices, context: RequestContext, allTenants: boolean): Promise<string[]> {
  if (!allTenants) return [context.tenant];
  const existing = await allTenantNames(services);
  if (context.isAdmin) return existing;
  const member = new Set(Object.keys(context.user.data.tenants));
  return existing.filter((name) => member.has(name));
}

/**
 * A list as the caller may see it: the tenants `listTenants` allows, and for non-admins only the
 * entities `canSee` lets them see (private ones only for their creator).
 */
export async function listVisible<T extends Owned>(services: ApiServices, caller: RequestContext, resource: ListResource<T>, query: ListQuery): Promise<ListResult> {
  const scoped = caller.isAdmin ? resource : { ...resource, visible: (entity: Entity<T>) => canSee(entity, caller) };
  return listEntities(services.store, scoped, { tenants: await listTenants(services, caller, query.allTenants) }, query);
}
