/**
 * The REST resources of the manager's foundation: tenants, users, tokens, secrets and the
 * manager's own resources. Resources built on the same services (blueprints, deployments, ...)
 * register their route lists in app.ts next to these.
 */
import type { ApiServices } from './dependencies';
import { managerRoutes } from './manager';
import type { Route } from './router';
import { secretRoutes } from './secrets/routes';
import { tenantRoutes } from './tenants';
import { tokenRoutes } from './tokens';
import { userRoutes } from './users';

export function coreRoutes(services: ApiServices): Route[] {
  return [...managerRoutes(services), ...tenantRoutes(services), ...userRoutes(services), ...tokenRoutes(services), ...secretRoutes(services)];
}
