/**
 * The CLI's REST client for a Stratus (or Cloudify) manager: REST API v3.1 under `<manager>/api/v3.1`,
 * Basic auth or an `Authentication-Token`, the `Tenant` header on every call, JSON bodies, raw and
 * multipart uploads, streamed downloads. Non-2xx replies throw ApiError with the server's
 * `message` and `error_code`.
 */
import { ApiError, ConnectionError, errorFromReply } from './errors';

export interface Credentials {
  /** Base URL of the manager, e.g. http://127.0.0.1:8080 (no /api/v3.1). */
  manager: string;
  user?: string;
  password?: string;
  token?: string;
  tenant: string;
  /** The WebSocket API for live events (STRATUS_WS_URL or the profile's); default: the manager's `/ws`. */
  wsUrl?: string;
}

export type Query = Record<string, string | number | boolean | string[] | undefined | null>;

export interface RequestOptions {
  query?: Query;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (archives) or a multipart form. */
  body?: Buffer | FormData;
  contentType?: string;
  /** Do not throw on these statuses (returned as they are). */
  accept?: number[];
}

export interface ListPage<T = Record<string, unknown>> {
  items: T[];
  metadata: { pagination: { total: number; size: number; offset: number } };
}

export const API_PREFIX = '/api/v3.1';

export function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class StratusClient {
  readonly base: string;

  constructor(readonly credentials: Credentials) {
    this.base = credentials.manager.replace(/\/+$/, '');
  }

  private headers(contentType?: string): Record<string, string> {
    const headers: Record<string, string> = { tenant: this.credentials.tenant };
    const { token, user, password } = this.credentials;
    if (token) headers['authentication-token'] = token;
    else if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
    if (contentType) headers['content-type'] = contentType;
    return headers;
  }

  /** The URL of an API path: `/status` → `<manager>/api/v3.1/status`; paths starting with /api are kept. */
  url(path: string, query?: Query): string {
    const full = path.startsWith('/api/') ? path : `${API_PREFIX}${path}`;
    return `${this.base}${full}${queryString(query)}`;
  }

  /** Sends a request and returns the raw Response (2xx or an accepted status); other statuses throw ApiError. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = this.url(path, options.query);
    let body: string | Buffer | FormData | undefined;
    let contentType = options.contentType;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      contentType ??= 'application/json';
    } else if (options.body !== undefined) {
      body = options.body;
      // fetch sets the multipart boundary itself.
      if (!(body instanceof FormData)) contentType ??= 'application/octet-stream';
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers: this.headers(contentType), body, redirect: 'manual' });
    } catch (err) {
      throw new ConnectionError(this.base, err);
    }
    if (!response.ok && !options.accept?.includes(response.status)) {
      throw errorFromReply(response.status, response.statusText, await response.text());
    }
    return response;
  }

  /** A request whose answer is JSON (or nothing, e.g. 204). */
  async request<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, 'invalid_response', `${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  /**
   * A download: follows a redirect (large files come from a presigned storage URL) without sending
   * the manager's credentials to the other host.
   */
  async download(path: string, query?: Query): Promise<Response> {
    const response = await this.send('GET', path, { query, accept: [301, 302, 303, 307, 308] });
    if (response.status < 300) return response;
    const location = response.headers.get('location');
    if (!location) throw new ApiError(response.status, 'invalid_response', `${path} redirected without a Location`);
    let target: Response;
    try {
      target = await fetch(new URL(location, this.url(path)));
    } catch (err) {
      throw new ConnectionError(location.split('?')[0], err);
    }
    if (!target.ok) throw errorFromReply(target.status, target.statusText, await target.text());
    return target;
  }

  get<T = Record<string, unknown>>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  /** One page of a list. */
  page<T = Record<string, unknown>>(path: string, query: Query = {}, offset = 0, size = 1000): Promise<ListPage<T>> {
    return this.get<ListPage<T>>(path, { ...query, _offset: offset, _size: size });
  }

  /** Every item of a list, paging by offset until the reported total is reached (as the Cloudify client does). */
  async listAll<T = Record<string, unknown>>(path: string, query: Query = {}, pageSize = 1000): Promise<{ items: T[]; total: number }> {
    const items: T[] = [];
    let total = Infinity;
    while (items.length < total) {
      const page = await this.page<T>(path, query, items.length, pageSize);
      total = page.metadata?.pagination?.total ?? page.items.length;
      items.push(...page.items);
      // A server that reports more than it gives would loop forever.
      if (page.items.length === 0) break;
    }
    return { items, total: Number.isFinite(total) ? total : items.length };
  }
}
