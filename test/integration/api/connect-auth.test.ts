/**
 * WebSocket connections authenticated with REST credentials through the default authorizer of a
 * local runtime: a user token (query or header) with its tenant connects; bad or revoked
 * credentials, unknown tenants and non-members get 401.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';

let runtime: LocalRuntime;
let admin: string;

function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${runtime.wsUrl}${query}`, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

async function rest(method: string, path: string, body?: unknown, auth = admin): Promise<Record<string, unknown>> {
  const response = await fetch(`${runtime.restUrl}${path}`, {
    method,
    headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  admin = `Basic ${Buffer.from(`${runtime.admin.username}:${runtime.admin.password}`).toString('base64')}`;
});

afterAll(async () => {
  await runtime?.stop();
});

describe('WebSocket connections with REST credentials', () => {
  it('accepts a user token in the query or in the header, and Basic credentials', async () => {
    const token = String((await rest('POST', '/api/v3.1/tokens', {})).value);
    const viaQuery = await connect(`?token=${token}&tenant=default_tenant`);
    viaQuery.close();
    const viaHeader = await connect('', { 'authentication-token': token });
    viaHeader.close();
    const viaBasic = await connect('', { authorization: admin });
    viaBasic.close();
  });

  it('refuses bad and revoked tokens, unknown tenants and non-members with 401', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect('?token=ctok-nope-abcdefghijklmnopqrstuvwxyz')).rejects.toThrow('HTTP 401');
    const created = await rest('POST', '/api/v3.1/tokens', {});
    await expect(connect(`?token=${String(created.value)}&tenant=no_such_tenant`)).rejects.toThrow('HTTP 401');
    await rest('DELETE', `/api/v3.1/tokens/${String(created.id)}`);
    await expect(connect(`?token=${String(created.value)}`)).rejects.toThrow('HTTP 401');

    await rest('POST', '/api/v3.1/tenants/ws_closed');
    await rest('PUT', '/api/v3.1/users', { username: 'ws_user', password: 'ws-user-password' });
    await rest('PUT', '/api/v3.1/tenants/add-user', { username: 'ws_user', tenant_name: 'default_tenant' });
    const userAuth = `Basic ${Buffer.from('ws_user:ws-user-password').toString('base64')}`;
    const userToken = String((await rest('POST', '/api/v3.1/tokens', {}, userAuth)).value);
    (await connect(`?token=${userToken}`)).close();
    await expect(connect(`?token=${userToken}&tenant=ws_closed`)).rejects.toThrow('HTTP 401');
  });
});
