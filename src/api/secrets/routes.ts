/**
 * `/secrets` (reference/cloudify-rest-api.md, "Secrets"):
 * - `PUT /secrets/{key} {value, update_if_exists?, is_hidden_value?, visibility?}` → 200 (the
 *   Cloudify client expects 200 here);
 *   an existing key → 409 `conflict_error` unless `update_if_exists`;
 * - `GET /secrets/{key}` → the secret with its value (`""` for a hidden value the caller may not
 *   see: only its creator and sys_admin users may);
 * - `PATCH /secrets/{key} {value?, is_hidden_value?, visibility?}` → 200; `DELETE` → 204;
 * - `PATCH /secrets/{key}/set-visibility {visibility}` → 200;
 * - `GET /secrets` → the list, without values.
 * The response names the id `key`. Values are sealed by the SecretCipher and never logged.
 */
import { KINDS } from '../../model/kinds';
import { badParameters, entityNotFound, forbidden } from '../../model/errors';
import { validateId } from '../../model/ids';
import type { Entity } from '../../ports/model-store';
import type { RequestContext } from '../auth/authenticate';
import { secured } from '../auth/secured';
import { optionalBoolean, optionalVisibility, readJsonBody } from '../body';
import type { JsonObject, Visibility } from '../body';
import type { ApiServices } from '../dependencies';
import { jsonResponse } from '../http';
import type { ApiRequest, ApiResponse } from '../http';
import { listEntities, listResponse, parseInclude, parseListQuery, project } from '../list';
import type { ListResource } from '../list';
import { canSee, commonFields } from '../resource-fields';
import { listTenants } from '../scope';
import type { Route } from '../router';
import type { SecretData } from './service';

const BASE = '/api/v3.1/secrets';
const LIST_FIELDS = ['key', 'created_at', 'updated_at', 'visibility', 'tenant_name', 'created_by', 'is_hidden_value', 'resource_availability', 'private_resource'];
const GET_FIELDS = [...LIST_FIELDS, 'value'];

function render(entity: Entity<SecretData>): Record<string, unknown> {
  const { id, ...common } = commonFields(entity);
  return { key: id, ...common, updated_at: entity.data.updated_at, is_hidden_value: entity.data.is_hidden_value };
}

function valuePermitted(secret: Entity<SecretData>, context: RequestContext): boolean {
  return !secret.data.is_hidden_value || context.isAdmin || secret.data.created_by === context.username;
}

function checkVisibility(visibility: Visibility | undefined, context: RequestContext): void {
  if (visibility === 'global' && !context.isAdmin) throw forbidden('Only sys_admin users may make a secret global');
}

