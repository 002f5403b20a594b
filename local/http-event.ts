/**
 * Builds API Gateway HTTP API events (payload format 2.0) from raw HTTP requests, and turns handler
 * results back into HTTP responses, following what API Gateway does:
 * - header names lower-cased, repeated headers joined with commas; `Cookie` moved to `cookies`;
 * - rawPath percent-decoded (HTTP APIs decode it), rawQueryString as sent;
 * - queryStringParameters decoded, repeated keys joined with commas, absent without a query;
 * - the body as a UTF-8 string for text content types (text/*, application/json, application/xml,
 *   application/javascript), otherwise base64 with isBase64Encoded (also with no Content-Type);
 * - a result that is not `{statusCode, ...}` is sent as a 200 JSON body.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface RawHttpRequest {
  method: string;
  /** Request target as received: path plus optional `?query`. */
  url: string;
  /** Node's flat [name, value, name, value, ...] list. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  /** e.g. `1.1`. */
  httpVersion: string;
}

export interface EventMeta {
  requestId: string;
  apiId: string;
  now: Date;
  /** The port the client connected to (API Gateway adds X-Forwarded-* headers). */
  port: number;
}

export const LOCAL_ACCOUNT_ID = '000000000000';

const TEXT_TYPES = new Set(['application/json', 'application/xml', 'application/javascript']);

export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  return mediaType.startsWith('text/') || TEXT_TYPES.has(mediaType);
}

/** Decodes percent-escapes, leaving malformed ones as they are (API Gateway does not reject them). */
export function decodePath(path: string): string {
  return path.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time`: `12/Mar/2020:19:03:58 +0000`. */
export function apiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** Lower-cased headers, repeated ones joined with commas (cookies excluded, see splitCookies). */
export function joinHeaders(rawHeaders: string[]): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((cookie) => cookie.trim()).filter(Boolean));
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

export function queryStringParameters(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    params[key] = key in params ? `${params[key]},${value}` : value;
  }
  return Object.keys(params).length > 0 ? params : undefined;
}

export function buildHttpApiEvent(request: RawHttpRequest, meta: EventMeta): APIGatewayProxyEventV2 {
  const queryIndex = request.url.indexOf('?');
  const rawTarget = queryIndex >= 0 ? request.url.slice(0, queryIndex) : request.url;
  const rawQueryString = queryIndex >= 0 ? request.url.slice(queryIndex + 1) : '';
  const rawPath = decodePath(rawTarget || '/');
  const { headers, cookies } = joinHeaders(request.rawHeaders);
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-port'] = String(meta.port);
  headers['x-forwarded-proto'] = 'http';
  const domainName = headers.host ?? 'localhost';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: meta.apiId,
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: meta.requestId,
      routeKey: '$default',
      stage: '$default',
      time: apiGatewayTime(meta.now),
      timeEpoch: meta.now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  const query = queryStringParameters(rawQueryString);
  if (query) event.queryStringParameters = query;
  if (request.body.length > 0) {
    if (isTextContentType(headers['content-type'])) {
      event.body = request.body.toString('utf8');
    } else {
      event.body = request.body.toString('base64');
      event.isBase64Encoded = true;
    }
  }
  return event;
}

export interface HttpResponse {
  statusCode: number;
  /** [name, value] pairs; a name may repeat (Set-Cookie). */
  headers: [string, string][];
  body: Buffer;
}

export class InvalidHandlerResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidHandlerResponseError';
  }
}

function isStructured(result: unknown): result is Record<string, unknown> & { statusCode: unknown } {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

export function mapHttpApiResult(result: unknown): HttpResponse {
  if (!isStructured(result)) {
    // Payload 2.0: anything else is the JSON body of a 200 (a string is sent as it is).
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) };
  }
  const statusCode = result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new InvalidHandlerResponseError(`Invalid statusCode: ${String(statusCode)}`);
  }
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries((result.headers as Record<string, unknown>) ?? {})) {
    if (value === undefined || value === null) continue;
    headers.push([name.toLowerCase(), String(value)]);
  }
  const cookies = result.cookies;
  if (cookies !== undefined) {
    if (!Array.isArray(cookies)) throw new InvalidHandlerResponseError('cookies must be an array of strings');
    for (const cookie of cookies) headers.push(['set-cookie', String(cookie)]);
  }
  const rawBody = result.body;
  if (rawBody !== undefined && rawBody !== null && typeof rawBody !== 'string') {
    throw new InvalidHandlerResponseError('body must be a string');
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, result.isBase64Encoded === true ? 'base64' : 'utf8') : Buffer.alloc(0);
  return { statusCode, headers, body };
}
