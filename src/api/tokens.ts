/**
 * `/tokens` (reference/cloudify-rest-api.md, "Authentication and tenants"):
 * - `POST /tokens {description?, expiration_date?}` → 200 `{id, username, value, role,
 *   expiration_date, last_used, description}`; `value` (`ctok-<id>-<secret>`) is shown only here;
 * - `GET /tokens` → the caller's tokens (every user's for sys_admin), without values;
 * - `GET /tokens/{id}`, `DELETE /tokens/{id}` → 204. Another user's token is 404 for non-admins.
 * Tokens are SYSTEM_SCOPE entities listed under their user (parent = username).
 */
import { KINDS } from '../model/kinds';
import type { TokenData } from '../model/auth';
import { badParameters, entityNotFound } from '../model/errors';
import { SYSTEM_SCOPE } from '../ports/model-store';
import type { Entity } from '../ports/model-store';
import type { RequestContext } from './auth/authenticate';
import { parseExpiration } from './auth/expiry';
import { secured } from './auth/secured';
import { hashTokenSecret, newTokenParts, tokenValue } from './auth/tokens';
import { optionalString, readJsonBody } from './body';
import type { ApiServices } from './dependencies';
import { jsonResponse } from './http';
import { listEntities, listResponse, parseInclude, parseListQuery, project } from './list';
import type { ListResource } from './list';
import type { Route } from './router';

const BASE = '/api/v3.1/tokens';
const FIELDS = ['id', 'username', 'role', 'expiration_date', 'last_used', 'description', 'created_at'];
const MAX_DESCRIPTION = 1000;

export function tokenRoutes(services: ApiServices): Route[] {
  const { store, auth } = services;
  const render = (entity: Entity<TokenData>): Record<string, unknown> => ({
    id: entity.id,
    username: entity.data.username,
    role: entity.data.role ?? null,
    expiration_date: entity.data.expiration_date,
    last_used: entity.data.last_used,
    description: entity.data.description,
    created_at: entity.createdAt,
  });

  const visibleToken = async (id: string, context: RequestContext): Promise<Entity<TokenData>> => {
    const token = /^[A-Za-z0-9]{1,64}$/.test(id) ? await store.get<TokenData>({ kind: KINDS.token, tenant: SYSTEM_SCOPE, id }) : undefined;
    if (!token || (!context.isAdmin && token.data.username !== context.username)) throw entityNotFound('Token', id);
    return token;
  };

  const resource: ListResource<TokenData> = { kind: KINDS.token, fields: FIELDS, parentField: 'username', render };

  return [
    {
      method: 'POST',
      pattern: BASE,
      handler: secured(auth, async (request, context) => {
        const body = readJsonBody(request);
        const description = optionalString(body, 'description') ?? null;
        if (description !== null && description.length > MAX_DESCRIPTION) throw badParameters(`\`description\` is longer than ${MAX_DESCRIPTION} characters`);
        const now = services.now();
        const expiration = parseExpiration(body.expiration_date, now);
        if (expiration !== null && Date.parse(expiration) <= now.getTime()) throw badParameters('`expiration_date` is in the past');
        const parts = newTokenParts();
        const created = await store.create<TokenData>({
          kind: KINDS.token,
          tenant: SYSTEM_SCOPE,
          id: parts.id,
          parent: context.username,
          data: { username: context.username, role: context.user.data.role, secret_hash: hashTokenSecret(parts.secret), description, expiration_date: expiration, last_used: null },
        });
        return jsonResponse(200, { ...render(created), value: tokenValue(parts) });
      }),
    },
    {
      method: 'GET',
      pattern: BASE,
      handler: secured(auth, async (request, context) => {
        const query = parseListQuery(request.query, resource);
        // Non-admins see their own tokens only: the username filter is forced to the caller.
        const scoped = context.isAdmin ? query : { ...query, filters: { ...query.filters, username: [context.username] } };
        const result = await listEntities(store, resource, { tenants: [SYSTEM_SCOPE] }, scoped);
        return listResponse(result.items, result.total, query.size, query.offset);
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, context) => {
        const include = parseInclude(request.query, FIELDS);
        return jsonResponse(200, project(render(await visibleToken(request.params.id, context)), include));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, context) => {
        const token = await visibleToken(request.params.id, context);
        await store.delete(token);
        return { statusCode: 204 };
      }),
    },
  ];
}
