/**
 * Private deployments (visibility `private`) through real HTTP on the local runtime, with two
 * users of one tenant: the creator and sys_admin see the deployment, its nodes and its node
 * instances; another member of the tenant gets 404 and lists that neither hold them nor count
 * them in `total` — also for pages that do not reach the private entity (the store's list
 * blocks count restricted entities, so the index path cannot over-count).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { basic, blueprintUpload, RestClient } from '../../support/rest/client';

let runtime: LocalRuntime;
let rest: RestClient;
let alice: { auth: string; tenant: string };
let carol: { auth: string; tenant: string };
const admin = { tenant: 'vis_tenant' };

const BLUEPRINT = `tosca_definitions_version: cloudify_dsl_1_4
imports: [cloudify/types/types.yaml]
node_templates:
  box:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
`;

async function member(name: string): Promise<{ auth: string; tenant: string }> {
  await rest.ok('PUT', '/api/v3.1/users', 201, { body: { username: name, password: `${name}-password`, role: 'default' } });
  await rest.ok('PUT', '/api/v3.1/tenants/add-user', 200, { body: { username: name, tenant_name: 'vis_tenant', role: 'user' } });
  return { auth: basic(name, `${name}-password`), tenant: 'vis_tenant' };
}

const ids = (list: { items: Record<string, unknown>[] }) => list.items.map((item) => item.id);

beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
  rest = new RestClient(runtime);
  await rest.ok('POST', '/api/v3.1/tenants/vis_tenant', 201);
  alice = await member('vis_alice');
  carol = await member('vis_carol');
  await rest.ok('PUT', '/api/v3.1/blueprints/vis-bp', 201, { ...alice, ...blueprintUpload(Buffer.from(BLUEPRINT)) });
  // Creation order: public-1, alice's private one, public-2.
  await rest.ok('PUT', '/api/v3.1/deployments/public-1', 201, { ...alice, body: { blueprint_id: 'vis-bp' } });
  const created = await rest.ok('PUT', '/api/v3.1/deployments/alices', 201, { ...alice, body: { blueprint_id: 'vis-bp', visibility: 'private' } });
  expect(created).toMatchObject({ visibility: 'private', private_resource: true });
  await rest.ok('PUT', '/api/v3.1/deployments/public-2', 201, { ...carol, body: { blueprint_id: 'vis-bp' } });
}, 120_000);

afterAll(() => runtime?.stop());

describe('private deployments', () => {
  it('are 404 for another member of the tenant, visible to the creator and sys_admin', async () => {
    await rest.error('GET', '/api/v3.1/deployments/alices', 404, 'not_found_error', carol);
    await rest.error('GET', '/api/v3.1/deployments/alices/outputs', 404, 'not_found_error', carol);
    await rest.error('DELETE', '/api/v3.1/deployments/alices', 404, 'not_found_error', carol);
    expect((await rest.ok('GET', '/api/v3.1/deployments/alices', 200, alice)).visibility).toBe('private');
    expect((await rest.ok('GET', '/api/v3.1/deployments/alices', 200, admin)).created_by).toBe('vis_alice');
  });

  it('are neither listed nor counted for others, also on pages that do not reach them', async () => {
    const all = await rest.list('/api/v3.1/deployments', carol);
    expect(ids(all)).toEqual(['public-1', 'public-2']);
    expect(all.metadata.pagination.total).toBe(2);
    // The first page holds only a public deployment; total must still leave the private one out.
    const first = await rest.list('/api/v3.1/deployments?_size=1', carol);
    expect(ids(first)).toEqual(['public-1']);
    expect(first.metadata.pagination.total).toBe(2);
    const second = await rest.list('/api/v3.1/deployments?_size=1&_offset=1', carol);
    expect(ids(second)).toEqual(['public-2']);
    const descending = await rest.list('/api/v3.1/deployments?_size=1&_sort=-created_at', carol);
    expect(ids(descending)).toEqual(['public-2']);
    expect(descending.metadata.pagination.total).toBe(2);
    expect(ids(await rest.list('/api/v3.1/deployments?blueprint_id=vis-bp', carol))).toEqual(['public-1', 'public-2']);
    expect(ids(await rest.list('/api/v3.1/deployments', alice))).toEqual(['public-1', 'alices', 'public-2']);
    const asAdmin = await rest.list('/api/v3.1/deployments?_size=1', admin);
    expect(asAdmin.metadata.pagination.total).toBe(3);
  });

  it('hide their nodes and node instances from others', async () => {
    expect((await rest.list('/api/v3.1/nodes?deployment_id=alices', carol)).items).toEqual([]);
    const instances = await rest.list('/api/v3.1/node-instances?deployment_id=alices', carol);
    expect(instances.items).toEqual([]);
    expect(instances.metadata.pagination.total).toBe(0);
    const everyInstance = await rest.list('/api/v3.1/node-instances?_size=1', carol);
    expect(everyInstance.metadata.pagination.total).toBe(4);
    expect((await rest.list('/api/v3.1/nodes', carol)).items.map((node) => node.deployment_id).sort()).toEqual(['public-1', 'public-2']);

    const own = await rest.list('/api/v3.1/node-instances?deployment_id=alices', alice);
    expect(own.items).toHaveLength(2);
    for (const instance of own.items) {
      expect(instance.visibility).toBe('private');
      await rest.error('GET', `/api/v3.1/node-instances/${String(instance.id)}`, 404, 'not_found_error', carol);
      await rest.ok('GET', `/api/v3.1/node-instances/${String(instance.id)}`, 200, alice);
    }
    expect((await rest.list('/api/v3.1/node-instances?_size=1', admin)).metadata.pagination.total).toBe(6);
    expect((await rest.list('/api/v3.1/nodes?deployment_id=alices', admin)).items).toHaveLength(1);
  });
});

describe('filtered lists', () => {
  it('page deployments by blueprint and executions by deployment with honest totals', async () => {
    await rest.ok('PUT', '/api/v3.1/blueprints/vis-other-bp', 201, { ...alice, ...blueprintUpload(Buffer.from(BLUEPRINT)) });
    await rest.ok('PUT', '/api/v3.1/deployments/other-1', 201, { ...alice, body: { blueprint_id: 'vis-other-bp' } });
    const page = await rest.list('/api/v3.1/deployments?blueprint_id=vis-bp&_size=1&_offset=1', carol);
    expect(ids(page)).toEqual(['public-2']);
    expect(page.metadata.pagination.total).toBe(2);
    expect((await rest.list('/api/v3.1/deployments?blueprint_id=vis-bp&_size=1', admin)).metadata.pagination.total).toBe(3);
    expect(ids(await rest.list('/api/v3.1/deployments?blueprint_id=vis-other-bp', carol))).toEqual(['other-1']);
    expect(ids(await rest.list('/api/v3.1/deployments?blueprint_id=vis-bp&blueprint_id=vis-other-bp&_sort=-created_at', carol))).toEqual(['other-1', 'public-2', 'public-1']);
    // Each deployment has its create_deployment_environment execution, a system workflow.
    const system = await rest.list('/api/v3.1/executions?deployment_id=public-1&_include_system_workflows=true&_size=1', carol);
    expect(system.metadata.pagination.total).toBe(1);
    expect(system.items[0]).toMatchObject({ workflow_id: 'create_deployment_environment', deployment_id: 'public-1' });
    const user = await rest.list('/api/v3.1/executions?deployment_id=public-1&_size=1', carol);
    expect(user.items).toEqual([]);
    expect(user.metadata.pagination.total).toBe(0);
    expect((await rest.list('/api/v3.1/executions?_size=1', carol)).metadata.pagination.total).toBe(0);
  });
});

describe('private blueprints', () => {
  it('are not counted in other members’ pages, and are once widened', async () => {
    await rest.ok('PUT', '/api/v3.1/blueprints/vis-private-bp', 201, { ...alice, ...blueprintUpload(Buffer.from(BLUEPRINT), { visibility: 'private' }) });
    await rest.ok('PUT', '/api/v3.1/blueprints/vis-later-bp', 201, { ...alice, ...blueprintUpload(Buffer.from(BLUEPRINT)) });
    const page = await rest.list('/api/v3.1/blueprints?_size=1', carol);
    expect(ids(page)).toEqual(['vis-bp']);
    expect(page.metadata.pagination.total).toBe(3);
    await rest.ok('PATCH', '/api/v3.1/blueprints/vis-private-bp/set-visibility', 200, { ...alice, body: { visibility: 'tenant' } });
    const widened = await rest.list('/api/v3.1/blueprints?_size=1', carol);
    expect(widened.metadata.pagination.total).toBe(4);
    expect(ids(await rest.list('/api/v3.1/blueprints', carol))).toEqual(['vis-bp', 'vis-other-bp', 'vis-private-bp', 'vis-later-bp']);
  });
});
