/**
 * `stratus deployments create|list|get|outputs|inputs|delete`, `stratus nodes list` and
 * `stratus node-instances list|get`, following `cfy`.
 */
import type { Command } from 'commander';
import type { StratusClient } from '../client/client';
import { ApiError, UsageError } from '../client/errors';
import { sleep, waitForExecution } from '../client/wait';
import { action, clientFor, example, group } from '../context';
import { collect, columns, details, paint, print, printJson, statusColour, table } from '../output';
import { InputArgumentError, parseInputArguments } from './blueprint-inputs';
import type { InputSchema } from '../../src/dsl';
import { listQuery, printList, withListOptions } from './common';
import type { ListOptions } from './common';

const dep = (id: string) => `/deployments/${encodeURIComponent(id)}`;

/** Reads -i/-p arguments; a blueprint's input types keep `key=value` text for string inputs. */
export function readArguments(args: string[], schemas: Record<string, InputSchema> = {}): Record<string, unknown> {
  try {
    return parseInputArguments(args, schemas);
  } catch (err) {
    if (err instanceof InputArgumentError) throw new UsageError(err.message);
    throw err;
  }
}

/** The blueprint's declared inputs, to read `key=value` by type (empty when it cannot be read). */
async function inputSchemas(client: StratusClient, blueprintId: string, args: string[]): Promise<Record<string, InputSchema>> {
  if (!args.some((arg) => /^[^{=]+=/.test(arg))) return {};
  try {
    const blueprint = await client.get<{ plan?: { inputs?: Record<string, InputSchema> } }>(`/blueprints/${encodeURIComponent(blueprintId)}`, { _include: 'id,plan' });
    return blueprint.plan?.inputs ?? {};
  } catch {
    return {}; // the create request reports an unknown blueprint itself
  }
}

interface CreateOptions {
  blueprintId: string;
  inputs: string[];
  visibility: string;
  labels: string[];
  displayName?: string;
  skipPluginsValidation?: boolean;
  wait: boolean;
  timeout: number;
  json?: boolean;
}

function labelsOf(labels: string[]): Record<string, string>[] {
  return labels.map((label) => {
    const at = label.indexOf(':');
    if (at <= 0) throw new UsageError(`Label ${JSON.stringify(label)} must be key:value`);
    return { [label.slice(0, at)]: label.slice(at + 1) };
  });
}

function deploymentDetails(d: Record<string, unknown>): string {
  return details([
    ['ID', d.id],
    ['Display name', d.display_name],
    ['Blueprint', d.blueprint_id],
    ['Status', d.deployment_status, 'status'],
    ['Installation', d.installation_status, 'status'],
    ['Latest execution', d.latest_execution ? `${String(d.latest_execution)} (${String(d.latest_execution_status ?? '')})` : '-'],
    ['Created', d.created_at, 'time'],
    ['Updated', d.updated_at, 'time'],
    ['Visibility', d.visibility],
    ['Tenant', d.tenant_name],
    ['Created by', d.created_by],
    ['Workflows', ((d.workflows as { name: string }[] | undefined) ?? []).map((w) => w.name).join(', ')],
    ['Inputs', d.inputs],
  ]);
}

export function deploymentsCommand(): Command {
  const deployments = group('deployments', 'Create and manage deployments');

  example(
    deployments
      .command('create')
      .description('Create a deployment of a blueprint and wait for its environment (create_deployment_environment)')
      .argument('<deployment-id>')
      .requiredOption('-b, --blueprint-id <id>', 'the blueprint to deploy')
      .option('-i, --inputs <input>', 'an input as key=value (the value read as YAML: 2 is a number, true a boolean; quote for a string), a YAML/JSON file of inputs, or an inline {dict} (repeatable)', collect, [] as string[])
      .option('--display-name <name>', 'display name')
      .option('--visibility <visibility>', 'private, tenant or global', 'tenant')
      .option('--labels <key:value>', 'a label (repeatable)', collect, [] as string[])
      .option('--skip-plugins-validation', 'do not check that the plugins the blueprint needs are uploaded')
      .option('--no-wait', 'return once the deployment is recorded, without waiting for its environment')
      .option('--timeout <seconds>', 'how long to wait for the environment', Number, 900)
      .option('--json', 'print the deployment as JSON')
      .action(
        action(async (cmd, id: string, options: CreateOptions) => {
          const client = clientFor(cmd);
          const inputs = readArguments(options.inputs, await inputSchemas(client, options.blueprintId, options.inputs));
          const body = {
            blueprint_id: options.blueprintId,
            inputs,
            visibility: options.visibility,
            labels: labelsOf(options.labels),
            display_name: options.displayName ?? id,
            skip_plugins_validation: options.skipPluginsValidation === true,
          };
          let deployment = await client.request('PUT', dep(id), { json: body });
          if (!options.json) process.stderr.write(`Deployment ${id} created from blueprint ${options.blueprintId}.\n`);
          if (options.wait) {
            const { items } = await client.listAll<{ id: string }>('/executions', { deployment_id: id, workflow_id: 'create_deployment_environment', _include_system_workflows: 'true', _include: 'id' });
            if (items[0]) {
              if (!options.json) process.stderr.write('Waiting for create_deployment_environment...\n');
              const execution = await waitForExecution(client, items[0].id, options.timeout);
              if (execution.status !== 'terminated') {
                process.stderr.write(`${paint('Error', 'red', process.stderr)}: creating the environment of ${id} ${execution.status}: ${String(execution.error ?? '')}\n`);
                if (options.json) printJson(execution);
                return 1;
              }
              deployment = await client.get(dep(id));
            }
          }
          if (options.json) printJson(deployment);
          else print(`Deployment ${id} is ready${options.wait ? '' : ' to be set up (not waited for)'}.`);
        }),
      ),
    'stratus deployments create hello -b hello -i port=8080 -i inputs.yaml',
    "stratus deployments create app -b app -i '{db_size: 10, name: shop}' --labels env:dev",
  );

  example(
    withListOptions(deployments.command('list').description('List deployments'))
      .option('-b, --blueprint-id <id>', 'only deployments of this blueprint')
      .action(
        action(async (cmd, options: ListOptions & { blueprintId?: string }) => {
          const query = listQuery(options, { blueprint_id: options.blueprintId, _include: 'id,display_name,blueprint_id,deployment_status,installation_status,latest_execution_status,created_at,updated_at,visibility,tenant_name,created_by' });
          await printList(clientFor(cmd), '/deployments', query, options, columns(['id', 'blueprint_id', 'deployment_status:status', 'installation_status:status', 'latest_execution_status:status', 'created_at:time', 'visibility', 'tenant_name', 'created_by']), 'deployments');
        }),
      ),
    'stratus deployments list',
    'stratus deployments list -b hello --json',
  );

  example(
    deployments
      .command('get')
      .description('Show a deployment')
      .argument('<deployment-id>')
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, id: string, options: { json?: boolean }) => {
          const deployment = await clientFor(cmd).get(dep(id));
          if (options.json) printJson(deployment);
          else print(deploymentDetails(deployment));
        }),
      ),
    'stratus deployments get hello',
  );

  example(
    deployments
      .command('outputs')
      .description("Show a deployment's outputs (evaluated now); with an output name, print only its value")
      .argument('<deployment-id>')
      .argument('[output]', 'print only this output: its value as it is (text), or as JSON when it is not text')
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, id: string, name: string | undefined, options: { json?: boolean }) => {
          const client = clientFor(cmd);
          if (name !== undefined) {
            const { outputs = {} } = await client.get<{ outputs?: Record<string, unknown> }>(`${dep(id)}/outputs`);
            if (!(name in outputs)) throw new UsageError(`Deployment ${id} has no output ${JSON.stringify(name)} (it has: ${Object.keys(outputs).join(', ') || 'none'})`, 1);
            const value = outputs[name];
            return print(typeof value === 'string' && !options.json ? value : JSON.stringify(value));
          }
          const [answer, deployment] = await Promise.all([client.get<{ outputs: Record<string, unknown> }>(`${dep(id)}/outputs`), options.json ? undefined : client.get(dep(id), { _include: 'id,outputs' })]);
          if (options.json) return printJson(answer);
          const declared = (deployment?.outputs ?? {}) as Record<string, { description?: string }>;
          const rows = Object.entries(answer.outputs ?? {}).map(([name, value]) => ({ name, value, description: declared[name]?.description ?? '' }));
          if (rows.length === 0) return print(`Deployment ${id} has no outputs.`);
          print(table(rows, [{ header: 'NAME', value: (r) => r.name }, { header: 'VALUE', value: (r) => r.value }, { header: 'DESCRIPTION', value: (r) => r.description }]));
        }),
      ),
    'stratus deployments outputs hello',
    'curl "$(stratus deployments outputs hello url)"',
  );

  example(
    deployments
      .command('inputs')
      .description("Show the inputs a deployment was created with")
      .argument('<deployment-id>')
      .option('--json', 'print the inputs as JSON')
      .action(
        action(async (cmd, id: string, options: { json?: boolean }) => {
          const deployment = await clientFor(cmd).get<{ inputs?: Record<string, unknown> }>(dep(id), { _include: 'id,inputs' });
          if (options.json) return printJson(deployment.inputs ?? {});
          const rows = Object.entries(deployment.inputs ?? {}).map(([name, value]) => ({ name, value }));
          if (rows.length === 0) return print(`Deployment ${id} has no inputs.`);
          print(table(rows, [{ header: 'NAME', value: (r) => r.name }, { header: 'VALUE', value: (r) => r.value }]));
        }),
      ),
    'stratus deployments inputs hello',
  );

  example(
    deployments
      .command('delete')
      .description('Delete a deployment (refused while node instances are live, unless --force)')
      .argument('<deployment-id>')
      .option('-f, --force', 'delete even if node instances are live')
      .option('--delete-logs', "also delete the deployment's logs and events")
      .option('--no-wait', 'return once the manager accepted the deletion (default: wait until the deployment is gone)')
      .option('--timeout <seconds>', 'how long to wait for the deployment to be gone', Number, 300)
      .action(
        action(async (cmd, id: string, options: { force?: boolean; deleteLogs?: boolean; wait: boolean; timeout: number }) => {
          const client = clientFor(cmd);
          await client.request('DELETE', dep(id), { query: { force: options.force ? 'true' : 'false', delete_logs: options.deleteLogs ? 'true' : 'false' } });
          if (!options.wait) return print(`Deployment ${id} is being deleted.`);
          // The manager removes the deployment in the background: wait, so that deleting its
          // blueprint next (as a script would) is not refused as still in use.
          const deadline = Date.now() + options.timeout * 1000;
          for (;;) {
            try {
              await client.get(dep(id), { _include: 'id' });
            } catch (err) {
              if (err instanceof ApiError && err.status === 404) break;
              throw err;
            }
            if (Date.now() >= deadline) throw new ApiError(0, 'timeout', `Deployment ${id} is still there after ${options.timeout} s; its deletion goes on on the manager`);
            await sleep(250);
          }
          print(`Deployment ${id} deleted.`);
        }),
      ),
    'stratus deployments delete hello',
  );
  return deployments;
}

