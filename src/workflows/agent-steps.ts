/**
 * The extra steps of a Compute instance (reference section 4): after start, wait for the host
 * (host.get_state, re-run until true) and bring its agent up; before stop, take it down.
 *
 * Agent operations appear only when the node defines and implements them (Cloudify's types give
 * them to cloudify.nodes.Compute through its `agent` plugin; the dispatcher decides how Stratus
 * runs them). For install_method `provided` and `init_script` Stratus adds a `wait_for_agent`
 * task after them: the host's Stratus agent connects by itself and the engine waits for it.
 * For `init_script`, before the host's create (the compute plugin's create makes the VM and needs
 * its user data then), a central `agent` task mints the host's agent credential and writes the
 * user data into the host's runtime properties (src/agents/operations.ts).
 */
import type { Dict } from '../dsl/plan';
import { type Draft, type Step, event } from './builder';
import { type DeploymentIndex, type GraphInstance, installMethod } from './deployment';
import { nodeOperation, skipNop } from './steps';

const AGENT = 'cloudify.interfaces.cloudify_agent';
const MONITORING_AGENT = 'cloudify.interfaces.monitoring_agent';

/** Methods whose agent is started by a script on the host (Cloudify's AGENT_INSTALL_METHODS_SCRIPTS). */
const SCRIPT_METHODS = ['init_script', 'provided', 'plugin'];
/** Methods where Cloudify runs cloudify_agent.start after create. */
const STARTED_METHODS = ['plugin', 'init_script'];
/** Methods where the Stratus agent connects by itself and install waits for it. */
export const WAITED_METHODS = ['provided', 'init_script'];

/** The `agent` plugin operation (registered by src/agents/operations.ts) that writes the user data. */
export const INIT_SCRIPT_CALL = { plugin: 'agent', operation: 'cloudify_agent.installer.operations.init_script' };
export const INIT_SCRIPT_TASK = `${AGENT}.init_script`;

/** Before create: the init_script user data (a central task, persisted and retried like any other). */
export function hostPreCreateSteps(index: DeploymentIndex, instance: GraphInstance): Step[] {
  if (installMethod(index.nodeOf(instance)) !== 'init_script') return [];
  const task: Draft = {
    key: 'agent.init_script',
    kind: 'operation',
    name: INIT_SCRIPT_TASK,
    context_instance_id: instance.id,
    call: { ...INIT_SCRIPT_CALL, executor: 'central_deployment_agent', host_id: null, inputs: {}, has_intrinsic_functions: false, max_retries: null, retry_interval: null, timeout: null, timeout_recoverable: null },
    relationship: null,
    retry_until_true: false,
  };
  return [[task]];
}

function waitForAgent(instance: GraphInstance, method: string): Draft {
  return { key: 'agent.wait', kind: 'wait_for_agent', host_id: instance.id, install_method: method };
}

/** Plugins the host's agent must install: those of the host's node marked `install`. */
function pluginsToInstall(index: DeploymentIndex, instance: GraphInstance): Dict[] {
  return (index.nodeOf(instance).plugins_to_install ?? []).filter((p) => p.install).map((p) => ({ ...p }) as unknown as Dict);
}

export function hostPostStartSteps(index: DeploymentIndex, instance: GraphInstance): Step[] {
  const op = (name: string, kwargs?: Dict) => nodeOperation(index, instance, name, { kwargs, retryUntilTrue: name === 'cloudify.interfaces.host.get_state' });
  const method = installMethod(index.nodeOf(instance));
  const steps: Step[] = skipNop(op('cloudify.interfaces.host.get_state'));
  if (method !== 'none') {
    steps.push(...skipNop(op(`${AGENT}.create`), event('event:agent-creating', 'Creating agent'), event('event:agent-created', 'Agent created')));
    if (STARTED_METHODS.includes(method)) {
      steps.push(...skipNop(op(`${AGENT}.start`), event('event:agent-starting', 'Waiting for agent to start'), event('event:agent-started', 'Agent started')));
    }
    if (WAITED_METHODS.includes(method)) steps.push([waitForAgent(instance, method)]);
    const plugins = pluginsToInstall(index, instance);
    if (plugins.length) {
      steps.push(...skipNop(op(`${AGENT}.install_plugins`, { plugins }), event('event:plugins-installing', 'Installing plugins'), event('event:plugins-installed', 'Plugins installed')));
    }
  }
  steps.push(...skipNop(op(`${MONITORING_AGENT}.install`)), ...skipNop(op(`${MONITORING_AGENT}.start`)));
  return steps;
}

export function hostPreStopSteps(index: DeploymentIndex, instance: GraphInstance): Step[] {
  const op = (name: string) => nodeOperation(index, instance, name);
  const method = installMethod(index.nodeOf(instance));
  const steps: Step[] = [...skipNop(op(`${MONITORING_AGENT}.stop`)), ...skipNop(op(`${MONITORING_AGENT}.uninstall`))];
  if (method !== 'none') {
    const stop = SCRIPT_METHODS.includes(method) ? `${AGENT}.stop_amqp` : `${AGENT}.stop`;
    const agentSteps = [
      ...skipNop(op(stop), event('event:agent-stopping', 'Stopping agent')),
      ...skipNop(op(`${AGENT}.delete`), event('event:agent-deleting', 'Deleting agent')),
    ];
    if (agentSteps.length) steps.push(...agentSteps, [event('event:agent-deleted', 'Agent deleted')]);
  }
  return steps;
}
