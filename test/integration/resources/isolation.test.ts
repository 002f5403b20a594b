/**
 * Tenant isolation and authentication of the resource routes: a user of one tenant never sees
 * another tenant's blueprints, plugins, deployments, nodes, node instances or executions (404,
 * not a leak; lists hold only their own); global resources are shared read-only; private ones
 * only reach their creator and sys_admin users; no route answers without credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { basic, blueprintUpload, RestClient } from '../../support/rest/client';

let runtime: LocalRuntime;
let rest: RestClient;
let alice: string; // member of tenant_a
let bob: string; // member of tenant_b
let carol: string; // another member of tenant_a

const BLUEPRINT = `tosca_definitions_version: cloudify_dsl_1_4
imports: [cloudify/types/types.yaml]
node_templates:
  box: {type: cloudify.nodes.Root}
outputs:
  out: {value: {get_attribute: [box, value]}}
`;
const PLUGIN = 'plugins:\n  p:\n    executor: central_deployment_agent\n    package_name: iso-plugin\n    package_version: "1.0"\n';

async function user(name: string, tenant: string): Promise<string> {
  await rest.ok('PUT', '/api/v3.1/users', 201, { body: { username: name, password: `${name}-password`, role: 'default' } });
  await rest.ok('PUT', '/api/v3.1/tenants/add-user', 200, { body: { username: name, tenant_name: tenant, role: 'user' } });
  return basic(name, `${name}-password`);
}

const ids = (list: { items: Record<string, unknown>[] }) => list.items.map((item) => item.id).sort();

beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
  rest = new RestClient(runtime);
  await rest.ok('POST', '/api/v3.1/tenants/tenant_a', 201);
  await rest.ok('POST', '/api/v3.1/tenants/tenant_b', 201);
  alice = await user('alice', 'tenant_a');
  bob = await user('bob', 'tenant_b');
  carol = await user('carol', 'tenant_a');
  const asAlice = { auth: alice, tenant: 'tenant_a' };
  const asBob = { auth: bob, tenant: 'tenant_b' };
  for (const [who, id] of [[asAlice, 'bp-a'], [asBob, 'bp-b']] as const) {
    await rest.ok('PUT', `/api/v3.1/blueprints/${id}`, 201, { ...who, ...blueprintUpload(Buffer.from(BLUEPRINT)) });
    await rest.ok('PUT', `/api/v3.1/deployments/dep-${id}`, 201, { ...who, body: { blueprint_id: id } });
  }
  await rest.ok('POST', '/api/v3.1/plugins', 201, { ...asAlice, rawBody: PLUGIN, contentType: 'application/octet-stream' });
});

afterAll(() => runtime?.stop());

describe('tenant isolation', () => {
  it('lists only the own tenant’s resources', async () => {
    const asBob = { auth: bob, tenant: 'tenant_b' };
    expect(ids(await rest.list('/api/v3.1/blueprints', asBob))).toEqual(['bp-b']);
    expect(ids(await rest.list('/api/v3.1/deployments', asBob))).toEqual(['dep-bp-b']);
    expect((await rest.list('/api/v3.1/plugins', asBob)).items).toEqual([]);
    expect((await rest.list('/api/v3.1/nodes', asBob)).items.map((n) => n.deployment_id)).toEqual(['dep-bp-b']);
    expect(new Set((await rest.list('/api/v3.1/node-instances', asBob)).items.map((n) => n.deployment_id))).toEqual(new Set(['dep-bp-b']));
    expect(new Set((await rest.list('/api/v3.1/executions?_include_system_workflows=true', asBob)).items.map((e) => e.blueprint_id))).toEqual(new Set(['bp-b']));
  });

  it('answers 404 for every route on another tenant’s resources', async () => {
    const asBob = { auth: bob, tenant: 'tenant_b' };
    const instance = (await rest.list('/api/v3.1/node-instances?deployment_id=dep-bp-a', { auth: alice, tenant: 'tenant_a' })).items[0];
    const plugin = (await rest.list('/api/v3.1/plugins', { auth: alice, tenant: 'tenant_a' })).items[0];
    const execution = (await rest.list('/api/v3.1/executions?_include_system_workflows=true&deployment_id=dep-bp-a', { auth: alice, tenant: 'tenant_a' })).items[0];
    const missing: [string, string, Record<string, unknown>?][] = [
      ['GET', '/api/v3.1/blueprints/bp-a'],
      ['GET', '/api/v3.1/blueprints/bp-a/archive'],
      ['DELETE', '/api/v3.1/blueprints/bp-a'],
      ['PATCH', '/api/v3.1/blueprints/bp-a/set-visibility', { body: { visibility: 'global' } }],
      ['PATCH', '/api/v3.1/blueprints/bp-a', { body: { labels: [] } }],
      ['GET', '/api/v3.1/deployments/dep-bp-a'],
      ['GET', '/api/v3.1/deployments/dep-bp-a/outputs'],
      ['GET', '/api/v3.1/deployments/dep-bp-a/capabilities'],
      ['DELETE', '/api/v3.1/deployments/dep-bp-a?force=true'],
      ['PUT', '/api/v3.1/deployments/dep-x', { body: { blueprint_id: 'bp-a' } }],
      ['POST', '/api/v3.1/executions', { body: { deployment_id: 'dep-bp-a', workflow_id: 'install' } }],
      ['GET', `/api/v3.1/executions/${execution.id}`],
      ['GET', `/api/v3.1/node-instances/${instance.id}`],
      ['PATCH', `/api/v3.1/node-instances/${instance.id}`, { body: { version: 1, state: 'started' } }],
      ['GET', `/api/v3.1/plugins/${plugin.id}`],
      ['GET', `/api/v3.1/plugins/${plugin.id}/archive`],
      ['DELETE', `/api/v3.1/plugins/${plugin.id}`],
      ['PATCH', `/api/v3.1/plugins/${plugin.id}/set-visibility`, { body: { visibility: 'global' } }],
    ];
    for (const [method, path, extra] of missing) await rest.error(method, path, 404, 'not_found_error', { ...asBob, ...extra });
    expect((await rest.list('/api/v3.1/nodes?deployment_id=dep-bp-a', asBob)).items).toEqual([]);
    // Nothing changed for alice.
    expect((await rest.ok('GET', `/api/v3.1/node-instances/${instance.id}`, 200, { auth: alice, tenant: 'tenant_a' })).version).toBe(1);
    expect(ids(await rest.list('/api/v3.1/deployments', { auth: alice, tenant: 'tenant_a' }))).toEqual(['dep-bp-a']);
  });

  it('keeps ids per tenant: the same id in two tenants', async () => {
    await rest.ok('PUT', '/api/v3.1/blueprints/bp-a', 201, { auth: bob, tenant: 'tenant_b', ...blueprintUpload(Buffer.from(BLUEPRINT)) });
    expect(ids(await rest.list('/api/v3.1/blueprints', { auth: bob, tenant: 'tenant_b' }))).toEqual(['bp-a', 'bp-b']);
  });

  it('refuses a tenant the user is not a member of', async () => {
    await rest.error('GET', '/api/v3.1/blueprints', 403, 'forbidden_error', { auth: bob, tenant: 'tenant_a' });
    await rest.error('GET', '/api/v3.1/deployments', 403, 'forbidden_error', { auth: bob, tenant: 'no_such_tenant' });
  });

  it('shares a global blueprint read-only and deploys it from another tenant', async () => {
    await rest.ok('PUT', '/api/v3.1/blueprints/shared', 201, { auth: alice, tenant: 'tenant_a', ...blueprintUpload(Buffer.from(BLUEPRINT), { visibility: 'global' }) });
    const asBob = { auth: bob, tenant: 'tenant_b' };
    expect((await rest.ok('GET', '/api/v3.1/blueprints/shared', 200, asBob)).tenant_name).toBe('tenant_a');
    expect(ids(await rest.list('/api/v3.1/blueprints', asBob))).toContain('shared');
    await rest.error('DELETE', '/api/v3.1/blueprints/shared', 404, 'not_found_error', asBob);
    await rest.ok('PUT', '/api/v3.1/deployments/from-shared', 201, { ...asBob, body: { blueprint_id: 'shared' } });
    // alice cannot delete it while bob's deployment uses it.
    await rest.error('DELETE', '/api/v3.1/blueprints/shared', 405, 'blueprint_in_use', { auth: alice, tenant: 'tenant_a' });
    // A global id is taken in every tenant.
    await rest.error('PUT', '/api/v3.1/blueprints/shared', 409, 'conflict_error', { ...asBob, ...blueprintUpload(Buffer.from(BLUEPRINT)) });
  });

  it('shows private resources only to their creator and sys_admin', async () => {
    const asAlice = { auth: alice, tenant: 'tenant_a' };
    const asCarol = { auth: carol, tenant: 'tenant_a' };
    await rest.ok('PUT', '/api/v3.1/blueprints/secret-bp', 201, { ...asAlice, ...blueprintUpload(Buffer.from(BLUEPRINT), { visibility: 'private' }) });
    await rest.error('GET', '/api/v3.1/blueprints/secret-bp', 404, 'not_found_error', asCarol);
    expect(ids(await rest.list('/api/v3.1/blueprints', asCarol))).not.toContain('secret-bp');
    await rest.error('PUT', '/api/v3.1/deployments/carols', 404, 'not_found_error', { ...asCarol, body: { blueprint_id: 'secret-bp' } });
    expect((await rest.ok('GET', '/api/v3.1/blueprints/secret-bp', 200, asAlice)).visibility).toBe('private');
    expect((await rest.ok('GET', '/api/v3.1/blueprints/secret-bp', 200, { tenant: 'tenant_a' })).visibility).toBe('private');
  });
});

describe('authentication', () => {
  it.each([
    ['GET', '/api/v3.1/blueprints'],
    ['PUT', '/api/v3.1/blueprints/x'],
    ['PUT', '/api/v3.1/blueprints/x/validate'],
    ['GET', '/api/v3.1/plugins'],
    ['POST', '/api/v3.1/plugins'],
    ['POST', '/api/v3.1/uploads'],
    ['GET', '/api/v3.1/deployments'],
    ['PUT', '/api/v3.1/deployments/x'],
    ['GET', '/api/v3.1/nodes'],
    ['GET', '/api/v3.1/node-instances'],
    ['PATCH', '/api/v3.1/node-instances/x'],
    ['GET', '/api/v3.1/executions'],
    ['POST', '/api/v3.1/executions'],
  ])('%s %s needs credentials', async (method, path) => {
    await rest.error(method, path, 401, 'unauthorized_error', { auth: null });
    await rest.error(method, path, 401, 'unauthorized_error', { auth: basic('alice', 'wrong') });
  });
});
