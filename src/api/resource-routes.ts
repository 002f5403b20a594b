/**
 * The routes of the resources built on the foundation's services: blueprints, plugins, staged
 * uploads, deployments, nodes, node instances and (until the workflow engine takes them over)
 * executions, and the OpenAPI document. They need the file store and the workflow queue; without
 * them only the document is registered.
 */
import { agentRoutes } from './agents';
import { blueprintRoutes } from './blueprints';
import type { ApiServices } from './dependencies';
import { deploymentRoutes } from './deployments';
import { executionRoutes } from './executions';
import { nodeInstanceRoutes } from './node-instances';
import { nodeRoutes } from './nodes';
import { openApiRoutes } from './openapi/route';
import { pluginRoutes } from './plugins';
import { resourceContext } from './resource-context';
import type { Route } from './router';
import { uploadRoutes } from './uploads';

export function resourceRoutes(services: ApiServices): Route[] {
  const context = resourceContext(services);
  if (!context) return openApiRoutes();
  return [
    ...openApiRoutes(),
    ...blueprintRoutes(services, context),
    ...pluginRoutes(services, context),
    ...uploadRoutes(services, context),
    ...deploymentRoutes(services, context),
    ...nodeRoutes(services, context),
    ...nodeInstanceRoutes(services, context),
    ...executionRoutes(services, context),
    ...agentRoutes(services),
  ];
}
