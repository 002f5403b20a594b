/**
 * `/blueprints` (reference/cloudify-rest-api.md, "Blueprints"):
 * - `PUT /blueprints/{id}` (multipart or legacy form) → 201 with the blueprint; the upload's states
 *   and its `upload_execution` are described in src/blueprints/upload.ts;
 * - `PUT /blueprints/{id}/validate` → 204 when valid, 400 `invalid_blueprint_error` otherwise;
 * - `GET /blueprints`, `GET /blueprints/{id}` (large plans are gzipped for clients that accept it);
 * - `DELETE /blueprints/{id}?force=` → 204 (deployments use it → 405 `blueprint_in_use`);
 * - `GET /blueprints/{id}/archive` → the archive as uploaded (a redirect to a presigned URL when
 *   it is too large for one response);
 * - `PATCH /blueprints/{id}/set-visibility {visibility}`, `PATCH /blueprints/{id} {labels}`.
 */
import { listVisible } from './scope';
import { badParameters, entityNotFound } from '../model/errors';
import { validateId } from '../model/ids';
import { KINDS } from '../model/kinds';
import type { Entity } from '../ports/model-store';
import type { ResourceContext } from '../resources/context';
import { parseLabels } from '../resources/labels';
import { parseVisibility } from '../resources/visibility';
import { BLUEPRINT_FIELDS, renderBlueprint } from '../blueprints/model';
import type { BlueprintData } from '../blueprints/model';
import { blueprintPlan, deleteBlueprint, findBlueprint, setBlueprintLabels, setBlueprintVisibility } from '../blueprints/service';
import { uploadBlueprint, validateBlueprint } from '../blueprints/upload';
import { readBlueprintUpload } from '../blueprints/upload-request';
import type { RequestContext } from './auth/authenticate';
import { secured } from './auth/secured';
import { queryBoolean, readJsonBody } from './body';
import { largeJsonResponse } from './compress';
import type { ApiServices } from './dependencies';
import { jsonResponse } from './http';
import type { ApiRequest } from './http';
import { listResponse, parseInclude, parseListQuery, project } from './list';
import type { ListResource } from './list';
import { canSee } from './resource-fields';
import type { Route } from './router';
import { downloadResponse } from './downloads';

const BASE = '/api/v3.1/blueprints';

/** A blueprint the caller may see: own tenant or global; a private one only for its creator and admins. */
export async function findVisible(context: ResourceContext, caller: RequestContext, id: string): Promise<Entity<BlueprintData>> {
  const blueprint = await findBlueprint(context, caller, validateId(id, 'blueprint id'));
  if (!canSee(blueprint, caller)) throw entityNotFound('Blueprint', id);
  return blueprint;
}

export function blueprintRoutes(services: ApiServices, context: ResourceContext): Route[] {
  const { auth } = services;

  const listResource: ListResource<BlueprintData> = {
    kind: KINDS.blueprint,
    fields: BLUEPRINT_FIELDS,
    globalCapable: true,
    render: (entity) => renderBlueprint(entity),
  };

  const get = async (request: ApiRequest, caller: RequestContext) => {
    const include = parseInclude(request.query, BLUEPRINT_FIELDS);
    const blueprint = await findVisible(context, caller, request.params.id);
    const plan = include && !include.includes('plan') ? null : await blueprintPlan(context, blueprint);
    return largeJsonResponse(request, 200, project(renderBlueprint(blueprint, plan), include));
  };

  const put = async (request: ApiRequest, caller: RequestContext) => {
    const id = validateId(request.params.id, 'blueprint id');
    const upload = await readBlueprintUpload(request);
    const blueprint = await uploadBlueprint(context, caller, id, upload);
    // The plan of a large blueprint is left out of the async answer (the client only polls the state).
    const plan = upload.params.asyncUpload ? blueprint.data.plan : await blueprintPlan(context, blueprint);
    return largeJsonResponse(request, 201, renderBlueprint(blueprint, plan));
  };

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
    { method: 'GET', pattern: `${BASE}/{id}`, handler: secured(auth, get) },
    { method: 'PUT', pattern: `${BASE}/{id}`, handler: secured(auth, put) },
    {
      method: 'PATCH',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        const body = readJsonBody(request, { required: true });
        const unknown = Object.keys(body).filter((key) => key !== 'labels');
        if (unknown.length > 0) throw badParameters(`Only \`labels\` of a blueprint can be changed, got ${unknown.join(', ')}`);
        const updated = await setBlueprintLabels(context, caller, validateId(request.params.id, 'blueprint id'), parseLabels(body.labels));
        return jsonResponse(200, renderBlueprint(updated));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        await findVisible(context, caller, request.params.id);
        await deleteBlueprint(context, caller, request.params.id, queryBoolean(request, 'force', false));
        return { statusCode: 204 };
      }),
    },
    {
      method: 'PUT',
      pattern: `${BASE}/{id}/validate`,
      handler: secured(auth, async (request, caller) => {
        validateId(request.params.id, 'blueprint id');
        await validateBlueprint(context, caller, await readBlueprintUpload(request));
        return { statusCode: 204 };
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{id}/archive`,
      handler: secured(auth, async (request, caller) => {
        const blueprint = await findVisible(context, caller, request.params.id);
        const archive = blueprint.data.archive;
        if (!archive) throw badParameters(`Blueprint \`${blueprint.id}\` has no stored archive (its upload did not finish: state ${blueprint.data.state})`);
        return downloadResponse(context, archive.key, archive.file_name, archive.size);
      }),
    },
    {
      method: 'PATCH',
      pattern: `${BASE}/{id}/set-visibility`,
      handler: secured(auth, async (request, caller) => {
        const visibility = parseVisibility(readJsonBody(request, { required: true }).visibility);
        if (!visibility) throw badParameters('`visibility` is required');
        const updated = await setBlueprintVisibility(context, caller, validateId(request.params.id, 'blueprint id'), visibility);
        return jsonResponse(200, renderBlueprint(updated));
      }),
    },
  ];
}

