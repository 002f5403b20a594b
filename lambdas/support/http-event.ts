/**
 * Translation between API Gateway HTTP API events (payload format 2.0) and the REST layer's
 * ApiRequest/ApiResponse.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiRequest, ApiResponse } from '../../src/api/http';

/**
 * Payload v2 comma-joins repeated query keys in queryStringParameters, which loses values that
 * contain commas; rawQueryString keeps every value, so the query is parsed from it.
 */
export function parseQuery(rawQueryString: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    (query[key] ??= []).push(value);
  }
  return query;
}

export function toApiRequest(event: APIGatewayProxyEventV2): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  // Payload v2 moves the Cookie header into `cookies`; the REST layer sees both.
  const cookies = event.cookies ?? [];
  if (cookies.length > 0 && headers.cookie === undefined) headers.cookie = cookies.join('; ');
  const body = event.body === undefined || event.body === null ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query: parseQuery(event.rawQueryString ?? ''),
    headers,
    body,
    cookies,
    params: {},
    requestId: event.requestContext.requestId,
    sourceIp: event.requestContext.http.sourceIp,
  };
}

export function toProxyResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  const result: APIGatewayProxyStructuredResultV2 = { statusCode: response.statusCode, headers: { ...response.headers } };
  if (Buffer.isBuffer(response.body)) {
    result.body = response.body.toString('base64');
    result.isBase64Encoded = true;
  } else if (response.body !== undefined) {
    result.body = response.body;
    result.isBase64Encoded = false;
  }
  if (response.cookies && response.cookies.length > 0) result.cookies = response.cookies;
  return result;
}
