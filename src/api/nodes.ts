/**
 * `GET /nodes?deployment_id=&id=` (reference/cloudify-rest-api.md, "Nodes and node instances"):
 * the client's `nodes.get` reads `items[0]`. `_evaluate_functions=true` evaluates the properties'
 * runtime functions (get_attribute, get_secret) against the deployment, as `ctx.node.properties`
 * sees them.
 */
import { listVisible } from './scope';
import { DslError, evaluateNodeProperties } from '../dsl';
import { KINDS } from '../model/kinds';
import type { ResourceContext } from '../resources/context';
import { deploymentEvaluationContext } from '../deployments/evaluation';
import type { DeploymentData, Entity, NodeData } from '../deployments/model';
import { NODE_FIELDS, renderNode } from '../deployments/render';
import { secured } from './auth/secured';
import { queryBoolean } from './body';
import type { ApiServices } from './dependencies';
import { ApiError } from './errors';
import { listResponse, parseListQuery } from './list';
import type { ListResource } from './list';
import type { Route } from './router';

export function nodeRoutes(services: ApiServices, _context: ResourceContext): Route[] {
  const { auth, store, secrets } = services;
  const listResource: ListResource<NodeData> = {
    kind: KINDS.node,
    fields: NODE_FIELDS,
    parentField: 'deployment_id',
    render: renderNode,
  };

  return [
    {
      method: 'GET',
      pattern: '/api/v3.1/nodes',
      handler: secured(auth, async (request, caller) => {
        const evaluate = queryBoolean(request, '_evaluate_functions', false);
        const query = parseListQuery(request.query, listResource);
        const result = await listVisible(services, caller, listResource, query);
        if (evaluate) {
          const deployments = new Map<string, Entity<DeploymentData> | undefined>();
          for (const item of result.items) {
            if (!item.properties || typeof item.deployment_id !== 'string') continue;
            const key = `${item.tenant_name}/${item.deployment_id}`;
            if (!deployments.has(key)) {
              deployments.set(key, await store.get<DeploymentData>({ kind: KINDS.deployment, tenant: String(item.tenant_name ?? caller.tenant), id: item.deployment_id }));
            }
            const deployment = deployments.get(key);
            if (!deployment) continue;
            try {
              item.properties = await evaluateNodeProperties(
                { id: String(item.id), properties: item.properties as never },
                deploymentEvaluationContext({ store, secrets: secrets.lookup(deployment.tenant) }, deployment),
              );
            } catch (err) {
              if (err instanceof DslError) throw new ApiError(400, err.errorCode, err.message);
              throw err;
            }
          }
        }
        return listResponse(result.items, result.total, query.size, query.offset);
      }),
    },
  ];
}
