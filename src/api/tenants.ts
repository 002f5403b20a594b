/**
 * Tenants (reference/cloudify-rest-api.md, "Secrets, plugins, tenants, status"):
 * - `GET /tenants` → every tenant for sys_admin, the caller's tenants otherwise;
 * - `POST /tenants/{name}` → 201 (sys_admin); a taken name → 409 `conflict_error`;
 * - `GET /tenants/{name}` (sys_admin or member; others get 404);
 * - `DELETE /tenants/{name}` → 204 (sys_admin); refused for `default_tenant` and while the tenant
 *   still holds resources;
 * - `PUT /tenants/add-user {username, tenant_name, role?}`, `DELETE /tenants/remove-user
 *   {username, tenant_name}` (sys_admin): membership, kept on the user.
 * Tenants are SYSTEM_SCOPE entities of kind `tenant` whose id is the name.
 */
import { DEFAULT_TENANT, DEFAULT_TENANT_ROLE } from '../model/auth';
import type { TenantData, UserData } from '../model/auth';
import { badParameters, entityNotFound, forbidden } from '../model/errors';
import { validateId, validateUsername } from '../model/ids';
import { KINDS } from '../model/kinds';
import { SYSTEM_SCOPE } from '../ports/model-store';
import type { Entity } from '../ports/model-store';
import type { RequestContext } from './auth/authenticate';
import { secured } from './auth/secured';
import { optionalString, readJsonBody, requiredString } from './body';
import type { ApiServices } from './dependencies';
import { jsonResponse } from './http';
import type { ApiRequest } from './http';
import { applyQuery, listResponse, parseInclude, parseListQuery, project } from './list';
import type { Route } from './router';

const BASE = '/api/v3.1/tenants';
const FIELDS = ['id', 'name', 'users', 'groups', 'user_roles', 'created_at', 'created_by'];
/** Path words that are actions, so no tenant may be named after them. */
const RESERVED = new Set(['add-user', 'remove-user', 'add-user-group', 'remove-user-group']);
/** Kinds whose entities keep a tenant from being deleted. */
const TENANT_RESOURCES = [KINDS.blueprint, KINDS.deployment, KINDS.secret, KINDS.plugin, KINDS.execution];

function tenantRef(name: string) {
  return { kind: KINDS.tenant, tenant: SYSTEM_SCOPE, id: name };
}

export function tenantRoutes(services: ApiServices): Route[] {
  const { store, auth } = services;

  const users = () => store.all<UserData>({ tenant: SYSTEM_SCOPE, kind: KINDS.user });

  const render = (tenant: Entity<TenantData>, members: Entity<UserData>[]): Record<string, unknown> => {
    const roles: Record<string, string> = {};
    for (const user of members) {
      const role = user.data.tenants[tenant.id];
      if (role !== undefined) roles[user.id] = role;
    }
    return {
      id: tenant.id,
      name: tenant.id,
      users: Object.keys(roles).length,
      groups: 0,
      user_roles: { direct: roles, groups: {} },
      created_at: tenant.createdAt,
      created_by: tenant.data.created_by,
    };
  };

  const visibleTenant = async (name: string, context: RequestContext): Promise<Entity<TenantData>> => {
    const tenant = await store.get<TenantData>(tenantRef(validateId(name, 'tenant name')));
    if (!tenant || (!context.isAdmin && context.user.data.tenants[tenant.id] === undefined)) throw entityNotFound('Tenant', name);
    return tenant;
  };

  const membership = async (request: ApiRequest, add: boolean) => {
    const body = readJsonBody(request, { required: true });
    const username = validateUsername(requiredString(body, 'username'));
    const tenantName = validateId(requiredString(body, 'tenant_name'), 'tenant name');
    const role = optionalString(body, 'role') ?? DEFAULT_TENANT_ROLE;
    if (!/^[a-z_]{1,64}$/.test(role)) throw badParameters(`Unknown tenant role \`${role}\``);
    const tenant = await store.get<TenantData>(tenantRef(tenantName));
    if (!tenant) throw entityNotFound('Tenant', tenantName);
    const userRef = { kind: KINDS.user, tenant: SYSTEM_SCOPE, id: username };
    await store.modify<UserData>(userRef, (user) => {
      const tenants = { ...user.data.tenants };
      if (add) tenants[tenantName] = role;
      else {
        if (tenants[tenantName] === undefined) throw badParameters(`User \`${username}\` is not a member of tenant \`${tenantName}\``);
        delete tenants[tenantName];
      }
      return { ...user.data, tenants };
    });
    auth.invalidate({ username });
    return jsonResponse(200, render(tenant, await users()));
  };

  return [
    {
      method: 'GET',
      pattern: BASE,
      handler: secured(auth, async (request, context) => {
        const query = parseListQuery(request.query, { fields: FIELDS });
        const [tenants, members] = await Promise.all([store.all<TenantData>({ tenant: SYSTEM_SCOPE, kind: KINDS.tenant }), users()]);
        const visible = tenants.filter((tenant) => context.isAdmin || context.user.data.tenants[tenant.id] !== undefined);
        const window = applyQuery(visible.map((tenant) => render(tenant, members)), query, ['name']);
        return listResponse(window.items.map((item) => project(item, query.include)), window.total, query.size, query.offset);
      }),
    },
    { method: 'PUT', pattern: `${BASE}/add-user`, handler: secured(auth, (request) => membership(request, true), { adminOnly: true }) },
    { method: 'DELETE', pattern: `${BASE}/remove-user`, handler: secured(auth, (request) => membership(request, false), { adminOnly: true }) },
    {
      method: 'POST',
      pattern: `${BASE}/{name}`,
      handler: secured(
        auth,
        async (request, context) => {
          const name = validateId(request.params.name, 'tenant name');
          if (RESERVED.has(name)) throw badParameters(`\`${name}\` is reserved and cannot name a tenant`);
          const created = await store.create<TenantData>({ ...tenantRef(name), data: { name, created_by: context.username } });
          auth.invalidate({ tenant: name });
          return jsonResponse(201, render(created, []));
        },
        { adminOnly: true },
      ),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{name}`,
      handler: secured(auth, async (request, context) => {
        const include = parseInclude(request.query, FIELDS);
        const tenant = await visibleTenant(request.params.name, context);
        return jsonResponse(200, project(render(tenant, await users()), include));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/{name}`,
      handler: secured(
        auth,
        async (request, context) => {
          const tenant = await visibleTenant(request.params.name, context);
          if (tenant.id === DEFAULT_TENANT) throw forbidden(`The tenant \`${DEFAULT_TENANT}\` cannot be deleted`);
          const counts = await Promise.all(TENANT_RESOURCES.map((kind) => store.count({ tenant: tenant.id, kind })));
          if (counts.some((count) => count > 0)) throw forbidden(`Tenant \`${tenant.id}\` still has resources (blueprints, deployments, secrets, plugins or executions); delete them first`);
          await store.delete(tenant);
          for (const user of await users()) {
            if (user.data.tenants[tenant.id] === undefined) continue;
            await store.modify<UserData>(user, (current) => {
              const tenants = { ...current.data.tenants };
              delete tenants[tenant.id];
              return { ...current.data, tenants };
            });
          }
          auth.invalidate({ tenant: tenant.id });
          return { statusCode: 204 };
        },
        { adminOnly: true },
      ),
    },
  ];
}
