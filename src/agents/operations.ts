/**
 * Cloudify's `agent` plugin operations (cloudify.interfaces.cloudify_agent) as Stratus runs them:
 * with install_method provided/init_script the Stratus agent is started by the host itself with its
 * minted credential, so create/configure/start/stop/delete/restart have nothing to do centrally
 * (install waits for the agent's connection instead). They log what they skip.
 */
import type { OperationRegistry } from '../operations/registry';

const CENTRAL = ['create', 'configure', 'start', 'stop', 'delete', 'restart'];

export function registerAgentOperations(registry: OperationRegistry): OperationRegistry {
  for (const name of CENTRAL) {
    registry.register(`agent.cloudify_agent.installer.operations.${name}`, (ctx) => {
      ctx.logger.info(`Agent ${name}: nothing to do on the manager (the Stratus agent is started on the host with its credential)`);
    });
  }
  return registry;
}
