/**
 * A small REST client for integration tests of the resources: real HTTP to a local runtime, the
 * headers the Cloudify client sends, and helpers for multipart uploads as requests_toolbelt's
 * MultipartEncoder writes them. Every call asserts that no request produced a server error.
 */
import { expect } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import type { LocalRuntime } from '../../../local/runtime';

export interface CallOptions {
  /** A full Authorization header; null for none. Default: the runtime's admin. */
  auth?: string | null;
  /** Tenant header; null for none. Default: default_tenant. */
  tenant?: string | null;
  body?: unknown;
  rawBody?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Allow 5xx (for tests of server errors only). */
  allowServerError?: boolean;
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  raw: Buffer;
}

export type ListBody = { items: Record<string, unknown>[]; metadata: { pagination: { total: number; size: number; offset: number } } };

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export class RestClient {
  readonly admin: string;

  constructor(readonly runtime: LocalRuntime) {
    this.admin = basic(runtime.admin.username, runtime.admin.password);
  }

  async call<T = Record<string, unknown>>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth !== null) headers.authorization = options.auth ?? this.admin;
    if (options.tenant !== null) headers.tenant = options.tenant ?? 'default_tenant';
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    // The Cloudify client sends this content type on every request.
    headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${this.runtime.restUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const raw = Buffer.from(await response.arrayBuffer());
    if (!options.allowServerError) expect({ method, path, status: response.status < 500 ? 'ok' : `${response.status} ${raw.toString().slice(0, 300)}` }).toEqual({ method, path, status: 'ok' });
    const type = response.headers.get('content-type') ?? '';
    let parsed: unknown = {};
    if (type.includes('application/json') && raw.length > 0) {
      // fetch already undid a gzip content-encoding.
      parsed = JSON.parse(raw.toString('utf8'));
    }
    return { status: response.status, headers: response.headers, body: parsed as T, raw };
  }

  /** Expects a Cloudify error reply. */
  async error(method: string, path: string, status: number, code: string, options: CallOptions = {}): Promise<string> {
    const reply = await this.call(method, path, options);
    expect({ status: reply.status, code: reply.body.error_code }).toEqual({ status, code });
    expect(typeof reply.body.message).toBe('string');
    return reply.body.message as string;
  }

  async ok<T = Record<string, unknown>>(method: string, path: string, status: number, options: CallOptions = {}): Promise<T> {
    const reply = await this.call<T>(method, path, options);
    if (reply.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${reply.status}: ${reply.raw.toString().slice(0, 2000)}`);
    return reply.body;
  }

  list(path: string, options: CallOptions = {}): Promise<ListBody> {
    return this.ok<ListBody>('GET', path, 200, options);
  }
}

/** Decodes a body that may still be gzipped (when fetched without automatic decoding). */
export function maybeGunzip(raw: Buffer): Buffer {
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
}

/** A multipart/form-data body as the Cloudify client's MultipartEncoder writes it. */
export function multipart(parts: Part[], boundary = `----stratus${Math.random().toString(16).slice(2)}`): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename !== undefined ? '\r\nContent-Type: text/plain' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** `PUT /blueprints/{id}` as `cfy blueprints upload` sends it. */
export function blueprintUpload(archive: Buffer, params: Record<string, unknown> = {}): CallOptions {
  const { body, contentType } = multipart([
    { name: 'params', value: JSON.stringify({ visibility: 'tenant', async_upload: false, skip_execution: false, application_file_name: 'blueprint.yaml', ...params }) },
    { name: 'blueprint_archive', value: archive, filename: 'filename' },
  ]);
  return { rawBody: body, contentType };
}
