import { describe, expect, it } from '@jest/globals';
import {
  InvalidHandlerResponseError,
  apiGatewayTime,
  buildHttpApiEvent,
  decodePath,
  isTextContentType,
  joinHeaders,
  mapHttpApiResult,
  queryStringParameters,
} from '../../../local/http-event';
import type { RawHttpRequest } from '../../../local/http-event';

const meta = { requestId: 'req-1', apiId: 'api1', now: new Date('2024-03-12T19:03:58.123Z'), port: 8080 };

function request(overrides: Partial<RawHttpRequest> = {}): RawHttpRequest {
  return { method: 'get', url: '/', rawHeaders: ['Host', 'localhost:8080'], body: Buffer.alloc(0), sourceIp: '10.0.0.1', httpVersion: '1.1', ...overrides };
}

describe('isTextContentType', () => {
  it('treats text/*, JSON, XML and JavaScript as text, everything else (and nothing) as binary', () => {
    for (const type of ['text/plain', 'text/html; charset=utf-8', 'application/json', 'Application/JSON; charset=UTF-8', 'application/xml', 'application/javascript']) {
      expect(isTextContentType(type)).toBe(true);
    }
    for (const type of [undefined, '', 'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'image/png', 'application/gzip']) {
      expect(isTextContentType(type)).toBe(false);
    }
  });
});

describe('decodePath', () => {
  it('decodes escapes, including UTF-8 sequences, and leaves malformed ones', () => {
    expect(decodePath('/a%20b/%C3%A9')).toBe('/a b/é');
    expect(decodePath('/bad%zz/%E9')).toBe('/bad%zz/%E9');
    expect(decodePath('/plain')).toBe('/plain');
  });
});

describe('queryStringParameters', () => {
  it('decodes values and joins repeated keys with commas; absent without a query', () => {
    expect(queryStringParameters('a=1&b=x%20y&a=2&c')).toEqual({ a: '1,2', b: 'x y', c: '' });
    expect(queryStringParameters('')).toBeUndefined();
  });
});

describe('joinHeaders', () => {
  it('lower-cases names, joins repeats with commas and moves cookies out', () => {
    const { headers, cookies } = joinHeaders(['X-A', '1', 'x-a', '2', 'Cookie', 'a=1; b=2', 'cookie', 'c=3', 'Accept', '*/*']);
    expect(headers).toEqual({ 'x-a': '1,2', accept: '*/*' });
    expect(cookies).toEqual(['a=1', 'b=2', 'c=3']);
  });
});

describe('apiGatewayTime', () => {
  it('formats like API Gateway', () => {
    expect(apiGatewayTime(new Date('2024-03-02T09:03:08Z'))).toBe('02/Mar/2024:09:03:08 +0000');
  });
});

describe('buildHttpApiEvent', () => {
  it('builds a payload 2.0 event', () => {
    const event = buildHttpApiEvent(request({ url: '/api/v3.1/x%2Fy?_size=5&a=1&a=2', rawHeaders: ['Host', 'h:1', 'User-Agent', 'ua'] }), meta);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/api/v3.1/x/y',
      rawQueryString: '_size=5&a=1&a=2',
      queryStringParameters: { _size: '5', a: '1,2' },
      isBase64Encoded: false,
      headers: { host: 'h:1', 'user-agent': 'ua', 'x-forwarded-for': '10.0.0.1', 'x-forwarded-port': '8080', 'x-forwarded-proto': 'http' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'api1',
        domainName: 'h:1',
        http: { method: 'GET', path: '/api/v3.1/x/y', protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'ua' },
        requestId: 'req-1',
        routeKey: '$default',
        stage: '$default',
        time: '12/Mar/2024:19:03:58 +0000',
        timeEpoch: meta.now.getTime(),
      },
    });
    expect(event.body).toBeUndefined();
    expect(event.cookies).toBeUndefined();
  });

  it('sends text bodies as strings and other bodies base64-encoded', () => {
    const json = buildHttpApiEvent(request({ method: 'POST', rawHeaders: ['Content-Type', 'application/json'], body: Buffer.from('{"a":"é"}') }), meta);
    expect(json).toMatchObject({ body: '{"a":"é"}', isBase64Encoded: false });
    const bytes = Buffer.from([0, 255, 1, 254]);
    const binary = buildHttpApiEvent(request({ method: 'POST', rawHeaders: ['Content-Type', 'application/octet-stream'], body: bytes }), meta);
    expect(binary).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    const untyped = buildHttpApiEvent(request({ method: 'POST', rawHeaders: [], body: Buffer.from('x') }), meta);
    expect(untyped).toMatchObject({ body: 'eA==', isBase64Encoded: true });
  });

  it('appends the client to an existing X-Forwarded-For', () => {
    const event = buildHttpApiEvent(request({ rawHeaders: ['X-Forwarded-For', '1.2.3.4'] }), meta);
    expect(event.headers['x-forwarded-for']).toBe('1.2.3.4, 10.0.0.1');
  });
});

describe('mapHttpApiResult', () => {
  it('maps a structured result, decoding base64 bodies and turning cookies into Set-Cookie', () => {
    const response = mapHttpApiResult({ statusCode: 201, headers: { 'X-A': 'b', skipped: undefined }, cookies: ['a=1', 'b=2'], body: Buffer.from([1, 2]).toString('base64'), isBase64Encoded: true });
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual([
      ['x-a', 'b'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    expect([...response.body]).toEqual([1, 2]);
  });

  it('sends anything that is not {statusCode} as a JSON 200', () => {
    expect(mapHttpApiResult({ a: 1 })).toEqual({ statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from('{"a":1}') });
    expect(mapHttpApiResult('hello').body.toString()).toBe('hello');
    expect(mapHttpApiResult(undefined).body.toString()).toBe('null');
  });

  it('rejects malformed results', () => {
    expect(() => mapHttpApiResult({ statusCode: '200' })).toThrow(InvalidHandlerResponseError);
    expect(() => mapHttpApiResult({ statusCode: 42 })).toThrow(InvalidHandlerResponseError);
    expect(() => mapHttpApiResult({ statusCode: 200, body: { a: 1 } })).toThrow(InvalidHandlerResponseError);
    expect(() => mapHttpApiResult({ statusCode: 200, cookies: 'a=1' })).toThrow(InvalidHandlerResponseError);
  });
});
