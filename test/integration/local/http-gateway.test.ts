import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHttpApiHandler } from '../../../lambdas/http-api';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';

// The real HTTP function serves the API; paths under /test/ go to probes that show what the
// gateway delivered, so the gateway (the subject here) is checked in both directions.
let lastEvent: APIGatewayProxyEventV2 | undefined;

async function probe(event: APIGatewayProxyEventV2) {
  lastEvent = event;
  switch (event.rawPath) {
    case '/test/echo':
      // Returns the request body as binary, whatever it was.
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/octet-stream' },
        body: event.isBase64Encoded ? event.body : Buffer.from(event.body ?? '').toString('base64'),
        isBase64Encoded: true,
      };
    case '/test/cookies':
      return { statusCode: 204, cookies: ['a=1; Path=/', 'b=2; HttpOnly'] };
    case '/test/plain':
      return { hello: 'world' };
    case '/test/throw':
      throw new Error('boom');
    default:
      return { statusCode: 200, body: 'ok' };
  }
}

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime({
    handlers: {
      httpApi: (settings) => {
        const real = createHttpApiHandler(settings);
        return (async (event: APIGatewayProxyEventV2, context: Context) =>
          event.rawPath.startsWith('/test/') ? probe(event) : real(event, context)) as never;
      },
    },
  });
});

afterAll(async () => {
  await runtime?.stop();
});

describe('HTTP gateway → HTTP API function', () => {
  it('answers GET /api/version and /api/v3.1/version in Cloudify shape', async () => {
    for (const path of ['/api/version', '/api/v3.1/version']) {
      const res = await fetch(`${runtime.restUrl}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = await res.json();
      expect(body).toEqual({ version: expect.any(String), edition: 'community', distribution: expect.any(String), distro_release: expect.any(String) });
    }
  });

  it('answers unknown paths with 404 not_found_error and wrong methods with 405', async () => {
    const missing = await fetch(`${runtime.restUrl}/api/v3.1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: expect.stringContaining('/api/v3.1/nothing-here'), error_code: 'not_found_error', server_traceback: null });
    const wrong = await fetch(`${runtime.restUrl}/api/version`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(((await wrong.json()) as { error_code: string }).error_code).toBe('method_not_allowed_error');
  });

  it('delivers a binary body base64-encoded and sends a base64 response back as the same bytes', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) % 256));
    const res = await fetch(`${runtime.restUrl}/test/echo`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(res.status).toBe(200);
    expect(lastEvent?.isBase64Encoded).toBe(true);
    expect(Buffer.from(lastEvent!.body!, 'base64').equals(bytes)).toBe(true);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('delivers JSON and text bodies as strings, and a body without content type as base64', async () => {
    await fetch(`${runtime.restUrl}/test/echo`, { method: 'PUT', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"é":1}' });
    expect(lastEvent).toMatchObject({ isBase64Encoded: false, body: '{"é":1}' });
    await fetch(`${runtime.restUrl}/test/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(lastEvent).toMatchObject({ isBase64Encoded: true, body: Buffer.from('a=1').toString('base64') });
  });

  it('builds a payload 2.0 event: query, cookies, headers and request context', async () => {
    await fetch(`${runtime.restUrl}/test/event%20x?a=1&a=2&b=x%20y&empty=`, {
      headers: { cookie: 'one=1; two=2', 'X-Custom': 'Yes', 'user-agent': 'stratus-test' },
    });
    const event = lastEvent!;
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('$default');
    expect(event.rawPath).toBe('/test/event x');
    expect(event.rawQueryString).toBe('a=1&a=2&b=x%20y&empty=');
    expect(event.queryStringParameters).toEqual({ a: '1,2', b: 'x y', empty: '' });
    expect(event.cookies).toEqual(['one=1', 'two=2']);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.requestContext.http).toEqual({ method: 'GET', path: '/test/event x', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'stratus-test' });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(10000);
    expect(event.body).toBeUndefined();
  });

  it('maps response cookies to Set-Cookie headers and a bare object to a JSON 200', async () => {
    const cookies = await fetch(`${runtime.restUrl}/test/cookies`);
    expect(cookies.status).toBe(204);
    expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    const plain = await fetch(`${runtime.restUrl}/test/plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ hello: 'world' });
  });

  it('answers 500 like API Gateway when the function throws', async () => {
    const res = await fetch(`${runtime.restUrl}/test/throw`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('refuses bodies over 10 MB with 413 without invoking the function', async () => {
    lastEvent = undefined;
    const res = await fetch(`${runtime.restUrl}/test/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: Buffer.alloc(10 * 1024 * 1024 + 1, 97) });
    expect(res.status).toBe(413);
    expect(lastEvent).toBeUndefined();
  });
});
