/**
 * Operation lookup and resolution: from a node's (or relationship's) PlanOperation to the
 * dispatchable ResolvedOperation of one node instance.
 */
import type { Dict, PlanOperation } from '../dsl/plan';
import type { DeploymentIndex, GraphInstance } from './deployment';
import { WorkflowGraphError } from './errors';
import type { ResolvedExecutor, ResolvedOperation } from './graph';

export const LIFECYCLE = 'cloudify.interfaces.lifecycle';
export const RELATIONSHIP_LIFECYCLE = 'cloudify.interfaces.relationship_lifecycle';

/** An operation without implementation: Cloudify's NOP task, dropped from graphs. */
export function isNoop(op: PlanOperation | undefined): boolean {
  return !op || !op.operation;
}

/**
 * The executor an operation runs on for this instance: the operation's own, else its plugin's,
 * else central; `auto` means host_agent when the instance has a host, central otherwise
 * (reference section 1).
 */
export function resolveExecutor(index: DeploymentIndex, op: PlanOperation, instance: GraphInstance, name: string): { executor: ResolvedExecutor; host_id: string | null } {
  const declared = op.executor ?? index.pluginExecutor(op.plugin) ?? 'central_deployment_agent';
  if (declared === 'central_deployment_agent') return { executor: declared, host_id: null };
  if (declared === 'auto') return instance.host_id ? { executor: 'host_agent', host_id: instance.host_id } : { executor: 'central_deployment_agent', host_id: null };
  if (declared === 'host_agent') {
    if (!instance.host_id) {
      throw new WorkflowGraphError(`Operation ${name} of node instance ${instance.id} must run on a host agent, but the instance is not contained in a Compute node`, 'invalid_graph_error');
    }
    return { executor: 'host_agent', host_id: instance.host_id };
  }
  throw new WorkflowGraphError(`Operation ${name} of node instance ${instance.id} has an unknown executor ${declared}`, 'invalid_graph_error');
}

/**
 * Operation inputs with the workflow's kwargs merged in (kwargs win). Without kwargs the plan's
 * inputs object itself is used: graphs are read-only data, and a 1,000-instance graph would
 * otherwise copy thousands of identical dicts.
 */
export function mergeInputs(inputs: Dict, kwargs: Dict | undefined): Dict {
  return kwargs && Object.keys(kwargs).length ? { ...inputs, ...kwargs } : inputs;
}

export function resolveOperation(index: DeploymentIndex, op: PlanOperation, instance: GraphInstance, name: string, kwargs?: Dict): ResolvedOperation {
  const { executor, host_id } = resolveExecutor(index, op, instance, name);
  return {
    plugin: op.plugin,
    operation: op.operation,
    executor,
    host_id,
    inputs: mergeInputs(op.inputs ?? {}, kwargs),
    has_intrinsic_functions: op.has_intrinsic_functions ?? false,
    max_retries: op.max_retries ?? null,
    retry_interval: op.retry_interval ?? null,
    timeout: op.timeout ?? null,
    timeout_recoverable: op.timeout_recoverable ?? null,
  };
}

/** `cloudify.interfaces.lifecycle.create` for `create`; full names are kept. */
export function fullLifecycleName(name: string): string {
  return name.includes('.') ? name : `${LIFECYCLE}.${name}`;
}
