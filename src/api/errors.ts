/**
 * Errors in Cloudify's REST shape: `{message, error_code, server_traceback}`. The Cloudify client
 * maps `error_code` to its exception classes, so the codes must be exact
 * (reference/cloudify-rest-api.md, "Errors").
 */
import { jsonResponse } from './http';
import type { ApiResponse } from './http';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorResponse(statusCode: number, errorCode: string, message: string, headers: Record<string, string> = {}): ApiResponse {
  return jsonResponse(statusCode, { message, error_code: errorCode, server_traceback: null }, headers);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, 'not_found_error', message);
}

export function methodNotAllowed(method: string, path: string, allowed: string[]): ApiError {
  return new ApiError(405, 'method_not_allowed_error', `Method ${method} is not allowed on ${path}`, {
    allow: allowed.join(', '),
  });
}

/** Turns anything thrown by a resource into a response; unexpected errors never leak details. */
export function toErrorResponse(err: unknown): ApiResponse {
  if (err instanceof ApiError) return errorResponse(err.statusCode, err.errorCode, err.message, err.headers);
  return errorResponse(500, 'internal_server_error', 'Internal server error');
}
