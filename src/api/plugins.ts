/**
 * `/plugins` (reference/cloudify-rest-api.md, "Secrets, plugins, tenants, status"):
 * - `POST /plugins?visibility=&title=` with the package as the raw body (or `plugin_archive_url`,
 *   or a staged `upload_id`) → 201 with the plugin; an invalid package → 400 `invalid_plugin_error`;
 *   the same package name, version and distribution again → 409 `conflict_error`;
 * - `GET /plugins`, `GET /plugins/{id}`, `GET /plugins/{id}/archive`;
 * - `DELETE /plugins/{id}` (`force` in the JSON body or the query) → 204; used by a blueprint →
 *   405 `plugin_in_use` unless forced;
 * - `PATCH /plugins/{id}/set-visibility {visibility}`.
 */
import { listVisible } from './scope';
import { badParameters, entityNotFound, payloadTooLarge } from '../model/errors';
import { isValidId, validateId } from '../model/ids';
import { KINDS } from '../model/kinds';
import type { Entity } from '../ports/model-store';
import type { ResourceContext } from '../resources/context';
import { parseVisibility } from '../resources/visibility';
import { PLUGIN_FIELDS, pluginPackageKey, renderPlugin } from '../plugins/model';
import type { PluginData } from '../plugins/model';
import { deletePlugin, setPluginVisibility, uploadPlugin } from '../plugins/service';
import { MAX_INLINE_UPLOAD_BYTES, tooLargeMessage } from '../blueprints/upload-request';
import type { RequestContext } from './auth/authenticate';
import { secured } from './auth/secured';
import { queryBoolean, queryString, readJsonBody } from './body';
import type { ApiServices } from './dependencies';
import { downloadResponse } from './downloads';
import { jsonResponse } from './http';
import type { ApiRequest } from './http';
import { listResponse, parseInclude, parseListQuery, project } from './list';
import type { ListResource } from './list';
import { canSee } from './resource-fields';
import type { Route } from './router';

const BASE = '/api/v3.1/plugins';
const UPLOAD_PARAMS = new Set(['visibility', 'title', 'plugin_archive_url', 'upload_id', 'private_resource', 'uploaded_at', 'created_by', 'plugin_id']);

async function findVisible(context: ResourceContext, caller: RequestContext, id: string): Promise<Entity<PluginData>> {
  const plugin = await context.store.find<PluginData>({ kind: KINDS.plugin, tenant: caller.tenant, id: validateId(id, 'plugin id') });
  if (!plugin || !canSee(plugin, caller)) throw entityNotFound('Plugin', id);
  return plugin;
}

/** `force` arrives in the JSON body (the Cloudify client) or in the query. */
function forceFlag(request: ApiRequest): boolean {
  if (request.body.length > 0) {
    const body = readJsonBody(request);
    if (body.force !== undefined) return queryBoolean({ ...request, query: { force: [String(body.force)] } }, 'force', false);
  }
  return queryBoolean(request, 'force', false);
}

function readUpload(request: ApiRequest) {
  for (const key of Object.keys(request.query)) {
    if (!key.startsWith('_') && !UPLOAD_PARAMS.has(key)) throw badParameters(`Unknown plugin upload parameter \`${key}\``);
  }
  if (request.body.length > MAX_INLINE_UPLOAD_BYTES) throw payloadTooLarge(tooLargeMessage('plugin package'));
  const url = queryString(request, 'plugin_archive_url') || undefined;
  const uploadId = queryString(request, 'upload_id') || undefined;
  if (uploadId !== undefined && !isValidId(uploadId)) throw badParameters(`Invalid upload_id ${JSON.stringify(uploadId)}`);
  const inline = request.body.length > 0 ? request.body : undefined;
  const sources = [inline, url, uploadId].filter((source) => source !== undefined).length;
  if (sources !== 1) throw badParameters('Give exactly one of: the package as the request body, `plugin_archive_url`, `upload_id`');
  const legacyPrivate = request.query.private_resource ? queryBoolean(request, 'private_resource', false) : false;
  const visibility = parseVisibility(queryString(request, 'visibility')) ?? (legacyPrivate ? 'private' : 'tenant');
  return { source: { inline, url, uploadId }, visibility, title: queryString(request, 'title') || null };
}

export function pluginRoutes(services: ApiServices, context: ResourceContext): Route[] {
  const { auth } = services;
  const listResource: ListResource<PluginData> = { kind: KINDS.plugin, fields: PLUGIN_FIELDS, globalCapable: true, render: renderPlugin };

  return [
    {
      method: 'GET',
      pattern: BASE,
      handler: secured(auth, async (request, caller) => {
        const query = parseListQuery(request.query, listResource);
        const result = await listVisible(services, caller, listResource, query);
        return listResponse(result.items, result.total, query.size, query.offset);
      }),
    },
    {
      method: 'POST',
      pattern: BASE,
      handler: secured(auth, async (request, caller) => jsonResponse(201, renderPlugin(await uploadPlugin(context, caller, readUpload(request))))),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        const include = parseInclude(request.query, PLUGIN_FIELDS);
        return jsonResponse(200, project(renderPlugin(await findVisible(context, caller, request.params.id)), include));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        const force = forceFlag(request);
        await findVisible(context, caller, request.params.id);
        await deletePlugin(context, caller, request.params.id, force);
        return { statusCode: 204 };
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{id}/archive`,
      handler: secured(auth, async (request, caller) => {
        const plugin = await findVisible(context, caller, request.params.id);
        const key = pluginPackageKey(plugin.tenant, plugin.id);
        const info = await context.files.head(key);
        if (!info) throw entityNotFound('Plugin archive', plugin.id);
        return downloadResponse(context, key, plugin.data.archive_name.endsWith('.yaml') ? `${plugin.data.package_name}.yaml` : `${plugin.data.package_name}.zip`, info.size);
      }),
    },
    {
      method: 'PATCH',
      pattern: `${BASE}/{id}/set-visibility`,
      handler: secured(auth, async (request, caller) => {
        const visibility = parseVisibility(readJsonBody(request, { required: true }).visibility);
        if (!visibility) throw badParameters('`visibility` is required');
        await findVisible(context, caller, request.params.id);
        return jsonResponse(200, renderPlugin(await setPluginVisibility(context, caller, request.params.id, visibility)));
      }),
    },
  ];
}
