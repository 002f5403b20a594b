/**
 * Cloudify's built-in workflows by the mapping the plan stores (`plugin: default_workflows`,
 * `operation: cloudify.plugins.workflows.<function>`), each from its raw parameters to its graph.
 * scale is separate (planScale, buildScaleGraph): it also produces a deployment modification.
 */
import type { GraphDeployment } from './deployment';
import { executeOperationFromParameters, lifecycleOperationFromParameters, restartFromParameters } from './execute-operation';
import type { WorkflowGraph } from './graph';
import { healFromParameters } from './heal';
import { installFromParameters } from './install';
import type { Parameters } from './params';
import { reinstallFromParameters } from './reinstall';
import { uninstallFromParameters } from './uninstall';

export type WorkflowGraphBuilder = (deployment: GraphDeployment, parameters: Parameters) => WorkflowGraph;

export const BUILTIN_WORKFLOW_PLUGIN = 'default_workflows';
const PREFIX = 'cloudify.plugins.workflows.';

export const BUILTIN_WORKFLOWS: Record<string, WorkflowGraphBuilder> = {
  install: installFromParameters,
  uninstall: uninstallFromParameters,
  reinstall: reinstallFromParameters,
  start: (d, p) => lifecycleOperationFromParameters('start', d, p),
  stop: (d, p) => lifecycleOperationFromParameters('stop', d, p),
  pull: (d, p) => lifecycleOperationFromParameters('pull', d, p),
  restart: restartFromParameters,
  execute_operation: executeOperationFromParameters,
  auto_heal_reinstall_node_subgraph: healFromParameters,
};

/** The graph builder of a plan workflow mapping, or undefined when it is not one of these built-ins. */
export function builtinWorkflow(plugin: string, operation: string): WorkflowGraphBuilder | undefined {
  if (plugin !== BUILTIN_WORKFLOW_PLUGIN || !operation.startsWith(PREFIX)) return undefined;
  const name = operation.slice(PREFIX.length);
  return Object.hasOwn(BUILTIN_WORKFLOWS, name) ? BUILTIN_WORKFLOWS[name] : undefined;
}

/** Whether a plan workflow mapping is Cloudify's scale (`scale_entity`, or the legacy `scale`). */
export function isScaleWorkflow(plugin: string, operation: string): boolean {
  return plugin === BUILTIN_WORKFLOW_PLUGIN && (operation === `${PREFIX}scale_entity` || operation === `${PREFIX}scale`);
}
