/**
 * Node instances (reference/cloudify-rest-api.md, "Nodes and node instances"):
 * - `GET /node-instances` (filters `deployment_id`, `node_id`, `state`, ...);
 * - `GET /node-instances/{id}` (`_evaluate_functions=true` evaluates functions stored in runtime
 *   properties);
 * - `PATCH /node-instances/{id} {version, state?, runtime_properties?, ...}` with optimistic
 *   concurrency (src/deployments/node-instances.ts).
 */
import { listVisible } from './scope';
import { DslError, evaluateFunctions } from '../dsl';
import type { Dict } from '../dsl';
import { entityNotFound } from '../model/errors';
import { KINDS } from '../model/kinds';
import type { ResourceContext } from '../resources/context';
import { deploymentEvaluationContext } from '../deployments/evaluation';
import type { DeploymentData, Entity, NodeInstanceData } from '../deployments/model';
import { nodeInstanceRef, readNodeInstancePatch, updateNodeInstance } from '../deployments/node-instances';
import { NODE_INSTANCE_FIELDS, renderNodeInstance } from '../deployments/render';
import type { RequestContext } from './auth/authenticate';
import { secured } from './auth/secured';
import { queryBoolean, readJsonBody } from './body';
import type { ApiServices } from './dependencies';
import { ApiError } from './errors';
import { jsonResponse } from './http';
import { listResponse, parseInclude, parseListQuery, project } from './list';
import type { ListResource } from './list';
import { canSee } from './resource-fields';
import type { Route } from './router';

const BASE = '/api/v3.1/node-instances';

export function nodeInstanceRoutes(services: ApiServices, context: ResourceContext): Route[] {
  const { auth, store, secrets } = services;
  const listResource: ListResource<NodeInstanceData> = {
    kind: KINDS.nodeInstance,
    fields: NODE_INSTANCE_FIELDS,
    parentField: 'deployment_id',
    render: renderNodeInstance,
  };

  const visibleInstance = async (id: string, caller: RequestContext): Promise<Entity<NodeInstanceData>> => {
    const instance = await store.get<NodeInstanceData>(nodeInstanceRef(caller.tenant, id));
    if (!instance || !canSee(instance, caller)) throw entityNotFound('NodeInstance', id);
    return instance;
  };

  const evaluated = async (instance: Entity<NodeInstanceData>): Promise<Dict> => {
    const deployment = await store.get<DeploymentData>({ kind: KINDS.deployment, tenant: instance.tenant, id: instance.data.deployment_id });
    if (!deployment) return instance.data.runtime_properties;
    try {
      const ctx = deploymentEvaluationContext({ store, secrets: secrets.lookup(deployment.tenant) }, deployment);
      return (await evaluateFunctions(instance.data.runtime_properties, ctx, { self: instance.data.id, node: instance.data.node_id }, 'runtime_properties')) as Dict;
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
        const include = parseInclude(request.query, NODE_INSTANCE_FIELDS);
        const evaluate = queryBoolean(request, '_evaluate_functions', false);
        const instance = await visibleInstance(request.params.id, caller);
        const rendered = renderNodeInstance(instance);
        if (evaluate) rendered.runtime_properties = await evaluated(instance);
        return jsonResponse(200, project(rendered, include));
      }),
    },
    {
      method: 'PATCH',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        const patch = readNodeInstancePatch(readJsonBody(request, { required: true }));
        await visibleInstance(request.params.id, caller);
        return jsonResponse(200, renderNodeInstance(await updateNodeInstance(context, caller.tenant, request.params.id, patch)));
      }),
    },
  ];
}