export function nodesCommand(): Command {
  const nodes = group('nodes', "Show deployments' nodes");
  example(
    withListOptions(nodes.command('list').description('List nodes'), 'deployment_id')
      .option('-d, --deployment-id <id>', 'only nodes of this deployment')
      .action(
        action(async (cmd, options: ListOptions & { deploymentId?: string }) => {
          const query = listQuery(options, { deployment_id: options.deploymentId, _include: 'id,deployment_id,blueprint_id,type,host_id,number_of_instances,planned_number_of_instances,tenant_name' });
          await printList(clientFor(cmd), '/nodes', query, options, columns(['id', 'deployment_id', 'blueprint_id', 'host_id', 'type', 'number_of_instances', 'planned_number_of_instances', 'tenant_name']), 'nodes');
        }),
      ),
    'stratus nodes list -d hello',
  );
  return nodes;
}

export function nodeInstancesCommand(): Command {
  const instances = group('node-instances', "Show deployments' node instances");
  example(
    withListOptions(instances.command('list').description('List node instances'), 'node_id')
      .option('-d, --deployment-id <id>', 'only instances of this deployment')
      .option('-n, --node-name <node>', 'only instances of this node')
      .action(
        action(async (cmd, options: ListOptions & { deploymentId?: string; nodeName?: string }) => {
          const query = listQuery(options, { deployment_id: options.deploymentId, node_id: options.nodeName, _include: 'id,deployment_id,host_id,node_id,state,tenant_name' });
          await printList(clientFor(cmd), '/node-instances', query, options, columns(['id', 'deployment_id', 'host_id', 'node_id', 'state:status', 'tenant_name']), 'node instances');
        }),
      ),
    'stratus node-instances list -d hello',
  );
  example(
    instances
      .command('get')
      .description('Show a node instance with its runtime properties')
      .argument('<node-instance-id>')
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, id: string, options: { json?: boolean }) => {
          const instance = await clientFor(cmd).get(`/node-instances/${encodeURIComponent(id)}`);
          if (options.json) return printJson(instance);
          const state = String(instance.state ?? '');
          print(
            details([
              ['ID', instance.id],
              ['Node', instance.node_id],
              ['Deployment', instance.deployment_id],
              ['Host', instance.host_id],
              ['State', paint(state, statusColour(state) ?? 'bold')],
              ['Version', instance.version],
            ]),
          );
          const props = Object.entries((instance.runtime_properties ?? {}) as Record<string, unknown>).map(([name, value]) => ({ name, value }));
          print(props.length ? `\nRuntime properties:\n${table(props, [{ header: 'NAME', value: (r) => r.name }, { header: 'VALUE', value: (r) => r.value }])}` : '\nNo runtime properties.');
        }),
      ),
    'stratus node-instances get vm_a1b2c3',
  );
  return instances;
}
