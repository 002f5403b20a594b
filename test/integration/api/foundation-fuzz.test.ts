/**
 * Generated garbage at every route of the REST foundation (router in-process, real DynamoDB Local
 * store, local secret cipher): no request may end in a 5xx or an unexpected error, and requests
 * without valid credentials must not change anything.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import { LocalKeySecretCipher, newSecretsKey } from '../../../adapters/local-key/secret-cipher';
import { createApiRouter } from '../../../src/api/app';
import { createApiServices } from '../../../src/api/dependencies';
import type { ApiRequest } from '../../../src/api/http';
import type { Router } from '../../../src/api/router';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let router: Router;
const unexpected: unknown[] = [];
const PASSWORD = 'fuzz-admin-password';
const ADMIN = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

const PATHS = [
  '/api/version',
  '/api/v3.1/status',
  '/api/v3.1/managers',
  '/api/v3.1/brokers',
  '/api/v3.1/db-nodes',
  '/api/v3.1/maintenance',
  '/api/v3.1/config',
  '/api/v3.1/provider/context',
  '/api/v3.1/tenants',
  '/api/v3.1/tenants/{x}',
  '/api/v3.1/tenants/add-user',
  '/api/v3.1/tenants/remove-user',
  '/api/v3.1/user',
  '/api/v3.1/users',
  '/api/v3.1/users/{x}',
  '/api/v3.1/tokens',
  '/api/v3.1/tokens/{x}',
  '/api/v3.1/secrets',
  '/api/v3.1/secrets/{x}',
  '/api/v3.1/secrets/{x}/set-visibility',
];

/** The real (method, path) pairs, so most generated requests reach a handler. */
const ROUTES: [string, string][] = [
  ['GET', '/api/version'], ['GET', '/api/v3.1/status'], ['GET', '/api/v3.1/managers'], ['GET', '/api/v3.1/brokers'], ['GET', '/api/v3.1/db-nodes'],
  ['GET', '/api/v3.1/maintenance'], ['GET', '/api/v3.1/config'], ['GET', '/api/v3.1/config/{x}'], ['GET', '/api/v3.1/provider/context'],
  ['GET', '/api/v3.1/tenants'], ['POST', '/api/v3.1/tenants/{x}'], ['GET', '/api/v3.1/tenants/{x}'], ['DELETE', '/api/v3.1/tenants/{x}'],
  ['PUT', '/api/v3.1/tenants/add-user'], ['DELETE', '/api/v3.1/tenants/remove-user'],
  ['GET', '/api/v3.1/user'], ['GET', '/api/v3.1/users'], ['PUT', '/api/v3.1/users'], ['GET', '/api/v3.1/users/{x}'], ['POST', '/api/v3.1/users/{x}'], ['DELETE', '/api/v3.1/users/{x}'],
  ['POST', '/api/v3.1/tokens'], ['GET', '/api/v3.1/tokens'], ['GET', '/api/v3.1/tokens/{x}'], ['DELETE', '/api/v3.1/tokens/{x}'],
  ['GET', '/api/v3.1/secrets'], ['PUT', '/api/v3.1/secrets/{x}'], ['GET', '/api/v3.1/secrets/{x}'], ['PATCH', '/api/v3.1/secrets/{x}'],
  ['DELETE', '/api/v3.1/secrets/{x}'], ['PATCH', '/api/v3.1/secrets/{x}/set-visibility'],
];

const segment = fc.oneof(fc.constantFrom('default_tenant', 'admin', 'k1', 'x', '..', '', 'a#b', '~'), fc.string({ maxLength: 300 }), fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/));
const queryValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('-1', '0', '5', 'true', 'False', 'id', '-created_at', 'key,value', '@x', 'a,b,c'));
const queryKey = fc.oneof(fc.constantFrom('_include', '_sort', '_size', '_offset', '_search', '_range', '_all_tenants', '_get_all_results', 'scope', 'key', 'id'), fc.string({ maxLength: 10 }));
const jsonBody = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.record({
    value: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    visibility: fc.oneof(fc.constantFrom('private', 'tenant', 'global'), fc.string()),
    is_hidden_value: fc.oneof(fc.boolean(), fc.string()),
    update_if_exists: fc.oneof(fc.boolean(), fc.string()),
    username: fc.oneof(fc.string(), fc.constant('admin')),
    password: fc.string(),
    tenant_name: fc.oneof(fc.string(), fc.constant('default_tenant')),
    role: fc.oneof(fc.constantFrom('sys_admin', 'default', 'user'), fc.string()),
    description: fc.string(),
    expiration_date: fc.oneof(fc.string(), fc.constantFrom('+1h', '2001-01-01 00:00', '+5 fortnights')),
  }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
);

