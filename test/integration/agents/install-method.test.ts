/**
 * `agent_config.install_method` at deployment creation, through real HTTP on the local runtime:
 * a host that needs an agent (a host_agent operation runs on it) with install method `remote`
 * (explicit, the Compute default, or from an input) is refused with 400 deployment_creation_error
 * naming the node and what to use instead, and nothing is written; `provided`, `init_script`,
 * `none`, and a `remote` Compute with only central operations are accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import type { LocalRuntime } from '../../../local/runtime';
import { KINDS } from '../../../src/model/kinds';
import { startTestRuntime } from '../../support/local-runtime';
import { blueprintUpload, RestClient } from '../../support/rest/client';

let runtime: LocalRuntime;
let rest: RestClient;
let raw: DynamoDBClient;
let store: DynamoModelStore;

const HEADER = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
`;

function blueprint(agentConfig: string, appExecutor = ''): string {
  return `${HEADER}inputs:
  method: {default: remote}
node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties:
      ip: 10.0.0.5
${agentConfig ? `      agent_config: ${agentConfig}\n` : ''}  app:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.contained_in, target: vm}]
    interfaces:
      cloudify.interfaces.lifecycle:
        create:
          implementation: script.script_runner.tasks.run
${appExecutor ? `          executor: ${appExecutor}\n` : ''}          inputs: {script_source: 'echo hi'}
`;
}

async function upload(id: string, yaml: string): Promise<void> {
  await rest.ok('PUT', `/api/v3.1/blueprints/${id}`, 201, blueprintUpload(Buffer.from(yaml)));
}

async function nothingWritten(id: string): Promise<void> {
  await rest.error('GET', `/api/v3.1/deployments/${id}`, 404, 'not_found_error');
  const [nodes, instances] = await Promise.all([
    store.all({ tenant: 'default_tenant', kind: KINDS.node, parent: id }),
    store.all({ tenant: 'default_tenant', kind: KINDS.nodeInstance, parent: id }),
  ]);
  expect({ nodes: nodes.length, instances: instances.length }).toEqual({ nodes: 0, instances: 0 });
  const executions = await rest.list(`/api/v3.1/executions?deployment_id=${id}&_include_system_workflows=true`);
  expect(executions.items).toEqual([]);
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  rest = new RestClient(runtime);
  raw = new DynamoDBClient({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.dynamodb });
  store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: runtime.resources.tables.model });
}, 120000);

afterAll(async () => {
  raw?.destroy();
  await runtime?.stop();
});

describe('agent install method at deployment creation', () => {
  it('refuses an explicit remote host that runs a script, naming the node, and writes nothing', async () => {
    await upload('remote-explicit', blueprint('{install_method: remote}'));
    const message = await rest.error('PUT', '/api/v3.1/deployments/remote-explicit', 400, 'deployment_creation_error', { body: { blueprint_id: 'remote-explicit' } });
    expect(message).toContain('Node vm needs a Stratus agent');
    expect(message).toContain('app: cloudify.interfaces.lifecycle.create');
    expect(message).toMatch(/`remote`.*not supported by Stratus: use `provided`.*or `init_script`/);
    await nothingWritten('remote-explicit');
  }, 60000);

  it('refuses the Compute default (no agent_config) and saying remote is the default', async () => {
    await upload('remote-default', blueprint(''));
    const message = await rest.error('PUT', '/api/v3.1/deployments/remote-default', 400, 'deployment_creation_error', { body: { blueprint_id: 'remote-default' } });
    expect(message).toContain('Node vm needs a Stratus agent');
    expect(message).toContain('default of cloudify.nodes.Compute');
    await nothingWritten('remote-default');
  }, 60000);

  it('checks the install method given by an input: remote refused, provided accepted', async () => {
    await upload('from-input', blueprint('{install_method: {get_input: method}}'));
    const message = await rest.error('PUT', '/api/v3.1/deployments/by-input-remote', 400, 'deployment_creation_error', { body: { blueprint_id: 'from-input' } });
    expect(message).toContain('Node vm needs a Stratus agent');
    await nothingWritten('by-input-remote');
    const created = await rest.ok('PUT', '/api/v3.1/deployments/by-input-provided', 201, { body: { blueprint_id: 'from-input', inputs: { method: 'provided' } } });
    expect(created.id).toBe('by-input-provided');
  }, 60000);

  it('accepts provided, init_script and none, and a remote Compute whose operations are all central', async () => {
    for (const [id, config] of [
      ['ok-provided', '{install_method: provided}'],
      ['ok-init', '{install_method: init_script}'],
      ['ok-none', '{install_method: none}'],
    ]) {
      await upload(id, blueprint(config));
      await rest.ok('PUT', `/api/v3.1/deployments/${id}`, 201, { body: { blueprint_id: id } });
    }
    await upload('ok-central', blueprint('{install_method: remote}', 'central_deployment_agent'));
    await rest.ok('PUT', '/api/v3.1/deployments/ok-central', 201, { body: { blueprint_id: 'ok-central' } });
  }, 90000);
});
