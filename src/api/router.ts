/**
 * A route table: `{method, pattern, handler}` rows where a pattern is a path whose `{name}`
 * segments capture one path segment each. A path that matches no pattern is 404; a path that
 * matches but not with this method is 405 with an `Allow` header. `request.path` arrives already
 * percent-decoded (API Gateway HTTP APIs decode rawPath), so segments are used as they are. Resources register their rows;
 * the router knows nothing about them.
 */
import { ApiError, methodNotAllowed, notFound, toErrorResponse } from './errors';
import type { ApiRequest, ApiResponse } from './http';

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse> | ApiResponse;

export interface Route {
  method: string;
  pattern: string;
  handler: RouteHandler;
}

interface CompiledRoute extends Route {
  segments: string[];
}

function splitPath(path: string): string[] {
  // A trailing slash names the same resource (`/api/version/` == `/api/version`).
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/');
}

function matchSegments(patternSegments: string[], pathSegments: string[]): Record<string, string> | undefined {
  if (patternSegments.length !== pathSegments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < patternSegments.length; i++) {
    const pattern = patternSegments[i];
    const actual = pathSegments[i];
    if (pattern.startsWith('{') && pattern.endsWith('}')) {
      if (actual === '') return undefined;
      params[pattern.slice(1, -1)] = actual;
    } else if (pattern !== actual) {
      return undefined;
    }
  }
  return params;
}

export interface RouterOptions {
  /** Told about errors that are not ApiErrors (they become a bare 500 for the client). */
  onUnexpectedError?: (err: unknown, request: ApiRequest) => void;
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  constructor(private readonly options: RouterOptions = {}) {}

  add(method: string, pattern: string, handler: RouteHandler): this {
    if (!pattern.startsWith('/')) throw new Error(`Route pattern must start with "/": ${pattern}`);
    this.routes.push({ method: method.toUpperCase(), pattern, handler, segments: splitPath(pattern) });
    return this;
  }

  /** Every registered `{method, pattern}`, in registration order (the OpenAPI document is checked against it). */
  table(): { method: string; pattern: string }[] {
    return this.routes.map(({ method, pattern }) => ({ method, pattern }));
  }

  addAll(routes: Route[]): this {
    for (const route of routes) this.add(route.method, route.pattern, route.handler);
    return this;
  }

  async handle(request: ApiRequest): Promise<ApiResponse> {
    try {
      const pathSegments = splitPath(request.path);
      const allowed: string[] = [];
      for (const route of this.routes) {
        const params = matchSegments(route.segments, pathSegments);
        if (!params) continue;
        if (route.method !== request.method) {
          allowed.push(route.method);
          continue;
        }
        return await route.handler({ ...request, params });
      }
      if (allowed.length > 0) throw methodNotAllowed(request.method, request.path, [...new Set(allowed)]);
      throw notFound(`Requested URL ${request.path} was not found on this server`);
    } catch (err) {
      if (!(err instanceof ApiError)) this.options.onUnexpectedError?.(err, request);
      return toErrorResponse(err);
    }
  }
}
