/**
 * Plugins, deployments, nodes, node instances and the minimal executions through real HTTP on the
 * local runtime: plugin: imports resolved from uploaded plugins, plugin_in_use; deployment inputs
 * and their error codes, nodes and instances written, create_deployment_environment, outputs and
 * capabilities evaluated on read, deletion rules; optimistic concurrency on node instances.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalRuntime } from '../../../local/runtime';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ExecutionData } from '../../../src/executions/records';
import { newSystemExecution } from '../../../src/executions/records';
import { finishDeploymentDeletion } from '../../../src/deployments/delete';
import type { DeploymentData } from '../../../src/deployments/model';
import { startTestRuntime } from '../../support/local-runtime';
import { tarGzOf, zipOf } from '../../support/archives/build';
import { blueprintUpload, RestClient } from '../../support/rest/client';

let runtime: LocalRuntime;
let rest: RestClient;
let store: DynamoModelStore;
let raw: DynamoDBClient;

const PLUGIN_YAML = `plugins:
  mock:
    executor: central_deployment_agent
    package_name: stratus-mock-plugin
    package_version: '1.2.0'
node_types:
  mock.nodes.Thing:
    derived_from: cloudify.nodes.Root
    properties:
      size: {type: integer, default: 1}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: mock.tasks.create
`;

const APP = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
  - plugin:stratus-mock-plugin?version= >=1.0
inputs:
  hosts: {type: integer, default: 2, constraints: [{in_range: [1, 5]}]}
  region: {type: string}
  token: {type: string, default: {get_secret: api_token}}
node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties: {ip: 10.0.0.9, agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: {get_input: hosts}}}}
  thing:
    type: mock.nodes.Thing
    properties: {size: 3}
    relationships:
      - {type: cloudify.relationships.contained_in, target: vm}
outputs:
  ip: {value: {get_attribute: [thing, address]}}
  region: {value: {get_input: region}}
  secret: {value: {get_secret: api_token}}
capabilities:
  endpoint: {value: {concat: ['https://', {get_input: region}, '.example']}}
`;

async function pluginPackage(version: string): Promise<Buffer> {
  const wagon = await tarGzOf([{ name: 'stratus_mock_plugin/package.json', data: JSON.stringify({ package_name: 'stratus-mock-plugin', package_version: version }) }]);
  return zipOf({ 'stratus_mock_plugin.wgn': wagon, 'plugin.yaml': PLUGIN_YAML.replace("'1.2.0'", `'${version}'`) });
}

async function executions(deploymentId: string): Promise<Record<string, unknown>[]> {
  return (await rest.list(`/api/v3.1/executions?deployment_id=${deploymentId}&_include_system_workflows=true`)).items;
}

beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
  rest = new RestClient(runtime);
  raw = new DynamoDBClient({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.dynamodb });
  store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: runtime.resources.tables.model });
});

afterAll(async () => {
  raw?.destroy();
  await runtime?.stop();
});

describe('plugins', () => {
  let pluginId: string;

  it('rejects a blueprint importing a plugin that is not uploaded', async () => {
    const message = await rest.error('PUT', '/api/v3.1/blueprints/app', 400, 'invalid_blueprint_error', blueprintUpload(Buffer.from(APP)));
    expect(message).toMatch(/stratus-mock-plugin/);
  });

  it('uploads plugin packages', async () => {
    const old = await rest.ok('POST', '/api/v3.1/plugins?visibility=tenant&title=Mock', 201, { rawBody: await pluginPackage('0.9.0'), contentType: 'application/octet-stream' });
    expect(old).toMatchObject({ package_name: 'stratus-mock-plugin', package_version: '0.9.0', title: 'Mock', archive_name: 'stratus_mock_plugin.wgn', visibility: 'tenant' });
    const current = await rest.ok('POST', '/api/v3.1/plugins', 201, { rawBody: await pluginPackage('1.2.0'), contentType: 'application/octet-stream' });
    pluginId = current.id as string;
    const listed = await rest.list('/api/v3.1/plugins?package_name=stratus-mock-plugin&_include=id,package_version&_sort=package_version');
    expect(listed.items.map((p) => p.package_version)).toEqual(['0.9.0', '1.2.0']);
    expect((await rest.ok('GET', `/api/v3.1/plugins/${pluginId}`, 200)).package_version).toBe('1.2.0');
  });

  it('refuses duplicates and bad packages', async () => {
    await rest.error('POST', '/api/v3.1/plugins', 409, 'conflict_error', { rawBody: await pluginPackage('1.2.0'), contentType: 'application/octet-stream' });
    await rest.error('POST', '/api/v3.1/plugins', 400, 'invalid_plugin_error', { rawBody: zipOf({ 'readme.md': 'x' }), contentType: 'application/octet-stream' });
    await rest.error('POST', '/api/v3.1/plugins', 400, 'invalid_plugin_error', { rawBody: await tarGzOf([{ name: 'plugin.yaml', data: PLUGIN_YAML }, { name: '../x', data: 'x' }]), contentType: 'application/octet-stream' });
    await rest.error('POST', '/api/v3.1/plugins', 400, 'bad_parameters_error');
    await rest.error('POST', '/api/v3.1/plugins?colour=red', 400, 'bad_parameters_error', { rawBody: await pluginPackage('3.0.0'), contentType: 'application/octet-stream' });
  });

  it('resolves plugin: imports to the highest matching version', async () => {
    const bp = await rest.ok('PUT', '/api/v3.1/blueprints/app', 201, blueprintUpload(Buffer.from(APP)));
    expect(bp.state).toBe('uploaded');
    const plan = bp.plan as { imported_blueprints: string[]; nodes: { id: string; properties: Record<string, unknown> }[] };
    expect(plan.imported_blueprints.some((url) => url.includes('stratus-mock-plugin/1.2.0'))).toBe(true);
  });

  it('refuses to delete a plugin a blueprint uses, unless forced', async () => {
    await rest.error('DELETE', `/api/v3.1/plugins/${pluginId}`, 405, 'plugin_in_use', { body: { force: false } });
    const other = (await rest.list('/api/v3.1/plugins?package_version=0.9.0&_include=id')).items[0].id as string;
    expect((await rest.call('DELETE', `/api/v3.1/plugins/${other}`)).status).toBe(204);
    await rest.error('GET', `/api/v3.1/plugins/${other}`, 404, 'not_found_error');
  });

  it('downloads the package', async () => {
    const reply = await rest.call('GET', `/api/v3.1/plugins/${pluginId}/archive`);
    expect(reply.status).toBe(200);
    expect(reply.raw.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('deployments', () => {
  it('refuses missing, unknown and bad inputs and unknown secrets with the reference codes', async () => {
    await rest.error('PUT', '/api/v3.1/deployments/d0', 400, 'missing_required_deployment_input_error', { body: { blueprint_id: 'app', inputs: {} } });
    await rest.error('PUT', '/api/v3.1/deployments/d0', 400, 'unknown_deployment_input_error', { body: { blueprint_id: 'app', inputs: { region: 'eu', colour: 'red' } } });
    await rest.error('PUT', '/api/v3.1/deployments/d0', 400, 'bad_parameters_error', { body: { blueprint_id: 'app', inputs: { region: 'eu', hosts: 9 } } });
    await rest.error('PUT', '/api/v3.1/deployments/d0', 400, 'unknown_deployment_secret_error', { body: { blueprint_id: 'app', inputs: { region: 'eu' } } });
    await rest.error('PUT', '/api/v3.1/deployments/d0', 404, 'not_found_error', { body: { blueprint_id: 'nope' } });
    await rest.error('PUT', '/api/v3.1/deployments/d0', 400, 'bad_parameters_error', { body: {} });
    await rest.error('PUT', '/api/v3.1/deployments/d0', 400, 'bad_parameters_error', { body: { blueprint_id: 'app', inputs: [1] } });
    await rest.error('PUT', '/api/v3.1/deployments/d0', 400, 'bad_parameters_error', { rawBody: '{"blueprint_id": ' });
    await rest.error('PUT', '/api/v3.1/deployments/d0', 415, 'unsupported_content_type_error', { rawBody: 'blueprint_id=app', contentType: 'application/x-www-form-urlencoded' });
    expect((await rest.list('/api/v3.1/deployments')).items).toEqual([]);
    expect((await rest.list('/api/v3.1/nodes?deployment_id=d0')).items).toEqual([]);
  });

  it('refuses a blueprint that is not uploaded', async () => {
    const invalid = 'tosca_definitions_version: cloudify_dsl_1_4\nnode_templates: {a: {type: nothing}}\n';
    await rest.ok('PUT', '/api/v3.1/blueprints/broken', 201, blueprintUpload(Buffer.from(invalid), { async_upload: true }));
    await rest.error('PUT', '/api/v3.1/deployments/d0', 400, 'deployment_creation_error', { body: { blueprint_id: 'broken' } });
  });

  it('creates a deployment with its nodes, instances and pending create_deployment_environment', async () => {
    expect((await rest.call('PUT', '/api/v3.1/secrets/api_token', { body: { value: 's3cr3t' } })).status).toBeLessThan(300);
    const created = await rest.ok('PUT', '/api/v3.1/deployments/d1?async_create=true', 201, {
      body: { blueprint_id: 'app', inputs: { region: 'eu', hosts: 3 }, visibility: 'tenant', display_name: 'first', labels: [{ env: 'test' }], skip_plugins_validation: false, runtime_only_evaluation: false },
    });
    expect(created).toMatchObject({ id: 'd1', blueprint_id: 'app', display_name: 'first', inputs: { region: 'eu', hosts: 3, token: { get_secret: 'api_token' } } });
    const deployment = await rest.ok('GET', '/api/v3.1/deployments/d1', 200);
    expect(deployment).toMatchObject({ installation_status: 'inactive', deployment_status: 'in_progress', latest_execution_status: 'in_progress' });
    const workflows = deployment.workflows as { name: string; is_available: boolean; plugin: string }[];
    expect(workflows.map((w) => w.name)).toEqual(expect.arrayContaining(['install', 'uninstall', 'scale', 'heal']));
    expect((deployment.labels as { key: string }[]).map((l) => l.key)).toEqual(['env']);

    const nodes = await rest.list('/api/v3.1/nodes?deployment_id=d1&_sort=id');
    expect(nodes.items.map((n) => [n.id, n.number_of_instances, n.host_id])).toEqual([['thing', 1, 'vm'], ['vm', 3, 'vm']]);
    expect((await rest.list('/api/v3.1/nodes?deployment_id=d1&id=thing')).items[0]).toMatchObject({ type: 'mock.nodes.Thing', properties: { size: 3 } });

    const instances = await rest.list('/api/v3.1/node-instances?deployment_id=d1&_sort=node_id');
    expect(instances.metadata.pagination.total).toBe(6);
    for (const instance of instances.items) expect(instance).toMatchObject({ state: 'uninitialized', version: 1, runtime_properties: {}, deployment_id: 'd1' });
    const things = instances.items.filter((i) => i.node_id === 'thing');
    expect(things.every((t) => (t.relationships as { target_name: string }[])[0].target_name === 'vm')).toBe(true);

    const [create] = await executions('d1');
    expect(create).toMatchObject({ workflow_id: 'create_deployment_environment', status: 'pending', is_system_workflow: true, deployment_id: 'd1' });
    expect((await rest.list('/api/v3.1/executions?deployment_id=d1')).items).toEqual([]);
  });

  it('answers 409 for a taken deployment id', async () => {
    await rest.error('PUT', '/api/v3.1/deployments/d1', 409, 'conflict_error', { body: { blueprint_id: 'app', inputs: { region: 'eu' } } });
  });

  it('refuses executions until the environment is created', async () => {
    const body = { deployment_id: 'd1', workflow_id: 'install', parameters: {}, allow_custom_parameters: 'false', force: 'false', dry_run: 'false', queue: 'false', scheduled_time: null };
    await rest.error('POST', '/api/v3.1/executions', 400, 'deployment_environment_creation_pending_error', { body });
    const create = (await executions('d1'))[0];
    await store.modify<ExecutionData>({ kind: 'execution', tenant: 'default_tenant', id: create.id as string }, (current) => ({ ...current.data, status: 'started' }));
    await rest.error('POST', '/api/v3.1/executions', 400, 'deployment_environment_creation_in_progress_error', { body });
    await store.modify<ExecutionData>({ kind: 'execution', tenant: 'default_tenant', id: create.id as string }, (current) => ({ ...current.data, status: 'terminated' }));
    await rest.error('POST', '/api/v3.1/executions', 400, 'nonexistent_workflow_error', { body: { ...body, workflow_id: 'no_such_workflow' } });
    const started = await rest.ok('POST', '/api/v3.1/executions', 201, { body });
    expect(started).toMatchObject({ workflow_id: 'install', status: 'pending', deployment_id: 'd1', is_system_workflow: false });
    await rest.error('POST', '/api/v3.1/executions', 400, 'existing_running_execution_error', { body });
    expect((await rest.ok('POST', '/api/v3.1/executions', 201, { body: { ...body, queue: 'true' } })).status).toBe('queued');
    await rest.error('POST', '/api/v3.1/executions', 404, 'not_found_error', { body: { ...body, deployment_id: 'nope' } });
    await rest.error('POST', '/api/v3.1/executions', 400, 'bad_parameters_error', { body: { deployment_id: 'd1' } });
    expect((await rest.ok('GET', '/api/v3.1/deployments/d1?_include=latest_execution', 200)).latest_execution).toBe(started.id);
  });

  it('evaluates outputs and capabilities on read against runtime properties and secrets', async () => {
    const before = await rest.ok('GET', '/api/v3.1/deployments/d1/outputs', 200);
    expect(before.deployment_id).toBe('d1');
    expect((before.outputs as Record<string, unknown>).region).toBe('eu');
    expect((before.outputs as Record<string, unknown>).secret).toBe('s3cr3t');
    expect(String((before.outputs as Record<string, unknown>).ip)).toMatch(/ERROR|More than one/);
    const capabilities = await rest.ok('GET', '/api/v3.1/deployments/d1/capabilities', 200);
    expect(capabilities).toEqual({ deployment_id: 'd1', capabilities: { endpoint: 'https://eu.example' } });
    // With one instance of thing, get_attribute reads its runtime property.
    await rest.ok('PUT', '/api/v3.1/deployments/d2', 201, { body: { blueprint_id: 'app', inputs: { region: 'us', hosts: 1 } } });
    const thing = (await rest.list('/api/v3.1/node-instances?deployment_id=d2&node_id=thing')).items[0];
    await rest.ok('PATCH', `/api/v3.1/node-instances/${thing.id}`, 200, { body: { version: thing.version, runtime_properties: { address: '192.0.2.7' } } });
    expect(((await rest.ok('GET', '/api/v3.1/deployments/d2/outputs', 200)).outputs as Record<string, unknown>).ip).toBe('192.0.2.7');
    await rest.error('GET', '/api/v3.1/deployments/nope/outputs', 404, 'not_found_error');
  });

  it('lists with filters, sort and include', async () => {
    const listed = await rest.list('/api/v3.1/deployments?_all_tenants=False&_offset=0&_size=1000&_sort=created_at');
    expect(listed.items.map((d) => d.id)).toEqual(['d1', 'd2']);
    expect((await rest.list('/api/v3.1/deployments?blueprint_id=app&_sort=-id&_include=id')).items).toEqual([{ id: 'd2' }, { id: 'd1' }]);
    expect((await rest.list('/api/v3.1/node-instances?deployment_id=d1&node_id=vm&state=uninitialized')).metadata.pagination.total).toBe(3);
    // Plan-time functions (get_input) were evaluated at creation; runtime ones stay.
    expect((await rest.ok('GET', '/api/v3.1/deployments/d1?all_sub_deployments=True&include_workdir=False&_include=outputs', 200))).toEqual({
      outputs: { ip: { value: { get_attribute: ['thing', 'address'] } }, region: { value: 'eu' }, secret: { value: { get_secret: 'api_token' } } },
    });
  });
});

describe('node instances', () => {
  it('updates with optimistic concurrency and never loses an update', async () => {
    const vm = (await rest.list('/api/v3.1/node-instances?deployment_id=d1&node_id=vm')).items[0];
    const id = vm.id as string;
    const updated = await rest.ok('PATCH', `/api/v3.1/node-instances/${id}`, 200, { body: { version: 1, state: 'creating', runtime_properties: { a: 1 } } });
    expect(updated).toMatchObject({ version: 2, state: 'creating', runtime_properties: { a: 1 } });
    await rest.error('PATCH', `/api/v3.1/node-instances/${id}`, 409, 'conflict_error', { body: { version: 1, state: 'created' } });
    expect((await rest.ok('PATCH', `/api/v3.1/node-instances/${id}`, 200, { body: { version: 1, state: 'created', force: true } })).version).toBe(3);

    // 12 writers each add their own key with read-modify-write, retrying on 409.
    const writers = Array.from({ length: 12 }, (_, n) => async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const current = await rest.ok('GET', `/api/v3.1/node-instances/${id}`, 200);
        const reply = await rest.call('PATCH', `/api/v3.1/node-instances/${id}`, {
          body: { version: current.version, runtime_properties: { ...(current.runtime_properties as object), [`w${n}`]: n } },
        });
        if (reply.status === 200) return attempt;
        expect(reply.body.error_code).toBe('conflict_error');
      }
      throw new Error('writer starved');
    });
    const attempts = await Promise.all(writers.map((write) => write()));
    const final = await rest.ok('GET', `/api/v3.1/node-instances/${id}`, 200);
    const props = final.runtime_properties as Record<string, number>;
    for (let n = 0; n < 12; n++) expect(props[`w${n}`]).toBe(n);
    expect(props.a).toBe(1);
    expect(final.version).toBe(3 + 12);
    expect(attempts.some((count) => count > 0)).toBe(true);
  });

  it('rejects bad updates', async () => {
    const vm = (await rest.list('/api/v3.1/node-instances?deployment_id=d1&node_id=vm&_size=1')).items[0];
    const path = `/api/v3.1/node-instances/${vm.id}`;
    await rest.error('PATCH', path, 400, 'bad_parameters_error', { body: { state: 'started' } });
    await rest.error('PATCH', path, 400, 'bad_parameters_error', { body: { version: 1, state: 'flying' } });
    await rest.error('PATCH', path, 400, 'bad_parameters_error', { body: { version: -1 } });
    await rest.error('PATCH', path, 400, 'bad_parameters_error', { body: { version: 1, runtime_properties: [1] } });
    await rest.error('PATCH', path, 400, 'bad_parameters_error', { body: { version: 1, colour: 'red' } });
    await rest.error('PATCH', '/api/v3.1/node-instances/nope_123456', 404, 'not_found_error', { body: { version: 1 } });
    await rest.error('GET', '/api/v3.1/node-instances/nope_123456', 404, 'not_found_error');
  });
});

describe('deleting deployments', () => {
  it('leaves a deletion that runs out of time for the workflow engine, which can finish it', async () => {
    await rest.ok('PUT', '/api/v3.1/deployments/d3', 201, { body: { blueprint_id: 'app', inputs: { region: 'eu', hosts: 2 } } });
    const deployment = (await store.get<DeploymentData>({ kind: 'deployment', tenant: 'default_tenant', id: 'd3' }))!;
    const context = { store, files: undefined as never, queues: undefined as never, remoteUrls: 'off' as const, now: () => new Date() };
    const record = newSystemExecution({ tenant: 'default_tenant', workflowId: 'delete_deployment_environment', deploymentId: 'd3', blueprintId: 'app', createdBy: 'admin', status: 'pending', now: new Date().toISOString() });
    const stored = await store.create(record);
    // No time at all: nothing is finished, the deployment is still there.
    expect(await finishDeploymentDeletion(context, deployment, stored, Date.now())).toBe(false);
    expect((await rest.ok('GET', '/api/v3.1/deployments/d3', 200)).id).toBe('d3');
    // The engine's run finishes it; running it again on the result is harmless.
    expect(await finishDeploymentDeletion(context, deployment, stored, Number.POSITIVE_INFINITY)).toBe(true);
    await rest.error('GET', '/api/v3.1/deployments/d3', 404, 'not_found_error');
    expect((await rest.list('/api/v3.1/node-instances?deployment_id=d3')).items).toEqual([]);
    expect((await rest.ok('GET', `/api/v3.1/executions/${stored.id}`, 200)).status).toBe('terminated');
  });

  it('refuses while a node instance is live, unless forced, and records delete_deployment_environment', async () => {
    const message = await rest.error('DELETE', '/api/v3.1/deployments/d1?force=False&delete_logs=False&recursive=False', 400, 'dependent_exists_error');
    expect(message).toMatch(/live nodes/);
    expect((await rest.call('DELETE', '/api/v3.1/deployments/d1?force=true')).status).toBe(204);
    await rest.error('GET', '/api/v3.1/deployments/d1', 404, 'not_found_error');
    expect((await rest.list('/api/v3.1/nodes?deployment_id=d1')).items).toEqual([]);
    expect((await rest.list('/api/v3.1/node-instances?deployment_id=d1')).items).toEqual([]);
    const deletions = (await rest.list('/api/v3.1/executions?workflow_id=delete_deployment_environment&deployment_id=d1&_include_system_workflows=true')).items;
    expect(deletions.map((e) => [e.deployment_id, e.status])).toEqual([['d1', 'terminated']]);
  });

  it('deletes a deployment with no live instances, then its blueprint and plugin become deletable', async () => {
    const thing = (await rest.list('/api/v3.1/node-instances?deployment_id=d2&node_id=thing')).items[0];
    expect((await rest.call('DELETE', '/api/v3.1/deployments/d2')).status).toBe(204);
    expect(thing.state).toBe('uninitialized');
    expect((await rest.call('DELETE', '/api/v3.1/blueprints/app')).status).toBe(204);
    const plugin = (await rest.list('/api/v3.1/plugins?_include=id')).items[0];
    expect((await rest.call('DELETE', `/api/v3.1/plugins/${plugin.id}`)).status).toBe(204);
  });
});
