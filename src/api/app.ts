/**
 * The REST API: every resource's routes in one router. Later resources add their route lists here.
 */
import { Router } from './router';
import type { RouterOptions } from './router';
import { versionRoutes } from './version';

export function createApiRouter(options: RouterOptions = {}): Router {
  return new Router(options).addAll(versionRoutes);
}
