/**
 * Which tenants a list covers: the request's tenant, or with `_all_tenants=true` every tenant the
 * caller may act in (all of them for sys_admin users, the memberships of others).
 */
import { KINDS } from '../model/kinds';
import { SYSTEM_SCOPE } from '../ports/model-store';
import type { RequestContext } from './auth/authenticate';
import type { ApiServices } from './dependencies';

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
