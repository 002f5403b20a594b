/**
 * The REST API: every resource's routes in one router. Later resources add their route lists here.
 * Without services only the open routes (version) exist; the Lambda handler passes the services
 * built from its settings (lambdas/support/api-container.ts).
 */
import { coreRoutes } from './core-routes';
import { resourceRoutes } from './resource-routes';
import type { ApiServices } from './dependencies';
import { eventRoutes } from './events';
import { Router } from './router';
import type { RouterOptions } from './router';
import { versionRoutes } from './version';

export function createApiRouter(options: RouterOptions = {}, services?: ApiServices): Router {
  const router = new Router(options).addAll(versionRoutes);
  if (services) router.addAll(coreRoutes(services)).addAll(resourceRoutes(services)).addAll(eventRoutes(services, { events: services.deps.events }));
  return router;
}
