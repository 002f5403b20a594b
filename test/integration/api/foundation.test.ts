/**
 * The REST foundation through real HTTP on an in-memory local runtime (DynamoDB Local shared by
 * the run): authentication and tenants, users, tokens, secrets, the manager's resources, bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import type { LocalRuntime } from '../../../local/runtime';
import type { TokenData } from '../../../src/model/auth';
import { SYSTEM_SCOPE } from '../../../src/ports/model-store';
import { startTestRuntime } from '../../support/local-runtime';

let runtime: LocalRuntime;
let store: DynamoModelStore;
let raw: DynamoDBClient;
let admin: string;

interface CallOptions {
  auth?: string | null;
  tenant?: string | null;
  body?: unknown;
  contentType?: string;
  rawBody?: string | Buffer;
  token?: string;
}

interface Reply {
  status: number;
  body: Record<string, unknown> & { items?: Record<string, unknown>[]; metadata?: { pagination: { total: number; size: number; offset: number } } };
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.token) headers['authentication-token'] = options.token;
  else if (options.auth !== null) headers.authorization = options.auth ?? admin;
  if (options.tenant !== null) headers.tenant = options.tenant ?? 'default_tenant';
  let body: string | Buffer | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${runtime.restUrl}${path}`, { method, headers, body });
  const text = await response.text();
  // Nothing this suite sends may produce a server error.
  expect(response.status).toBeLessThan(500);
  return { status: response.status, body: text ? (JSON.parse(text) as Reply['body']) : {} };
}

function expectError(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.body.error_code }).toEqual({ status, code });
  expect(typeof reply.body.message).toBe('string');
  expect(reply.body.server_traceback).toBeNull();
}

async function createUser(username: string, password: string, tenants: string[] = [], role = 'default'): Promise<string> {
  expect((await call('PUT', '/api/v3.1/users', { body: { username, password, role } })).status).toBe(201);
  for (const tenant of tenants) {
    expect((await call('PUT', '/api/v3.1/tenants/add-user', { body: { username, tenant_name: tenant, role: 'user' } })).status).toBe(200);
  }
  return basic(username, password);
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  admin = basic(runtime.admin.username, runtime.admin.password);
  raw = new DynamoDBClient({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.dynamodb });
  store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: runtime.resources.tables.model });
});

afterAll(async () => {
  raw?.destroy();
  await runtime?.stop();
});

describe('authentication', () => {
  it('keeps /api/version open and everything else closed without credentials', async () => {
    expect((await call('GET', '/api/version', { auth: null, tenant: null })).status).toBe(200);
    for (const path of ['/api/v3.1/status', '/api/v3.1/user', '/api/v3.1/tenants', '/api/v3.1/secrets', '/api/v3.1/tokens', '/api/v3.1/managers']) {
      expectError(await call('GET', path, { auth: null }), 401, 'unauthorized_error');
    }
  });

  it('refuses a wrong password, an unknown user and malformed credentials with 401', async () => {
    expectError(await call('GET', '/api/v3.1/user', { auth: basic('admin', 'wrong-password') }), 401, 'unauthorized_error');
    expectError(await call('GET', '/api/v3.1/user', { auth: basic('nobody', 'whatever') }), 401, 'unauthorized_error');
    for (const auth of ['Basic !!!', 'Basic ' + Buffer.from('no-colon').toString('base64'), 'Bearer abc', 'Basic']) {
      expectError(await call('GET', '/api/v3.1/user', { auth }), 401, 'unauthorized_error');
    }
    expectError(await call('GET', '/api/v3.1/user', { token: 'ctok-nope-abcdefghijklmnopqrstuvwxyz' }), 401, 'unauthorized_error');
  });

  it('never echoes credentials in error messages', async () => {
    const reply = await call('GET', '/api/v3.1/user', { auth: basic('admin', 'Sup3rSecretGuess') });
    expect(JSON.stringify(reply.body)).not.toContain('Sup3rSecretGuess');
  });

  it('uses default_tenant without a Tenant header and answers 403 for an unknown tenant', async () => {
    expect((await call('GET', '/api/v3.1/secrets', { tenant: null })).status).toBe(200);
    expectError(await call('GET', '/api/v3.1/secrets', { tenant: 'no_such_tenant' }), 403, 'forbidden_error');
    expectError(await call('GET', '/api/v3.1/secrets', { tenant: 'bad#name' }), 403, 'forbidden_error');
  });

  it('answers 403 to a user acting in a tenant it is not a member of', async () => {
    expect((await call('POST', '/api/v3.1/tenants/closed_tenant')).status).toBe(201);
    const outsider = await createUser('outsider', 'outsider-pass', ['default_tenant']);
    expect((await call('GET', '/api/v3.1/secrets', { auth: outsider })).status).toBe(200);
    expectError(await call('GET', '/api/v3.1/secrets', { auth: outsider, tenant: 'closed_tenant' }), 403, 'forbidden_error');
    // sys_admin may act in every tenant.
    expect((await call('GET', '/api/v3.1/secrets', { tenant: 'closed_tenant' })).status).toBe(200);
  });
});

describe('tokens', () => {
  it('creates a ctok token that authenticates, lists it without its value, and revokes it', async () => {
    const created = await call('POST', '/api/v3.1/tokens', { body: { description: 'ci' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ username: 'admin', role: 'sys_admin', description: 'ci', expiration_date: null, last_used: null });
    const value = String(created.body.value);
    expect(value).toMatch(new RegExp(`^ctok-${String(created.body.id)}-[A-Za-z0-9]{32}$`));

    const me = await call('GET', '/api/v3.1/user', { token: value });
    expect(me.body.username).toBe('admin');

    const listed = await call('GET', '/api/v3.1/tokens');
    const item = listed.body.items!.find((token) => token.id === created.body.id);
    expect(item).toMatchObject({ description: 'ci', username: 'admin' });
    expect(item).not.toHaveProperty('value');
    expect(JSON.stringify(listed.body)).not.toContain(value.split('-')[2]);
    // Only a hash of the secret is stored.
    const stored = await store.get<TokenData>({ kind: 'token', tenant: SYSTEM_SCOPE, id: String(created.body.id) });
    expect(JSON.stringify(stored)).not.toContain(value.split('-')[2]);
    expect((await call('GET', `/api/v3.1/tokens/${String(created.body.id)}`)).body.last_used).not.toBeNull();

    expect((await call('DELETE', `/api/v3.1/tokens/${String(created.body.id)}`)).status).toBe(204);
    expectError(await call('GET', '/api/v3.1/user', { token: value }), 401, 'unauthorized_error');
    expectError(await call('GET', `/api/v3.1/tokens/${String(created.body.id)}`), 404, 'not_found_error');
  });

  it('honours expiry', async () => {
    const created = await call('POST', '/api/v3.1/tokens', { body: { expiration_date: '+1h' } });
    expect(Date.parse(String(created.body.expiration_date))).toBeGreaterThan(Date.now());
    const id = String(created.body.id);
    // Move the expiry into the past in the store, as time would.
    await store.modify<TokenData>({ kind: 'token', tenant: SYSTEM_SCOPE, id }, (token) => ({ ...token.data, expiration_date: new Date(Date.now() - 1000).toISOString() }));
    expectError(await call('GET', '/api/v3.1/user', { token: String(created.body.value) }), 401, 'unauthorized_error');
    expectError(await call('POST', '/api/v3.1/tokens', { body: { expiration_date: 'someday' } }), 400, 'bad_parameters_error');
    expectError(await call('POST', '/api/v3.1/tokens', { body: { expiration_date: '2001-01-01 00:00' } }), 400, 'bad_parameters_error');
  });

  it("hides other users' tokens from non-admins", async () => {
    const alice = await createUser('token_alice', 'alice-password', ['default_tenant']);
    const adminToken = await call('POST', '/api/v3.1/tokens', { body: {} });
    const own = await call('POST', '/api/v3.1/tokens', { auth: alice, body: {} });
    expectError(await call('GET', `/api/v3.1/tokens/${String(adminToken.body.id)}`, { auth: alice }), 404, 'not_found_error');
    expectError(await call('DELETE', `/api/v3.1/tokens/${String(adminToken.body.id)}`, { auth: alice }), 404, 'not_found_error');
    const listed = await call('GET', '/api/v3.1/tokens', { auth: alice });
    expect(listed.body.items!.map((token) => token.id)).toEqual([own.body.id]);
    expect(listed.body.metadata!.pagination.total).toBe(1);
  });
});

describe('tenants and users', () => {
  it('creates, reads, lists and deletes tenants (sys_admin only)', async () => {
    const created = await call('POST', '/api/v3.1/tenants/team_a');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'team_a', users: 0 });
    expectError(await call('POST', '/api/v3.1/tenants/team_a'), 409, 'conflict_error');
    expectError(await call('POST', '/api/v3.1/tenants/bad%20name'), 400, 'bad_parameters_error');
    expectError(await call('POST', '/api/v3.1/tenants/add-user'), 400, 'bad_parameters_error');
    expect((await call('GET', '/api/v3.1/tenants/team_a')).body.name).toBe('team_a');
    const names = (await call('GET', '/api/v3.1/tenants')).body.items!.map((tenant) => tenant.name);
    expect(names).toEqual(expect.arrayContaining(['default_tenant', 'team_a']));

    const member = await createUser('tenant_member', 'member-password', ['default_tenant']);
    expectError(await call('POST', '/api/v3.1/tenants/team_b', { auth: member }), 403, 'forbidden_error');
    expectError(await call('GET', '/api/v3.1/tenants/team_a', { auth: member }), 404, 'not_found_error');
    expect((await call('GET', '/api/v3.1/tenants', { auth: member })).body.items!.map((tenant) => tenant.name)).toEqual(['default_tenant']);

    expectError(await call('DELETE', '/api/v3.1/tenants/default_tenant'), 403, 'forbidden_error');
    expect((await call('PUT', '/api/v3.1/secrets/keeps_tenant', { tenant: 'team_a', body: { value: 'x' } })).status).toBe(200);
    expectError(await call('DELETE', '/api/v3.1/tenants/team_a'), 403, 'forbidden_error');
    expect((await call('DELETE', '/api/v3.1/secrets/keeps_tenant', { tenant: 'team_a' })).status).toBe(204);
    expect((await call('DELETE', '/api/v3.1/tenants/team_a')).status).toBe(204);
    expectError(await call('GET', '/api/v3.1/tenants/team_a'), 404, 'not_found_error');
    expectError(await call('GET', '/api/v3.1/secrets', { tenant: 'team_a' }), 403, 'forbidden_error');
  });

  it('adds and removes members; concurrent membership changes are all kept', async () => {
    const tenants = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    for (const tenant of tenants) expect((await call('POST', `/api/v3.1/tenants/${tenant}`)).status).toBe(201);
    const joiner = await createUser('joiner', 'joiner-password');
    const replies = await Promise.all(tenants.map((tenant) => call('PUT', '/api/v3.1/tenants/add-user', { body: { username: 'joiner', tenant_name: tenant } })));
    expect(replies.map((reply) => reply.status)).toEqual(tenants.map(() => 200));
    const me = await call('GET', '/api/v3.1/user', { auth: joiner, tenant: 'm3' });
    expect(Object.keys((me.body.tenant_roles as { direct: Record<string, string> }).direct).sort()).toEqual(tenants);
    expect((await call('DELETE', '/api/v3.1/tenants/remove-user', { body: { username: 'joiner', tenant_name: 'm3' } })).status).toBe(200);
    expectError(await call('GET', '/api/v3.1/user', { auth: joiner, tenant: 'm3' }), 403, 'forbidden_error');
    expectError(await call('PUT', '/api/v3.1/tenants/add-user', { body: { username: 'ghost', tenant_name: 'm1' } }), 404, 'not_found_error');
    expectError(await call('PUT', '/api/v3.1/tenants/add-user', { body: { username: 'joiner', tenant_name: 'nope' } }), 404, 'not_found_error');
  });

  it('manages users: create, duplicate, list, password change, delete', async () => {
    const bob = await createUser('bob', 'bob-password-1', ['default_tenant']);
    expectError(await call('PUT', '/api/v3.1/users', { body: { username: 'bob', password: 'another-pass' } }), 409, 'conflict_error');
    expectError(await call('PUT', '/api/v3.1/users', { body: { username: 'bad user', password: 'another-pass' } }), 400, 'bad_parameters_error');
    expectError(await call('PUT', '/api/v3.1/users', { body: { username: 'short', password: 'x' } }), 400, 'bad_parameters_error');
    expectError(await call('PUT', '/api/v3.1/users', { body: { username: 'r', password: 'long-enough', role: 'god' } }), 400, 'bad_parameters_error');
    expectError(await call('PUT', '/api/v3.1/users', { auth: bob, body: { username: 'eve', password: 'eve-password' } }), 403, 'forbidden_error');

    const me = await call('GET', '/api/v3.1/user', { auth: bob });
    expect(me.body).toMatchObject({ username: 'bob', role: 'default', active: true });
    expect(me.body).not.toHaveProperty('password_hash');
    expect((await call('GET', '/api/v3.1/users', { auth: bob })).body.items!.map((user) => user.username)).toEqual(['bob']);
    const all = await call('GET', '/api/v3.1/users');
    expect(all.body.items!.map((user) => user.username)).toEqual(expect.arrayContaining(['admin', 'bob']));
    expect(JSON.stringify(all.body)).not.toContain('scrypt');
    expectError(await call('GET', '/api/v3.1/users/admin', { auth: bob }), 404, 'not_found_error');

    expect((await call('POST', '/api/v3.1/users/bob', { auth: bob, body: { password: 'bob-password-2' } })).status).toBe(200);
    expectError(await call('GET', '/api/v3.1/user', { auth: bob }), 401, 'unauthorized_error');
    const bob2 = basic('bob', 'bob-password-2');
    expect((await call('GET', '/api/v3.1/user', { auth: bob2 })).status).toBe(200);
    expectError(await call('POST', '/api/v3.1/users/bob', { auth: bob2, body: { role: 'sys_admin' } }), 403, 'forbidden_error');

    expectError(await call('DELETE', '/api/v3.1/users/admin'), 403, 'forbidden_error');
    expect((await call('DELETE', '/api/v3.1/users/bob')).status).toBe(204);
    expectError(await call('GET', '/api/v3.1/user', { auth: bob2 }), 401, 'unauthorized_error');
  });
});

describe('secrets', () => {
  it('creates, reads, updates and deletes a secret, with Cloudify codes for conflicts', async () => {
    const put = await call('PUT', '/api/v3.1/secrets/db_password', { body: { value: 'pa55', update_if_exists: false, is_hidden_value: false, visibility: 'tenant' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ key: 'db_password', value: 'pa55', visibility: 'tenant', tenant_name: 'default_tenant', created_by: 'admin', is_hidden_value: false });
    expectError(await call('PUT', '/api/v3.1/secrets/db_password', { body: { value: 'other' } }), 409, 'conflict_error');
    expect((await call('PUT', '/api/v3.1/secrets/db_password', { body: { value: 'pa56', update_if_exists: 'true' } })).body.value).toBe('pa56');
    expect((await call('GET', '/api/v3.1/secrets/db_password')).body.value).toBe('pa56');
    expect((await call('GET', '/api/v3.1/secrets/db_password?_include=key,value')).body).toEqual({ key: 'db_password', value: 'pa56' });
    expect((await call('PATCH', '/api/v3.1/secrets/db_password', { body: { value: 'pa57' } })).body.value).toBe('pa57');
    expect((await call('DELETE', '/api/v3.1/secrets/db_password')).status).toBe(204);
    expectError(await call('GET', '/api/v3.1/secrets/db_password'), 404, 'not_found_error');
    expectError(await call('DELETE', '/api/v3.1/secrets/db_password'), 404, 'not_found_error');
    expectError(await call('PATCH', '/api/v3.1/secrets/db_password', { body: { value: 'x' } }), 404, 'not_found_error');
  });

  it('never loses a concurrent update: each PATCH either lands (and bumps the version) or gets 409', async () => {
    await call('PUT', '/api/v3.1/secrets/contended', { body: { value: 'v0' } });
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => call('PATCH', '/api/v3.1/secrets/contended', { body: { value: `v${i + 1}` } })));
    const landed = replies.filter((reply) => reply.status === 200);
    expect(landed.length).toBeGreaterThan(0);
    for (const reply of replies.filter((candidate) => candidate.status !== 200)) expectError(reply, 409, 'conflict_error');
    const stored = await store.get({ kind: 'secret', tenant: 'default_tenant', id: 'contended' });
    expect(stored?.version).toBe(1 + landed.length);
    const final = await call('GET', '/api/v3.1/secrets/contended');
    expect(landed.map((reply) => reply.body.value)).toContain(final.body.value);
  });

  it('stores only sealed values', async () => {
    await call('PUT', '/api/v3.1/secrets/sealed_one', { body: { value: 'plaintext-marker-123' } });
    const stored = await store.get({ kind: 'secret', tenant: 'default_tenant', id: 'sealed_one' });
    expect(JSON.stringify(stored)).not.toContain('plaintext-marker-123');
    expect(String(stored?.data.sealed)).toMatch(/^local1\./);
  });

  it('shows hidden values only to their creator and sys_admin, and private secrets only to them', async () => {
    const carol = await createUser('carol', 'carol-password', ['default_tenant']);
    const dave = await createUser('dave', 'dave-password', ['default_tenant']);
    expect((await call('PUT', '/api/v3.1/secrets/carol_hidden', { auth: carol, body: { value: 'c-value', is_hidden_value: true } })).status).toBe(200);
    expect((await call('GET', '/api/v3.1/secrets/carol_hidden', { auth: carol })).body.value).toBe('c-value');
    expect((await call('GET', '/api/v3.1/secrets/carol_hidden')).body.value).toBe('c-value');
    expect((await call('GET', '/api/v3.1/secrets/carol_hidden', { auth: dave })).body.value).toBe('');
    expectError(await call('PATCH', '/api/v3.1/secrets/carol_hidden', { auth: dave, body: { value: 'x' } }), 403, 'forbidden_error');
    expectError(await call('DELETE', '/api/v3.1/secrets/carol_hidden', { auth: dave }), 403, 'forbidden_error');

    expect((await call('PUT', '/api/v3.1/secrets/carol_private', { auth: carol, body: { value: 'p', visibility: 'private' } })).status).toBe(200);
    expectError(await call('GET', '/api/v3.1/secrets/carol_private', { auth: dave }), 404, 'not_found_error');
    const davesList = await call('GET', '/api/v3.1/secrets?_search=carol_', { auth: dave });
    expect(davesList.body.items!.map((secret) => secret.key)).toEqual(['carol_hidden']);
    expect(davesList.body.metadata!.pagination.total).toBe(1);
    expect((await call('GET', '/api/v3.1/secrets?_search=carol_', { auth: carol })).body.metadata!.pagination.total).toBe(2);
    expectError(await call('PUT', '/api/v3.1/secrets/global_try', { auth: carol, body: { value: 'g', visibility: 'global' } }), 403, 'forbidden_error');
    // Unfiltered, creation-ordered pages too: totals count only what the caller may see.
    const everything = (await call('GET', '/api/v3.1/secrets?_size=1000')).body.metadata!.pagination.total;
    const davesTotal = (await call('GET', '/api/v3.1/secrets?_size=1&_sort=-created_at', { auth: dave })).body.metadata!.pagination.total;
    expect(davesTotal).toBe(everything - 1);
    expect((await call('GET', '/api/v3.1/secrets?_size=1000', { auth: dave })).body.items!.map((secret) => secret.key)).not.toContain('carol_private');
    expect((await call('PATCH', '/api/v3.1/secrets/carol_private/set-visibility', { auth: carol, body: { visibility: 'tenant' } })).status).toBe(200);
    expect((await call('GET', '/api/v3.1/secrets?_size=1000', { auth: dave })).body.metadata!.pagination.total).toBe(everything);
  });

  it('keeps tenants apart: 404 across tenants, except for global secrets', async () => {
    for (const tenant of ['iso_a', 'iso_b']) expect((await call('POST', `/api/v3.1/tenants/${tenant}`)).status).toBe(201);
    expect((await call('PUT', '/api/v3.1/secrets/only_a', { tenant: 'iso_a', body: { value: 'a' } })).status).toBe(200);
    expectError(await call('GET', '/api/v3.1/secrets/only_a', { tenant: 'iso_b' }), 404, 'not_found_error');
    expectError(await call('PATCH', '/api/v3.1/secrets/only_a', { tenant: 'iso_b', body: { value: 'b' } }), 404, 'not_found_error');
    expectError(await call('DELETE', '/api/v3.1/secrets/only_a', { tenant: 'iso_b' }), 404, 'not_found_error');
    expect((await call('GET', '/api/v3.1/secrets', { tenant: 'iso_b' })).body.metadata!.pagination.total).toBe(0);
    // The same key may exist in another tenant.
    expect((await call('PUT', '/api/v3.1/secrets/only_a', { tenant: 'iso_b', body: { value: 'b' } })).status).toBe(200);
    expect((await call('GET', '/api/v3.1/secrets/only_a', { tenant: 'iso_a' })).body.value).toBe('a');

    expect((await call('PUT', '/api/v3.1/secrets/shared_global', { tenant: 'iso_a', body: { value: 'g', visibility: 'global' } })).status).toBe(200);
    const seen = await call('GET', '/api/v3.1/secrets/shared_global', { tenant: 'iso_b' });
    expect(seen.body).toMatchObject({ value: 'g', visibility: 'global', tenant_name: 'iso_a' });
    expect((await call('GET', '/api/v3.1/secrets', { tenant: 'iso_b' })).body.items!.map((secret) => secret.key)).toEqual(['only_a', 'shared_global']);
    expectError(await call('PUT', '/api/v3.1/secrets/shared_global', { tenant: 'iso_b', body: { value: 'mine' } }), 409, 'conflict_error');
    expectError(await call('DELETE', '/api/v3.1/secrets/shared_global', { tenant: 'iso_b' }), 403, 'forbidden_error');
    const all = await call('GET', '/api/v3.1/secrets?_all_tenants=true&_search=only_a');
    expect(all.body.items!.map((secret) => secret.tenant_name).sort()).toEqual(['iso_a', 'iso_b']);
    // set-visibility moves a secret between tenant and global.
    expect((await call('PATCH', '/api/v3.1/secrets/only_a/set-visibility', { tenant: 'iso_a', body: { visibility: 'global' } })).status).toBe(409);
    expect((await call('PATCH', '/api/v3.1/secrets/shared_global/set-visibility', { tenant: 'iso_a', body: { visibility: 'tenant' } })).body.visibility).toBe('tenant');
    expectError(await call('GET', '/api/v3.1/secrets/shared_global', { tenant: 'iso_b' }), 404, 'not_found_error');
    expect((await call('PATCH', '/api/v3.1/secrets/shared_global/set-visibility', { tenant: 'iso_a', body: { visibility: 'global' } })).body.visibility).toBe('global');
    expectError(await call('PATCH', '/api/v3.1/secrets/shared_global/set-visibility', { tenant: 'iso_a', body: { visibility: 'galaxy' } }), 400, 'bad_parameters_error');
    // Global secrets show in every tenant's list: remove it so other tests see only their own.
    expect((await call('DELETE', '/api/v3.1/secrets/shared_global', { tenant: 'iso_a' })).status).toBe(204);
    expectError(await call('GET', '/api/v3.1/secrets/shared_global', { tenant: 'iso_b' }), 404, 'not_found_error');
  });

  it('pages, sorts, filters and projects the list with an honest total', async () => {
    await call('POST', '/api/v3.1/tenants/paging');
    const keys = Array.from({ length: 23 }, (_, i) => `page_${String(i).padStart(2, '0')}`);
    for (const key of keys) await call('PUT', `/api/v3.1/secrets/${key}`, { tenant: 'paging', body: { value: key, is_hidden_value: key.endsWith('7') } });
    const seen: string[] = [];
    for (let offset = 0; offset < 30; offset += 10) {
      const page = await call('GET', `/api/v3.1/secrets?_size=10&_offset=${offset}&_sort=created_at&_all_tenants=False`, { tenant: 'paging' });
      expect(page.body.metadata!.pagination).toEqual({ total: 23, size: 10, offset });
      expect(page.body.metadata).toMatchObject({ filtered: null });
      seen.push(...page.body.items!.map((secret) => String(secret.key)));
    }
    expect(seen).toEqual(keys);
    const down = await call('GET', '/api/v3.1/secrets?_size=5&_offset=2&_sort=-created_at', { tenant: 'paging' });
    expect(down.body.items!.map((secret) => secret.key)).toEqual([...keys].reverse().slice(2, 7));
    const byKey = await call('GET', '/api/v3.1/secrets?_sort=-is_hidden_value&_sort=key&_size=3&_include=key,is_hidden_value', { tenant: 'paging' });
    expect(byKey.body.items).toEqual([
      { key: 'page_07', is_hidden_value: true },
      { key: 'page_17', is_hidden_value: true },
      { key: 'page_00', is_hidden_value: false },
    ]);
    const filtered = await call('GET', '/api/v3.1/secrets?is_hidden_value=true&is_hidden_value=false&key=page_01&key=page_07', { tenant: 'paging' });
    expect(filtered.body.items!.map((secret) => secret.key)).toEqual(['page_01', 'page_07']);
    expect(filtered.body.metadata!.pagination.total).toBe(2);
    expect(JSON.stringify(await call('GET', '/api/v3.1/secrets', { tenant: 'paging' }))).not.toContain('"value"');
    expectError(await call('GET', '/api/v3.1/secrets?_include=key,value', { tenant: 'paging' }), 400, 'no_such_include_field_error');
    expectError(await call('GET', '/api/v3.1/secrets?_sort=nope', { tenant: 'paging' }), 400, 'bad_parameters_error');
    expectError(await call('GET', '/api/v3.1/secrets?_size=-1', { tenant: 'paging' }), 400, 'bad_parameters_error');
    expectError(await call('GET', '/api/v3.1/secrets?_offset=x', { tenant: 'paging' }), 400, 'bad_parameters_error');
    expectError(await call('GET', '/api/v3.1/secrets?colour=red', { tenant: 'paging' }), 400, 'bad_parameters_error');
  });
});

describe('bad input', () => {
  it('answers 415, 400 and 413 for bodies that are not acceptable JSON', async () => {
    expectError(await call('PUT', '/api/v3.1/secrets/ct', { rawBody: '{"value":"v"}', contentType: 'text/plain' }), 415, 'unsupported_content_type_error');
    expectError(await call('PUT', '/api/v3.1/secrets/ct', { rawBody: '{"value":', contentType: 'application/json' }), 400, 'bad_parameters_error');
    expectError(await call('PUT', '/api/v3.1/secrets/ct', { rawBody: '[1,2]' }), 400, 'bad_parameters_error');
    expectError(await call('PUT', '/api/v3.1/secrets/ct', { body: { value: 12, is_hidden_value: 'perhaps' } }), 400, 'bad_parameters_error');
    expectError(await call('PUT', '/api/v3.1/secrets/ct', { body: {} }), 400, 'bad_parameters_error');
    expectError(await call('PUT', '/api/v3.1/secrets/ct', { body: { value: 'v', visibility: 'everyone' } }), 400, 'bad_parameters_error');
    const big = await call('PUT', '/api/v3.1/secrets/ct', { body: { value: 'x'.repeat(1100 * 1024) } });
    expectError(big, 413, 'payload_too_large_error');
    expect(String(big.body.message)).toContain('multipart');
  });

  it('answers 400 for ids that break Cloudify id rules', async () => {
    // (`..` is tested at the unit level: fetch resolves it before sending.)
    for (const id of ['bad%20id', 'semi%3Bcolon', 'x'.repeat(257), 'caf%C3%A9']) {
      expectError(await call('GET', `/api/v3.1/secrets/${id}`), 400, 'bad_parameters_error');
    }
  });
});

describe("the manager's resources", () => {
  it('answers what cfy profiles use and cfy status read', async () => {
    const status = await call('GET', '/api/v3.1/status');
    expect(status.body.status).toBe('OK');
    expect(Object.values(status.body.services as Record<string, { status: string }>).every((service) => service.status === 'Active')).toBe(true);
    const [managers, brokers, dbNodes] = await Promise.all(['/api/v3.1/managers', '/api/v3.1/brokers', '/api/v3.1/db-nodes'].map((path) => call('GET', path)));
    const host = new URL(runtime.restUrl).hostname;
    expect(managers.body.items).toEqual([expect.objectContaining({ private_ip: host, public_ip: host, hostname: host, version: expect.any(String) })]);
    expect(brokers.body.items).toEqual([expect.objectContaining({ host, management_host: host })]);
    expect(dbNodes.body.items).toEqual([expect.objectContaining({ host })]);
    expect((await call('GET', '/api/v3.1/maintenance')).body.status).toBe('deactivated');
    const config = await call('GET', '/api/v3.1/config?scope=rest');
    expect(config.body.items!.map((item) => item.name)).toEqual(expect.arrayContaining(['blueprint_folder_max_size_mb', 'blueprint_folder_max_files']));
    expect((await call('GET', '/api/v3.1/config?scope=agent')).body.items).toEqual([]);
    expectError(await call('GET', '/api/v3.1/config?scope=../x'), 400, 'bad_parameters_error');
    expect((await call('GET', '/api/v3.1/config/default_page_size')).body).toMatchObject({ name: 'default_page_size', value: 1000, scope: 'rest' });
    expectError(await call('GET', '/api/v3.1/config/no_such_setting'), 404, 'not_found_error');
    expect((await call('GET', '/api/v3.1/provider/context')).status).toBe(200);
  });
});
