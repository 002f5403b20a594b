import { describe, expect, it } from '@jest/globals';
import { createApiRouter } from '../../../src/api/app';
import { ApiError } from '../../../src/api/errors';
import { jsonResponse } from '../../../src/api/http';
import type { ApiRequest } from '../../../src/api/http';
import { Router } from '../../../src/api/router';

function request(method: string, path: string): ApiRequest {
  return { method, path, query: {}, headers: {}, body: Buffer.alloc(0), cookies: [], params: {}, requestId: 'r' };
}

const json = (body: string | Buffer | undefined) => JSON.parse(String(body));

describe('Router', () => {
  const router = new Router()
    .add('GET', '/api/v3.1/blueprints', () => jsonResponse(200, { list: true }))
    .add('GET', '/api/v3.1/blueprints/{id}', (req) => jsonResponse(200, { id: req.params.id }))
    .add('PUT', '/api/v3.1/blueprints/{id}', (req) => jsonResponse(201, { put: req.params.id }))
    .add('GET', '/api/v3.1/blueprints/{id}/archive', (req) => jsonResponse(200, { archive: req.params.id }));

  it('matches literal and {param} segments, with or without a trailing slash', async () => {
    expect(json((await router.handle(request('GET', '/api/v3.1/blueprints'))).body)).toEqual({ list: true });
    expect(json((await router.handle(request('GET', '/api/v3.1/blueprints/demo'))).body)).toEqual({ id: 'demo' });
    expect(json((await router.handle(request('GET', '/api/v3.1/blueprints/demo/'))).body)).toEqual({ id: 'demo' });
    expect(json((await router.handle(request('GET', '/api/v3.1/blueprints/a b/archive'))).body)).toEqual({ archive: 'a b' });
    expect((await router.handle(request('PUT', '/api/v3.1/blueprints/x'))).statusCode).toBe(201);
  });

  it('answers 404 not_found_error for unknown paths and empty params', async () => {
    for (const path of ['/api/v3.1/nothing', '/api/v3.1/blueprints/a/b/c', '/api/v3.1/blueprints//archive']) {
      const response = await router.handle(request('GET', path));
      expect(response.statusCode).toBe(404);
      expect(json(response.body)).toEqual({ message: expect.stringContaining(path), error_code: 'not_found_error', server_traceback: null });
    }
  });

  it('answers 405 method_not_allowed_error with Allow listing the methods of the path', async () => {
    const response = await router.handle(request('DELETE', '/api/v3.1/blueprints/x'));
    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('GET, PUT');
    expect(json(response.body).error_code).toBe('method_not_allowed_error');
  });

  it('turns ApiErrors into their response and anything else into a bare 500, reporting it', async () => {
    const seen: unknown[] = [];
    const failing = new Router({ onUnexpectedError: (err) => seen.push(err) })
      .add('GET', '/conflict', () => {
        throw new ApiError(409, 'conflict_error', 'already exists');
      })
      .add('GET', '/crash', () => {
        throw new Error('secret detail');
      });
    const conflict = await failing.handle(request('GET', '/conflict'));
    expect(conflict.statusCode).toBe(409);
    expect(json(conflict.body)).toEqual({ message: 'already exists', error_code: 'conflict_error', server_traceback: null });
    const crash = await failing.handle(request('GET', '/crash'));
    expect(crash.statusCode).toBe(500);
    expect(json(crash.body)).toEqual({ message: 'Internal server error', error_code: 'internal_server_error', server_traceback: null });
    expect(seen).toHaveLength(1);
    expect(String(crash.body)).not.toContain('secret');
  });

  it('refuses patterns that do not start with /', () => {
    expect(() => new Router().add('GET', 'api', () => jsonResponse(200, {}))).toThrow(/must start with/);
  });
});

describe('the API router', () => {
  it('serves the version with and without the v3.1 prefix', async () => {
    const router = createApiRouter();
    for (const path of ['/api/version', '/api/v3.1/version']) {
      const response = await router.handle(request('GET', path));
      expect(response.statusCode).toBe(200);
      expect(json(response.body)).toEqual({ version: '7.0.0', edition: 'community', distribution: 'stratus', distro_release: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    }
  });
});
