/**
 * Route handlers that need an authenticated caller. Wrap each REST handler:
 * ```ts
 * { method: 'GET', pattern: '/api/v3.1/things/{id}', handler: secured(services.auth, async (request, ctx) => ...) }
 * ```
 * `ctx.tenant` is the checked tenant every store access must use; `ctx.isAdmin` tells sys_admin.
 */
import { forbidden } from '../../model/errors';
import type { ApiRequest, ApiResponse } from '../http';
import type { RouteHandler } from '../router';
import type { Authentication, RequestContext } from './authenticate';

export type SecuredHandler = (request: ApiRequest, context: RequestContext) => Promise<ApiResponse> | ApiResponse;

export interface SecuredOptions {
  /** Only `sys_admin` users (403 `forbidden_error` for others). */
  adminOnly?: boolean;
}

export function secured(auth: Authentication, handler: SecuredHandler, options: SecuredOptions = {}): RouteHandler {
  return async (request) => {
    const context = await auth.authenticate(request);
    if (options.adminOnly && !context.isAdmin) {
      throw forbidden(`User \`${context.username}\` is not permitted to perform ${request.method} ${request.path}: it needs the sys_admin role`);
    }
    return handler(request, context);
  };
}
