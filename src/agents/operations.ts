/**
 * Cloudify's `agent` plugin operations (cloudify.interfaces.cloudify_agent) as Stratus runs them:
 * with install_method provided/init_script the Stratus agent is started by the host itself with its
 * minted credential, so create/configure/start/stop/restart have nothing to do centrally (install
 * waits for the agent's connection instead). `delete` (uninstall, after the host's dependents are
 * gone) revokes the host's agent credential and closes its live connection: the agent of a
 * deleted host can never act again.
 */
import type { OperationRegistry } from '../operations/registry';
import type { ConnectionGateway } from '../ports/connections';
import type { ModelStore } from '../ports/model-store';
import { revokeAgentCredential } from './records';

const CENTRAL = ['create', 'configure', 'start', 'stop', 'restart'];

/** What `delete` needs to revoke the credential; without it, delete only logs. */
export interface AgentRevocation {
  store: ModelStore;
  gateway?: ConnectionGateway;
}

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
  return registry;
}
