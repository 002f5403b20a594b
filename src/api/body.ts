/**
 * JSON request bodies, validated the same way everywhere:
 * - a body that is not `application/json` → 415 `unsupported_content_type_error`;
 * - over MAX_JSON_BODY_BYTES → 413 (large files go as multipart uploads or presigned URLs);
 * - malformed JSON, or JSON that is not an object → 400 `bad_parameters_error`.
 * Field readers check each field's type and raise 400 with the field's name.
 */
import { badParameters, payloadTooLarge, unsupportedContentType } from '../model/errors';
import { parseBoolean } from './list/query';
import type { ApiRequest } from './http';

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export type JsonObject = Record<string, unknown>;

export function isJsonContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** The body as a JSON object; an empty body is `{}` unless `required`. */
export function readJsonBody(request: ApiRequest, options: { required?: boolean } = {}): JsonObject {
  if (request.body.length === 0) {
    if (options.required) throw badParameters('The request body is missing: send a JSON object');
    return {};
  }
  if (!isJsonContentType(request.headers['content-type'])) {
    throw unsupportedContentType(`The request body must be JSON (Content-Type: application/json), got ${JSON.stringify(request.headers['content-type'] ?? 'none')}`);
  }
  if (request.body.length > MAX_JSON_BODY_BYTES) {
    throw payloadTooLarge(
      `The JSON body is ${request.body.length} bytes; at most ${MAX_JSON_BODY_BYTES} are accepted. Upload large blueprint archives and plugins as multipart/form-data (cfy blueprints upload does), or by URL.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(request.body.toString('utf8'));
  } catch (err) {
    throw badParameters(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badParameters('The request body must be a JSON object');
  return value as JsonObject;
}

export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badParameters(`\`${name}\` must be a string`);
  return value;
}

export function requiredString(body: JsonObject, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined) throw badParameters(`\`${name}\` is required`);
  return value;
}

/** Booleans may arrive as strings (`"true"`, `"False"`), as the Cloudify client sends them. */
export function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  return parseBoolean(value, name);
}

/** A boolean query parameter (last value wins); absent → fallback. */
export function queryBoolean(request: ApiRequest, name: string, fallback: boolean): boolean {
  const values = request.query[name];
  if (!values || values.length === 0) return fallback;
  return parseBoolean(values[values.length - 1], name);
}

export function queryString(request: ApiRequest, name: string): string | undefined {
  const values = request.query[name];
  return values && values.length > 0 ? values[values.length - 1] : undefined;
}

/** The visibility values Cloudify knows; absent → fallback. */
export type Visibility = 'private' | 'tenant' | 'global';
export const VISIBILITIES: readonly Visibility[] = ['private', 'tenant', 'global'];

export function optionalVisibility(value: unknown, name = 'visibility'): Visibility | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !VISIBILITIES.includes(value as Visibility)) {
    throw badParameters(`\`${name}\` must be one of ${VISIBILITIES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as Visibility;
}

/** An ISO 8601 timestamp (or null); anything else → 400. */
export function optionalTimestamp(body: JsonObject, name: string): string | null | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw badParameters(`\`${name}\` must be an ISO 8601 timestamp`);
  return new Date(Date.parse(value)).toISOString();
}
