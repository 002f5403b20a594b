/**
 * `/deployments` (reference/cloudify-rest-api.md, "Deployments"):
 * - `PUT /deployments/{id}` → 201; creation is asynchronous through its
 *   `create_deployment_environment` execution (src/deployments/create.ts);
 * - `GET /deployments`, `GET /deployments/{id}` with the computed fields (`workflows`,
 *   `installation_status`, `deployment_status`, `latest_execution*`);
 * - `GET /deployments/{id}/outputs` → `{deployment_id, outputs}` and `/capabilities` →
 *   `{deployment_id, capabilities}`, evaluated on every read (get_attribute reads runtime
 *   properties, get_secret the tenant's secrets);
 * - `DELETE /deployments/{id}?force=&delete_logs=` → 204 (src/deployments/delete.ts).
 */
import { listVisible } from './scope';
import { DslError, evaluateCapabilities, evaluateOutputs } from '../dsl';
import { ApiError } from './errors';
import { entityNotFound } from '../model/errors';
import { validateId } from '../model/ids';
import { KINDS } from '../model/kinds';
import type { ResourceContext } from '../resources/context';
import { createDeployment, readDeploymentRequest } from '../deployments/create';
import { deleteDeployment } from '../deployments/delete';
import { deploymentEvaluationContext } from '../deployments/evaluation';
import { isLive } from '../deployments/model';
import type { DeploymentData, Entity, NodeInstanceData } from '../deployments/model';
import { DEPLOYMENT_FIELDS, renderDeployment } from '../deployments/render';
import type { Dict } from '../dsl';
import type { RequestContext } from './auth/authenticate';
import { secured } from './auth/secured';
import { queryBoolean, readJsonBody } from './body';
import type { ApiServices } from './dependencies';
import { jsonResponse } from './http';
import { listResponse, parseInclude, parseListQuery, project } from './list';
import type { ListResource } from './list';
import { canSee } from './resource-fields';
import type { Route } from './router';

const BASE = '/api/v3.1/deployments';
/** Query parameters the Cloudify client sends that change nothing here. */
const IGNORED_GET_PARAMS = ['all_sub_deployments', 'include_workdir'];

export async function findVisibleDeployment(context: ResourceContext, caller: RequestContext, id: string): Promise<Entity<DeploymentData>> {
  const deployment = await context.store.find<DeploymentData>({ kind: KINDS.deployment, tenant: caller.tenant, id: validateId(id, 'deployment id') });
  if (!deployment || !canSee(deployment, caller)) throw entityNotFound('Deployment', id);
  return deployment;
}

/**
 * The deployment as `GET /deployments/{id}` reads it: eventually consistent (clients poll it) with
 * the store's counts of its node instances, in one request. A miss is read again strongly, so a
 * deployment created a moment ago is never a 404.
 */
async function readDeployment(context: ResourceContext, caller: RequestContext, id: string): Promise<Entity<DeploymentData>> {
  const ref = { kind: KINDS.deployment, tenant: caller.tenant, id: validateId(id, 'deployment id') };
  const deployment =
    (await context.store.find<DeploymentData>(ref, { consistent: false, children: true })) ?? (await context.store.find<DeploymentData>(ref, { children: true }));
  if (!deployment || !canSee(deployment, caller)) throw entityNotFound('Deployment', id);
  return deployment;
}

export function deploymentRoutes(services: ApiServices, context: ResourceContext): Route[] {
  const { auth, store, secrets } = services;
  const listResource: ListResource<DeploymentData> = {
    kind: KINDS.deployment,
    fields: DEPLOYMENT_FIELDS,
    ignoredParams: IGNORED_GET_PARAMS,
    searchFields: ['id', 'display_name'],
    // Deployments are stored under their blueprint (src/deployments/create.ts).
    parentField: 'blueprint_id',
    globalCapable: true,
    render: (entity) => renderDeployment(entity),
  };

  const evaluation = (deployment: Entity<DeploymentData>) => deploymentEvaluationContext({ store, secrets: secrets.lookup(deployment.tenant) }, deployment);

  /** A failed capability evaluation is the caller's problem (a missing attribute), not a server fault. */
  const evaluated = async (what: () => Promise<Dict>): Promise<Dict> => {
    try {
      return await what();
    } catch (err) {
      if (err instanceof DslError) throw new ApiError(400, err.errorCode, err.message);
      throw err;
    }
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
    {
      method: 'GET',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        const include = parseInclude(request.query, DEPLOYMENT_FIELDS);
        const deployment = await readDeployment(context, caller, request.params.id);
        let counts: { live: number; total: number } | undefined;
        if (!include || include.includes('workflows')) {
          const kept = deployment.children?.[KINDS.nodeInstance];
          if (kept) {
            counts = { live: kept.live ?? 0, total: kept.total };
          } else {
            // No counts stored (a deployment written before the store kept them): count the instances.
            const instances = await store.all<NodeInstanceData>({ tenant: deployment.tenant, kind: KINDS.nodeInstance, parent: deployment.id });
            counts = { live: instances.filter((instance) => isLive(instance.data.state)).length, total: instances.length };
          }
        }
        return jsonResponse(200, project(renderDeployment(deployment, counts), include));
      }),
    },
    {
      method: 'PUT',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        const id = validateId(request.params.id, 'deployment id');
        if (request.query.async_create) queryBoolean(request, 'async_create', true);
        const body = readJsonBody(request, { required: true });
        const created = await createDeployment(context, caller, secrets.lookup(caller.tenant), id, readDeploymentRequest(body as Dict), (blueprint) =>
          canSee(blueprint, caller),
        );
        return jsonResponse(201, renderDeployment(created));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        const force = queryBoolean(request, 'force', false);
        queryBoolean(request, 'delete_logs', false);
        queryBoolean(request, 'recursive', false);
        const deployment = await findVisibleDeployment(context, caller, request.params.id);
        if (deployment.tenant !== caller.tenant) throw entityNotFound('Deployment', deployment.id);
        await deleteDeployment(context, caller, deployment, force);
        return { statusCode: 204 };
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{id}/outputs`,
      handler: secured(auth, async (request, caller) => {
        const deployment = await findVisibleDeployment(context, caller, request.params.id);
        const outputs = await evaluated(() => evaluateOutputs(deployment.data.outputs, evaluation(deployment)));
        return jsonResponse(200, { deployment_id: deployment.id, outputs });
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{id}/capabilities`,
      handler: secured(auth, async (request, caller) => {
        const deployment = await findVisibleDeployment(context, caller, request.params.id);
        const capabilities = await evaluated(() => evaluateCapabilities(deployment.data.capabilities, evaluation(deployment)));
        return jsonResponse(200, { deployment_id: deployment.id, capabilities });
      }),
    },
  ];
}
