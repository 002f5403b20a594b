/**
 * What one `GET /deployments/{id}` costs in DynamoDB requests (router in-process, real DynamoDB
 * Local store with a request counter): once the authentication caches are warm, exactly one
 * request — a Query of the deployment's partition that returns the deployment and the counts of its
 * node instances the store keeps — concurrent requests share the user and tenant reads when the
 * caches expire, and the workflows' `is_available` follows those counts as
 * instances change state. Deployments without stored counts (written before the store kept them)
 * fall back to reading their instances.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import { LocalKeySecretCipher, newSecretsKey } from '../../../adapters/local-key/secret-cipher';
import { createApiRouter } from '../../../src/api/app';
import { createApiServices } from '../../../src/api/dependencies';
import type { ApiRequest } from '../../../src/api/http';
import type { Router } from '../../../src/api/router';
import type { DeploymentData, NodeInstanceData, NodeInstanceState } from '../../../src/deployments/model';
import type { FileStore } from '../../../src/ports/file-store';
import type { NewEntity } from '../../../src/ports/model-store';
import type { QueueSender } from '../../../src/ports/queues';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let raw: DynamoDBClient;
let store: DynamoModelStore;
let router: Router;
const calls: string[] = [];
const PASSWORD = 'reads-admin-password';
const ADMIN = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const TENANT = 'default_tenant';

// GET routes touch neither files nor queues; the resource routes need them wired.
const unused = () => Promise.reject(new Error('not used by these tests'));
const files = { put: unused, get: unused, delete: unused, deletePrefix: unused } as unknown as FileStore;
const queues: QueueSender = { send: unused };

function get(path: string, query: Record<string, string[]> = {}): ApiRequest {
  return { method: 'GET', path, query, headers: { authorization: ADMIN, tenant: TENANT }, body: Buffer.alloc(0), cookies: [], params: {}, requestId: 'r' };
}

async function getDeployment(id: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await router.handle(get(`/api/v3.1/deployments/${id}`));
  return { status: response.statusCode, body: JSON.parse(String(response.body ?? '{}')) as Record<string, unknown> };
}

function deploymentData(): DeploymentData {
  const workflow = (rule: string[]) => ({ plugin: 'default_workflows', operation: 'op', parameters: {}, is_cascading: false, availability_rules: { node_instances_active: rule } });
  return {
    blueprint_id: 'bp', blueprint_tenant: TENANT, display_name: 'd', description: null, inputs: {}, outputs: {}, capabilities: {}, groups: {},
    policy_types: {}, policy_triggers: {}, policies: {}, scaling_groups: {},
    workflows: { install: workflow(['none', 'partial']), uninstall: workflow(['all', 'partial']) },
    workflow_types_present: {}, deployment_settings: {}, resource_tags: null, labels: [], site_name: null, runtime_only_evaluation: false,
    visibility: 'tenant', created_by: 'admin', updated_at: '2026-01-01T00:00:00.000Z', installation_status: 'inactive', create_execution: 'x',
    latest_execution: null, latest_execution_status: null, latest_execution_total_operations: null, latest_execution_finished_operations: null,
  };
}

function instance(deployment: string, i: number): NewEntity<NodeInstanceData> {
  return {
    kind: 'node_instance', tenant: TENANT, id: `${deployment}_vm_${i}`, parent: deployment,
    data: { id: `${deployment}_vm_${i}`, node_id: 'vm', deployment_id: deployment, host_id: null, index: i, state: 'uninitialized', runtime_properties: {}, system_properties: {}, relationships: [], scaling_groups: [], visibility: 'tenant', created_by: 'admin' },
  };
}

const available = (body: Record<string, unknown>) =>
  Object.fromEntries((body.workflows as { name: string; is_available: boolean }[]).map((workflow) => [workflow.name, workflow.is_available]));

async function setState(deployment: string, i: number, state: NodeInstanceState): Promise<void> {
  await store.modify<NodeInstanceData>({ kind: 'node_instance', tenant: TENANT, id: `${deployment}_vm_${i}` }, (current) => ({ ...current.data, state }));
}

beforeAll(async () => {
  table = await createModelTable();
  raw = new DynamoDBClient({ endpoint: table.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: table.name });
  const services = createApiServices({
    store,
    cipher: new LocalKeySecretCipher(newSecretsKey()),
    adminPassword: { read: async () => ({ username: 'admin', password: PASSWORD }) },
    files,
    queues,
  });
  router = createApiRouter({}, services);
  expect((await router.handle(get('/api/v3.1/status'))).statusCode).toBe(200);
  await store.createMany([0, 1, 2].map((i) => instance('web', i)));
  await store.create<DeploymentData>({ kind: 'deployment', tenant: TENANT, id: 'web', data: deploymentData() });
});

afterAll(async () => {
  raw?.destroy();
  await table?.drop();
});

describe('GET /deployments/{id}', () => {
  it('costs one DynamoDB request once the authentication caches are warm', async () => {
    expect((await getDeployment('web')).status).toBe(200);
    calls.length = 0;
    const started = Date.now();
    for (let i = 0; i < 20; i++) expect((await getDeployment('web')).status).toBe(200);
    // The user and tenant are cached for 2 s: a slow machine may refresh them (one read each) meanwhile.
    const refreshes = 2 * (1 + Math.floor((Date.now() - started) / 2000));
    expect(calls.filter((name) => name === 'QueryCommand')).toHaveLength(20);
    expect(calls.filter((name) => name !== 'QueryCommand').length).toBeLessThanOrEqual(refreshes);
    if (Date.now() - started < 1500) expect(calls).toEqual(Array.from({ length: 20 }, () => 'QueryCommand'));
  });

  it('shares one user and one tenant read among concurrent requests after the caches expire', async () => {
    await getDeployment('web');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    calls.length = 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => getDeployment('web')));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(calls.filter((name) => name === 'QueryCommand')).toHaveLength(20);
    expect(calls.filter((name) => name === 'GetItemCommand')).toHaveLength(2);
  });

  it('answers the workflows’ availability from the stored instance counts', async () => {
    expect(available((await getDeployment('web')).body)).toEqual({ install: true, uninstall: false });
    await setState('web', 0, 'started');
    expect(available((await getDeployment('web')).body)).toEqual({ install: true, uninstall: true });
    await setState('web', 1, 'configured');
    await setState('web', 2, 'creating');
    expect(available((await getDeployment('web')).body)).toEqual({ install: false, uninstall: true });
    await setState('web', 2, 'deleted');
    await setState('web', 1, 'uninitialized');
    await setState('web', 0, 'deleted');
    expect(available((await getDeployment('web')).body)).toEqual({ install: true, uninstall: false });
  });

  it('counts the instances itself for a deployment without stored counts', async () => {
    const legacy = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: table.name, childCounts: {} });
    await legacy.createMany([0, 1].map((i) => instance('old', i)));
    await legacy.create<DeploymentData>({ kind: 'deployment', tenant: TENANT, id: 'old', data: deploymentData() });
    await setState('old', 0, 'started');
    calls.length = 0;
    const { status, body } = await getDeployment('old');
    expect(status).toBe(200);
    expect(available(body)).toEqual({ install: true, uninstall: true });
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
  });

  it('reads a miss again strongly before answering 404', async () => {
    calls.length = 0;
    expect((await getDeployment('nowhere')).status).toBe(404);
    // Eventually consistent: own partition, then the global marker; again strongly.
    expect(calls).toEqual(['QueryCommand', 'GetItemCommand', 'QueryCommand', 'GetItemCommand']);
  });
});
