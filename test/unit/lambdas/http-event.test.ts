import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseQuery, toApiRequest, toProxyResult } from '../../../lambdas/support/http-event';

const event = (overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: '/api/v3.1/x',
    rawQueryString: 'a=1&a=2%2C3&b=',
    headers: { 'Content-Type': 'application/json' },
    requestContext: { http: { method: 'post', path: '/api/v3.1/x', protocol: 'HTTP/1.1', sourceIp: '1.2.3.4', userAgent: 'ua' }, requestId: 'r1' },
    isBase64Encoded: false,
    ...overrides,
  }) as APIGatewayProxyEventV2;

describe('toApiRequest', () => {
  it('keeps every value of repeated query keys (from rawQueryString), lower-cases headers', () => {
    const request = toApiRequest(event({ body: '{"x":1}' }));
    expect(request).toMatchObject({ method: 'POST', path: '/api/v3.1/x', query: { a: ['1', '2,3'], b: [''] }, headers: { 'content-type': 'application/json' }, requestId: 'r1', sourceIp: '1.2.3.4' });
    expect(request.body.toString()).toBe('{"x":1}');
  });

  it('decodes base64 bodies and restores the cookie header', () => {
    const request = toApiRequest(event({ body: Buffer.from([0, 200]).toString('base64'), isBase64Encoded: true, cookies: ['a=1', 'b=2'] }));
    expect([...request.body]).toEqual([0, 200]);
    expect(request.cookies).toEqual(['a=1', 'b=2']);
    expect(request.headers.cookie).toBe('a=1; b=2');
    expect(toApiRequest(event()).body.length).toBe(0);
  });

  it('parses queries like URLSearchParams', () => {
    expect(parseQuery('')).toEqual({});
    expect(parseQuery('x=%20y&x')).toEqual({ x: [' y', ''] });
  });
});

describe('toProxyResult', () => {
  it('sends strings as text and Buffers as base64', () => {
    expect(toProxyResult({ statusCode: 200, headers: { a: 'b' }, body: 'hi' })).toEqual({ statusCode: 200, headers: { a: 'b' }, body: 'hi', isBase64Encoded: false });
    expect(toProxyResult({ statusCode: 200, body: Buffer.from([1, 2, 3]) })).toEqual({ statusCode: 200, headers: {}, body: 'AQID', isBase64Encoded: true });
    expect(toProxyResult({ statusCode: 204, cookies: ['a=1'] })).toEqual({ statusCode: 204, headers: {}, cookies: ['a=1'] });
  });
});
