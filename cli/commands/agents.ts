/**
 * `stratus agents list|install-command`: the host agents (docs/agent.md).
 *
 * `install-command` mints a host's agent token (POST /agents/{instance}/credentials; minting again
 * rotates it, so an agent already running with the old token is refused at its next connect) and
 * prints the command that starts the agent on that host. With --local the command runs the agent
 * from this checkout (the host is this machine, as in the quick start).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { StratusClient } from '../client/client';
import { UsageError } from '../client/errors';
import { action, clientFor, example, group } from '../context';
import { columns, print, printJson, table } from '../output';

const AGENT_METHODS = new Set(['provided', 'init_script']);
const AGENT_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../agent/bin.mjs');

interface Credentials {
  token: string;
  manager_url: string;
  ws_url: string;
  install_script_url: string | null;
  agent?: Record<string, unknown>;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** The host instances of a deployment that run an agent (Compute nodes with install_method provided/init_script). */
async function agentHosts(client: StratusClient, deploymentId: string): Promise<string[]> {
  const nodes = await client.listAll<{ id: string; type_hierarchy?: string[]; properties?: { agent_config?: { install_method?: string } } }>('/nodes', { deployment_id: deploymentId, _include: 'id,type_hierarchy,properties' });
  const hosts = new Set(nodes.items.filter((n) => (n.type_hierarchy ?? []).includes('cloudify.nodes.Compute') && AGENT_METHODS.has(n.properties?.agent_config?.install_method ?? '')).map((n) => n.id));
  if (hosts.size === 0) throw new UsageError(`Deployment ${deploymentId} has no host with agent_config.install_method provided or init_script`, 1);
  const instances = await client.listAll<{ id: string; node_id: string }>('/node-instances', { deployment_id: deploymentId, _include: 'id,node_id' });
  return instances.items.filter((i) => hosts.has(i.node_id)).map((i) => i.id);
}

/** The command that starts the agent with these credentials. */
export function agentCommand(credentials: Credentials, local: boolean): string {
  const env = `STRATUS_AGENT_TOKEN=${shellQuote(credentials.token)}`;
  if (!local && credentials.install_script_url) return `curl -fsSL ${shellQuote(credentials.install_script_url)} | ${env} sh`;
  const bin = local ? shellQuote(AGENT_BIN) : 'agent/bin.mjs';
  return `${env} node ${bin} --manager ${shellQuote(credentials.manager_url)} --ws-url ${shellQuote(credentials.ws_url)}`;
}

export function agentsCommand(): Command {
  const agents = group('agents', "Host agents: list them, get a host's agent start command");

  example(
    agents
      .command('list')
      .description('List agents')
      .option('-d, --deployment-id <id>', 'only agents of this deployment')
      .option('--node-id <node>', 'only agents of this node')
      .option('--node-instance-id <id>', 'only the agent of this host instance')
      .option('--install-method <method>', 'only agents installed this way (provided, init_script)')
      .option('--state <state>', 'only agents in this state')
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, options: { deploymentId?: string; nodeId?: string; nodeInstanceId?: string; installMethod?: string; state?: string; json?: boolean }) => {
          const list = await clientFor(cmd).get<{ items: Record<string, unknown>[] }>('/agents', {
            deployment_id: options.deploymentId,
            node_ids: options.nodeId,
            node_instance_ids: options.nodeInstanceId,
            install_methods: options.installMethod,
            state: options.state,
          });
          if (options.json) return printJson(list);
          if (list.items.length === 0) return print('No agents.');
          print(table(list.items, columns(['id', 'host_id', 'ip', 'deployment', 'node', 'install_method', 'system', 'version', 'state:status'])));
        }),
      ),
    'stratus agents list -d hello',
  );

  example(
    agents
      .command('install-command')
      .description("Mint a host's agent token and print the command that starts its agent (minting again rotates the token)")
      .argument('[node-instance-id]', 'the host instance (a cloudify.nodes.Compute with install_method provided or init_script)')
      .option('-d, --deployment-id <id>', 'every agent host of this deployment (with -n: the deployment of that instance)')
      .option('-n, --node-instance-id <id>', 'the host instance (same as the argument; with -d, checked to be one of its agent hosts)')
      .option('--local', 'the host is this machine: run the agent from this checkout')
      .option('--json', 'print the credentials and commands as JSON')
      .action(
        action(async (cmd, argument: string | undefined, options: { deploymentId?: string; nodeInstanceId?: string; local?: boolean; json?: boolean }) => {
          if (argument && options.nodeInstanceId && argument !== options.nodeInstanceId) throw new UsageError('Give the node instance once (argument or -n/--node-instance-id)');
          const instanceId = argument ?? options.nodeInstanceId;
          if (!instanceId && !options.deploymentId) throw new UsageError('Give a node instance id (-n) or -d/--deployment-id');
          const client = clientFor(cmd);
          const hosts = options.deploymentId ? await agentHosts(client, options.deploymentId) : undefined;
          if (instanceId && hosts && !hosts.includes(instanceId)) throw new UsageError(`${instanceId} is not an agent host of deployment ${options.deploymentId} (its agent hosts: ${hosts.join(', ')})`, 1);
          const ids = instanceId ? [instanceId] : hosts!;
          const results: (Credentials & { node_instance_id: string; command: string })[] = [];
          for (const id of ids) {
            const credentials = await client.request<Credentials>('POST', `/agents/${encodeURIComponent(id)}/credentials`);
            results.push({ ...credentials, node_instance_id: id, command: agentCommand(credentials, options.local === true) });
          }
          if (options.json) return printJson(results);
          // stdout holds only the command lines (one per host), so `sh -c "$(stratus agents
          // install-command ...)"` runs them as printed; the notes go to stderr.
          for (const result of results) {
            process.stderr.write(`# Host ${result.node_instance_id}: run on that host${options.local ? ' (this machine)' : ''}; the token is shown only this once.\n`);
            if (!options.local && !result.install_script_url) process.stderr.write('# (copy the agent/ folder of a Stratus checkout there first: this manager serves no single-file agent)\n');
            print(result.command);
          }
        }),
      ),
    'stratus agents install-command -d hello --local',
    'stratus agents install-command -d hello -n vm_a1b2c3 --local',
    'stratus agents install-command vm_a1b2c3',
  );
  return agents;
}