function requestArbitrary(auth: fc.Arbitrary<string | undefined>): fc.Arbitrary<ApiRequest> {
  return fc
    .record({
      route: fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom(...ROUTES) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), fc.constantFrom(...PATHS)) },
      ),
      x: segment,
      query: fc.dictionary(queryKey, fc.array(queryValue, { minLength: 1, maxLength: 3 }), { maxKeys: 4 }),
      auth,
      tenant: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('default_tenant', undefined) },
        { weight: 2, arbitrary: fc.oneof(fc.constantFrom('nope', '~', ''), fc.string({ maxLength: 20 })) },
      ),
      contentType: fc.oneof(
        { weight: 7, arbitrary: fc.constant('application/json') },
        { weight: 3, arbitrary: fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=utf-8', undefined) },
      ),
      body: fc.option(jsonBody, { nil: undefined }),
    })
    .map((spec) => {
      const headers: Record<string, string> = {};
      if (spec.auth !== undefined) {
        if (spec.auth.startsWith('ctok-')) headers['authentication-token'] = spec.auth;
        else headers.authorization = spec.auth;
      }
      if (spec.tenant !== undefined) headers.tenant = spec.tenant;
      if (spec.contentType !== undefined) headers['content-type'] = spec.contentType;
      return {
        method: spec.route[0],
        path: spec.route[1].replace('{x}', spec.x),
        query: spec.query,
        headers,
        body: spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body),
        cookies: [],
        params: {},
        requestId: 'fuzz',
      };
    });
}

async function itemCount(): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(new ScanCommand({ TableName: table.name, Select: 'COUNT', ExclusiveStartKey: start, ConsistentRead: true }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

beforeAll(async () => {
  table = await createModelTable();
  const services = createApiServices({
    store: new DynamoModelStore({ client: table.client, tableName: table.name }),
    cipher: new LocalKeySecretCipher(newSecretsKey()),
    adminPassword: { read: async () => ({ username: 'admin', password: PASSWORD }) },
  });
  router = createApiRouter({ onUnexpectedError: (err) => unexpected.push(err) }, services);
  // Bootstrap, and some state for the garbage to hit.
  const seed = (method: string, path: string, body?: unknown): ApiRequest => ({
    method,
    path,
    query: {},
    headers: { authorization: ADMIN, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
    cookies: [],
    params: {},
    requestId: 'seed',
  });
  expect((await router.handle(seed('PUT', '/api/v3.1/secrets/k1', { value: 'v' }))).statusCode).toBe(200);
  expect((await router.handle(seed('PUT', '/api/v3.1/users', { username: 'x', password: 'x-password' }))).statusCode).toBe(201);
});

afterAll(async () => {
  await table?.drop();
});

describe('REST foundation under generated garbage', () => {
  it('never answers 5xx to requests without valid credentials, and changes nothing', async () => {
    const before = await itemCount();
    const badAuth = fc.option(
      fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.constantFrom('Basic', 'Basic !!!', `Basic ${Buffer.from('admin:wrong').toString('base64')}`, 'ctok-abc-abcdefghijklmnopqrstuvwxyz', 'Bearer x'),
        fc.string({ maxLength: 40 }).map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
      ),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(requestArbitrary(badAuth), async (request) => {
        const response = await router.handle(request);
        expect(response.statusCode).toBeLessThan(500);
        if (!request.path.startsWith('/api/version')) expect([401, 404, 405]).toContain(response.statusCode);
      }),
      { numRuns: 300 },
    );
    expect(unexpected).toEqual([]);
    expect(await itemCount()).toBe(before);
  });

  it('never answers 5xx to garbage from an authenticated admin', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(fc.constant(ADMIN)), async (request) => {
        const response = await router.handle(request);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) throw new Error(`${request.method} ${request.path} → ${response.statusCode}: ${String(response.body)}`);
      }),
      { numRuns: 400 },
    );
    expect(unexpected).toEqual([]);
    // The garbage reached the handlers: successes and validation errors, not only routing errors.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(20);
  });
});