function secretValue(body: JsonObject, required: boolean): string | undefined {
  const value = body.value;
  if (value === undefined || value === null) {
    if (required) throw badParameters('`value` is required');
    return undefined;
  }
  // Cloudify stores strings; structured values arrive JSON-encoded by some clients, so keep them as JSON text.
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function secretRoutes(services: ApiServices): Route[] {
  const { store, auth, secrets } = services;

  const visibleSecret = async (key: string, context: RequestContext, consistent = true): Promise<Entity<SecretData>> => {
    const secret = await secrets.find(context.tenant, key, { consistent });
    if (!secret || !canSee(secret, context)) throw entityNotFound('Secret', key);
    return secret;
  };

  const withValue = async (secret: Entity<SecretData>, context: RequestContext): Promise<Record<string, unknown>> => ({
    ...render(secret),
    value: valuePermitted(secret, context) ? await secrets.open(secret) : '',
  });

  const mayChange = (secret: Entity<SecretData>, context: RequestContext) => {
    if (secret.tenant !== context.tenant) throw forbidden(`The global secret \`${secret.id}\` belongs to tenant \`${secret.tenant}\` and cannot be changed from here`);
    if (!valuePermitted(secret, context)) throw forbidden(`User \`${context.username}\` may not change the hidden secret \`${secret.id}\``);
  };

  const create = async (request: ApiRequest, context: RequestContext): Promise<ApiResponse> => {
    const key = validateId(request.params.key, 'secret key');
    const body = readJsonBody(request, { required: true });
    const value = secretValue(body, true)!;
    const updateIfExists = optionalBoolean(body, 'update_if_exists') ?? false;
    const hidden = optionalBoolean(body, 'is_hidden_value') ?? false;
    const visibility = optionalVisibility(body.visibility) ?? 'tenant';
    checkVisibility(visibility, context);
    const now = services.now().toISOString();
    const existing = updateIfExists ? await store.get<SecretData>({ kind: KINDS.secret, tenant: context.tenant, id: key }) : undefined;
    if (existing) {
      mayChange(existing, context);
      const updated = await store.update<SecretData>({
        ref: existing,
        expectedVersion: existing.version,
        data: { ...existing.data, sealed: await secrets.seal(context.tenant, key, value), is_hidden_value: hidden, visibility, updated_at: now },
        global: visibility === 'global',
        restricted: visibility === 'private',
      });
      return jsonResponse(200, await withValue(updated, context));
    }
    const created = await store.create<SecretData>({
      kind: KINDS.secret,
      tenant: context.tenant,
      id: key,
      global: visibility === 'global',
      restricted: visibility === 'private',
      data: { key, sealed: await secrets.seal(context.tenant, key, value), is_hidden_value: hidden, visibility, created_by: context.username, updated_at: now },
    });
    return jsonResponse(200, await withValue(created, context));
  };

  const update = async (request: ApiRequest, context: RequestContext): Promise<ApiResponse> => {
    const key = validateId(request.params.key, 'secret key');
    const body = readJsonBody(request, { required: true });
    const value = secretValue(body, false);
    const hidden = optionalBoolean(body, 'is_hidden_value');
    const visibility = optionalVisibility(body.visibility);
    checkVisibility(visibility, context);
    const current = await visibleSecret(key, context);
    mayChange(current, context);
    const updated = await store.update<SecretData>({
      ref: current,
      expectedVersion: current.version,
      data: {
        ...current.data,
        ...(value !== undefined ? { sealed: await secrets.seal(context.tenant, key, value) } : {}),
        ...(hidden !== undefined ? { is_hidden_value: hidden } : {}),
        ...(visibility !== undefined ? { visibility } : {}),
        updated_at: services.now().toISOString(),
      },
      ...(visibility !== undefined ? { global: visibility === 'global', restricted: visibility === 'private' } : {}),
    });
    return jsonResponse(200, await withValue(updated, context));
  };

  const listResource: ListResource<SecretData> = {
    kind: KINDS.secret,
    fields: LIST_FIELDS,
    searchFields: ['key'],
    globalCapable: true,
    render,
  };

  return [
    {
      method: 'GET',
      pattern: BASE,
      handler: secured(auth, async (request, context) => {
        const query = parseListQuery(request.query, listResource);
        const resource: ListResource<SecretData> = context.isAdmin ? listResource : { ...listResource, visible: (entity) => canSee(entity, context) };
        const result = await listEntities(store, resource, { tenants: await listTenants(services, context, query.allTenants) }, query);
        return listResponse(result.items, result.total, query.size, query.offset);
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{key}`,
      handler: secured(auth, async (request, context) => {
        const include = parseInclude(request.query, GET_FIELDS);
        // A plain read: eventually consistent is enough (and cheaper).
        const secret = await visibleSecret(validateId(request.params.key, 'secret key'), context, false);
        return jsonResponse(200, project(await withValue(secret, context), include));
      }),
    },
    { method: 'PUT', pattern: `${BASE}/{key}`, handler: secured(auth, create) },
    { method: 'PATCH', pattern: `${BASE}/{key}`, handler: secured(auth, update) },
    {
      // `cfy secrets set-global` / `set-visibility`: body `{visibility}`.
      method: 'PATCH',
      pattern: `${BASE}/{key}/set-visibility`,
      handler: secured(auth, async (request, context) => {
        const body = readJsonBody(request, { required: true });
        const visibility = optionalVisibility(body.visibility);
        if (!visibility) throw badParameters('`visibility` is required');
        checkVisibility(visibility, context);
        const current = await visibleSecret(validateId(request.params.key, 'secret key'), context);
        mayChange(current, context);
        const updated = await store.update<SecretData>({
          ref: current,
          expectedVersion: current.version,
          data: { ...current.data, visibility, updated_at: services.now().toISOString() },
          global: visibility === 'global',
          restricted: visibility === 'private',
        });
        return jsonResponse(200, await withValue(updated, context));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/{key}`,
      handler: secured(auth, async (request, context) => {
        const secret = await visibleSecret(validateId(request.params.key, 'secret key'), context);
        mayChange(secret, context);
        await store.delete(secret);
        return { statusCode: 204 };
      }),
    },
  ];
}
