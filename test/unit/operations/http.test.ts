/**
 * stratus.ops.http_request against a real node:http server on a free local port.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NonRecoverableError, RecoverableError } from '../../../src/operations/context';
import { OperationRegistry } from '../../../src/operations/registry';
import { testContext } from './context';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
const http = new OperationRegistry().resolve('stratus', 'ops.http_request');

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'r-42' });
      res.end(req.url!.startsWith('/text') ? 'plain words' : JSON.stringify({ id: 'vm-7', items: [{ name: 'first' }, { name: 'second' }], echo: req.method }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const last = () => seen[seen.length - 1];

describe('stratus.ops.http_request', () => {
  it('sends a GET by default and logs the status', async () => {
    const ctx = testContext({ url: `${base}/things` });
    await http(ctx);
    expect(last()).toMatchObject({ method: 'GET', url: '/things', body: '' });
    expect(ctx.lines).toEqual([{ level: 'info', message: `GET ${base}/things → 200` }]);
    expect(ctx.written).toEqual({});
  });

  it('sends the method, headers and a JSON body (content type added), and saves response fields', async () => {
    const ctx = testContext({
      url: `${base}/vms?status=201`,
      method: 'post',
      headers: { 'x-token': 'abc', 'x-count': 3 },
      body: { size: 'large', tags: ['a'] },
      expected_status: 201,
      save: { vm_id: 'json.id', second: 'json.items.1.name', missing: 'json.nope.deeper', code: 'status', request: 'headers.x-request-id', raw: 'body' },
    });
    await http(ctx);
    const request = last();
    expect(request.method).toBe('POST');
    expect(request.headers['x-token']).toBe('abc');
    expect(request.headers['x-count']).toBe('3');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ size: 'large', tags: ['a'] });
    expect(ctx.written).toEqual({
      vm_id: 'vm-7',
      second: 'second',
      missing: null,
      code: 201,
      request: 'r-42',
      raw: JSON.stringify({ id: 'vm-7', items: [{ name: 'first' }, { name: 'second' }], echo: 'POST' }),
    });
  });

  it('sends a string body as is and keeps a given content type', async () => {
    await http(testContext({ url: `${base}/raw`, method: 'PUT', body: 'a=1&b=2', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
    expect(last()).toMatchObject({ method: 'PUT', body: 'a=1&b=2' });
    expect(last().headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('accepts any 2xx by default, or only the listed statuses', async () => {
    await expect(http(testContext({ url: `${base}/x?status=204` }))).resolves.toEqual({ status: 204 });
    await expect(http(testContext({ url: `${base}/x?status=404`, expected_status: [200, 404] }))).resolves.toEqual({ status: 404 });
    await expect(http(testContext({ url: `${base}/x?status=200`, expected_status: 201 }))).rejects.toThrow(/answered 200, not the expected status/);
  });

  it('an unexpected 4xx fails non-recoverably; 5xx and 429 are recoverable', async () => {
    await expect(http(testContext({ url: `${base}/x?status=404` }))).rejects.toThrow(NonRecoverableError);
    await expect(http(testContext({ url: `${base}/x?status=503` }))).rejects.toThrow(RecoverableError);
    await expect(http(testContext({ url: `${base}/x?status=429` }))).rejects.toThrow(RecoverableError);
  });

  it('a connection failure is recoverable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(http(testContext({ url: `http://127.0.0.1:${port}/` }))).rejects.toThrow(RecoverableError);
  });

  it('saving a JSON field of a non-JSON answer, or an unknown path, fails clearly', async () => {
    await expect(http(testContext({ url: `${base}/text`, save: { x: 'json.a' } }))).rejects.toThrow(/did not answer JSON, so json.a cannot be saved/);
    await expect(http(testContext({ url: `${base}/x`, save: { x: 'cookies' } }))).rejects.toThrow(/Unknown response path cookies/);
  });

  it('refuses bad inputs before sending anything', async () => {
    const before = seen.length;
    await expect(http(testContext({ url: 'ftp://example.com/file' }))).rejects.toThrow(/must be an http\(s\) URL/);
    await expect(http(testContext({}))).rejects.toThrow(NonRecoverableError);
    await expect(http(testContext({ url: base, headers: ['x'] }))).rejects.toThrow('Input headers must be a dict');
    await expect(http(testContext({ url: base, expected_status: 'ok' }))).rejects.toThrow(/expected_status must be a status code/);
    expect(seen.length).toBe(before);
  });
});
