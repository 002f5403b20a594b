/**
 * Users:
 * - `GET /user` → the caller; `GET /users` → every user for sys_admin, the caller otherwise;
 * - `GET /users/{username}` (sys_admin or self; others get 404);
 * - `PUT /users {username, password, role?}` → 201 (sys_admin): a new user (system role `default`
 *   unless `sys_admin` is asked), member of no tenant until `PUT /tenants/add-user`;
 * - `POST /users/{username} {password?, role?}`: a new password (sys_admin or self) or system
 *   role (sys_admin);
 * - `DELETE /users/{username}` → 204 (sys_admin; the bootstrap `admin` cannot be deleted).
 * The password hash never leaves the server.
 */
import { ADMIN_USERNAME, SYSTEM_ROLES } from '../model/auth';
import type { SystemRole, UserData } from '../model/auth';
import { badParameters, entityNotFound, forbidden } from '../model/errors';
import { validateUsername } from '../model/ids';
import { KINDS } from '../model/kinds';
import { SYSTEM_SCOPE } from '../ports/model-store';
import type { Entity } from '../ports/model-store';
import type { RequestContext } from './auth/authenticate';
import { hashPassword } from './auth/passwords';
import { secured } from './auth/secured';
import { optionalString, readJsonBody, requiredString } from './body';
import type { ApiServices } from './dependencies';
import { jsonResponse } from './http';
import { applyQuery, listResponse, parseInclude, parseListQuery, project } from './list';
import type { Route } from './router';

const BASE = '/api/v3.1/users';
const FIELDS = ['id', 'username', 'role', 'active', 'is_locked', 'last_login_at', 'first_name', 'last_name', 'tenants', 'tenant_roles', 'groups', 'group_system_roles', 'show_getting_started', 'created_at'];
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 1024;

export function renderUser(user: Entity<UserData>): Record<string, unknown> {
  return {
    id: user.id,
    username: user.data.username,
    role: user.data.role,
    active: user.data.active,
    is_locked: false,
    last_login_at: user.data.last_login_at ?? null,
    first_name: user.data.first_name ?? null,
    last_name: user.data.last_name ?? null,
    tenants: Object.fromEntries(Object.entries(user.data.tenants).map(([tenant, role]) => [tenant, { 'tenant-role': role, roles: [role] }])),
    tenant_roles: { direct: { ...user.data.tenants }, groups: {} },
    groups: [],
    group_system_roles: {},
    show_getting_started: false,
    created_at: user.createdAt,
  };
}

function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw badParameters(`A password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long`);
  }
  return password;
}

function checkRole(role: string | undefined): SystemRole | undefined {
  if (role === undefined) return undefined;
  if (!SYSTEM_ROLES.includes(role as SystemRole)) throw badParameters(`\`role\` must be one of ${SYSTEM_ROLES.join(', ')}`);
  return role as SystemRole;
}

function userRef(username: string) {
  return { kind: KINDS.user, tenant: SYSTEM_SCOPE, id: username };
}

export function userRoutes(services: ApiServices): Route[] {
  const { store, auth } = services;

  const visibleUser = async (username: string, context: RequestContext): Promise<Entity<UserData>> => {
    const user = await store.get<UserData>(userRef(validateUsername(username)));
    if (!user || (!context.isAdmin && user.id !== context.username)) throw entityNotFound('User', username);
    return user;
  };

  return [
    {
      method: 'GET',
      pattern: '/api/v3.1/user',
      handler: secured(auth, (request, context) => jsonResponse(200, project(renderUser(context.user), parseInclude(request.query, FIELDS)))),
    },
    {
      method: 'GET',
      pattern: BASE,
      handler: secured(auth, async (request, context) => {
        const query = parseListQuery(request.query, { fields: FIELDS });
        const all = context.isAdmin ? await store.all<UserData>({ tenant: SYSTEM_SCOPE, kind: KINDS.user }) : [context.user];
        const window = applyQuery(all.map(renderUser), query, ['username']);
        return listResponse(window.items.map((item) => project(item, query.include)), window.total, query.size, query.offset);
      }),
    },
    {
      method: 'PUT',
      pattern: BASE,
      handler: secured(
        auth,
        async (request) => {
          const body = readJsonBody(request, { required: true });
          const username = validateUsername(requiredString(body, 'username'));
          const password = checkPassword(requiredString(body, 'password'));
          const role = checkRole(optionalString(body, 'role')) ?? 'default';
          const created = await store.create<UserData>({
            ...userRef(username),
            data: { username, role, password_hash: await hashPassword(password), tenants: {}, active: true, first_name: null, last_name: null, last_login_at: null },
          });
          auth.invalidate({ username });
          return jsonResponse(201, renderUser(created));
        },
        { adminOnly: true },
      ),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{username}`,
      handler: secured(auth, async (request, context) =>
        jsonResponse(200, project(renderUser(await visibleUser(request.params.username, context)), parseInclude(request.query, FIELDS))),
      ),
    },
    {
      method: 'POST',
      pattern: `${BASE}/{username}`,
      handler: secured(auth, async (request, context) => {
        const target = await visibleUser(request.params.username, context);
        const body = readJsonBody(request, { required: true });
        const password = optionalString(body, 'password');
        const role = checkRole(optionalString(body, 'role'));
        if (password === undefined && role === undefined) throw badParameters('Send `password` or `role`');
        if (role !== undefined && !context.isAdmin) throw forbidden('Only sys_admin users may change roles');
        if (role !== undefined && target.id === ADMIN_USERNAME && role !== 'sys_admin') throw forbidden(`The role of \`${ADMIN_USERNAME}\` cannot change`);
        const hash = password !== undefined ? await hashPassword(checkPassword(password)) : undefined;
        const updated = await store.modify<UserData>(target, (current) => ({
          ...current.data,
          ...(hash !== undefined ? { password_hash: hash } : {}),
          ...(role !== undefined ? { role } : {}),
        }));
        auth.invalidate({ username: target.id });
        return jsonResponse(200, renderUser(updated));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/{username}`,
      handler: secured(
        auth,
        async (request, context) => {
          const target = await visibleUser(request.params.username, context);
          if (target.id === ADMIN_USERNAME || target.id === context.username) throw forbidden(`User \`${target.id}\` cannot be deleted`);
          await store.delete(target);
          auth.invalidate({ username: target.id });
          return { statusCode: 204 };
        },
        { adminOnly: true },
      ),
    },
  ];
}
