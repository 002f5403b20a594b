/**
 * Cloudify's `agent` plugin operations (cloudify.interfaces.cloudify_agent) as Stratus runs them:
 * with install_method provided/init_script the Stratus agent is started by the host itself with its
 * minted credential, so create/configure/start/stop/restart have nothing to do centrally (install
 * waits for the agent's connection instead). `delete` (uninstall, after the host's dependents are
 * gone) revokes the host's agent credential and closes its live connection: the agent of a
 * deleted host can never act again.
 *
 * `init_script` (Stratus's own, added by the install graph before the create of a host whose
 * install method is `init_script`): mints the host's agent credential (rotating any previous one)
 * and writes the cloud-init user data that installs and starts the agent into
 * `runtime_properties.cloudify_agent.install_script`, for the compute plugin's create to pass to the
 * VM. Idempotent: a second run mints again and rewrites the script with the new token.
 */
import type { OperationRegistry } from '../operations/registry';
import type { ConnectionGateway } from '../ports/connections';
import type { ModelStore } from '../ports/model-store';
import { NonRecoverableError } from '../operations/context';
import { AGENT_PACKAGE_PATH, INIT_SCRIPT_KEY, INIT_SCRIPT_PROPERTY, initScript } from './install-script';
import { mintAgentCredential, revokeAgentCredential } from './records';

const CENTRAL = ['create', 'configure', 'start', 'stop', 'restart'];

/** What `delete` needs to revoke the credential; without it, delete only logs. */
export interface AgentRevocation {
  store: ModelStore;
  gateway?: ConnectionGateway;
  /** The manager's REST and WebSocket URLs the init_script user data points the agent to. */
  urls?: { manager?: string; ws?: string };
}

export const INIT_SCRIPT_OPERATION = 'cloudify_agent.installer.operations.init_script';

export function registerAgentOperations(registry: OperationRegistry, revocation?: AgentRevocation): OperationRegistry {
  for (const name of CENTRAL) {
    registry.register(`agent.cloudify_agent.installer.operations.${name}`, (ctx) => {
      ctx.logger.info(`Agent ${name}: nothing to do on the manager (the Stratus agent is started on the host with its credential)`);
    });
  }
  registry.register('agent.cloudify_agent.installer.operations.delete', async (ctx) => {
    if (!revocation || !ctx.tenant) {
      ctx.logger.info('Agent delete: nothing to do on the manager');
      return;
    }
    const host = (await ctx.instance()).id;
    const connection = await revokeAgentCredential(revocation.store, ctx.tenant, host);
    if (connection && revocation.gateway) await revocation.gateway.close(connection);
    ctx.logger.info(`Agent delete: the agent credential of host ${host} is revoked${connection ? ' and its connection closed' : ''}`);
  });
  registry.register(`agent.${INIT_SCRIPT_OPERATION}`, async (ctx) => {
    const manager = revocation?.urls?.manager?.replace(/\/+$/, '');
    if (!revocation || !ctx.tenant || !manager) {
      throw new NonRecoverableError('Agent init_script: this manager cannot mint agent credentials for user data (no model store, or STRATUS_REST_URL is not set)');
    }
    const ws = revocation.urls?.ws ?? `${manager.replace(/^http/, 'ws')}/ws`;
    const instance = await ctx.instance();
    const minted = await mintAgentCredential(revocation.store, ctx.tenant, instance.id, new Date());
    // Rotation, like POST /agents/{id}/credentials: an agent still connected with the old token goes.
    const previous = minted.agent.data.connection_id;
    if (previous && revocation.gateway) await revocation.gateway.close(previous);
    const current = instance.runtime_properties[INIT_SCRIPT_PROPERTY];
    const base = current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
    const script = initScript({ manager, ws, package: `${manager}${AGENT_PACKAGE_PATH}` }, minted.token, instance.id);
    await ctx.setRuntimeProperties({ [INIT_SCRIPT_PROPERTY]: { ...base, install_method: 'init_script', manager_url: manager, ws_url: ws, [INIT_SCRIPT_KEY]: script } });
    // Never the token or the script in a log line.
    ctx.logger.info(`Agent init_script: minted the agent credential of host ${instance.id} and wrote its user data to runtime property ${INIT_SCRIPT_PROPERTY}.${INIT_SCRIPT_KEY}`);
  });
  return registry;
}
