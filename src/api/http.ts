/**
 * The REST layer's own view of an HTTP exchange, independent of API Gateway's event format
 * (lambdas/http-api.ts translates both ways).
 */
export interface ApiRequest {
  /** Upper-case method, e.g. `GET`. */
  method: string;
  /** Path without the query string, percent-decoded as API Gateway delivers it. */
  path: string;
  /** Query parameters; a repeated key keeps every value in order. */
  query: Record<string, string[]>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Raw body bytes; empty when the request had none. */
  body: Buffer;
  /** Cookies sent by the client, `name=value` each. */
  cookies: string[];
  /** Values of `{name}` segments in the matched route, filled by the router. */
  params: Record<string, string>;
  requestId: string;
  sourceIp?: string;
}

export interface ApiResponse {
  statusCode: number;
  headers?: Record<string, string>;
  /** A string is sent as text; a Buffer as binary. */
  body?: string | Buffer;
  /** `Set-Cookie` values, one per cookie. */
  cookies?: string[];
}

export function jsonResponse(statusCode: number, value: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}
