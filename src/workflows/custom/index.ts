/**
 * Stratus workflow functions (docs/workflows.md): a blueprint workflow whose mapping is a
 * JavaScript file of the blueprint. The file's function builds the graph (in a sandbox, from
 * the deployment and the parameters) at execution start; the engine runs it like a built-in graph.
 */
import type { DeploymentData } from '../../deployments/model';
import type { PlanWorkflow } from '../../dsl/plan';
import type { Entity } from '../../ports/model-store';
import type { WorkflowGraph } from '../graph';
import { assembleGraph } from './assemble';
import { CustomWorkflowError } from './errors';
import type { CustomWorkflowDeps } from './load';
import { loadDeployment, loadWorkflowSource } from './load';
import { customWorkflowMapping, functionParameters } from './mapping';
import { DEFAULT_LIMITS, runWorkflowFunction } from './sandbox';
import type { SandboxLimits } from './sandbox';

export { CustomWorkflowError } from './errors';
export { customWorkflowMapping } from './mapping';
export type { CustomWorkflowDeps } from './load';

/** Graph tasks a workflow function may produce, embedded built-ins included. */
export const MAX_CUSTOM_TASKS = 50000;

/**
 * The graph of a custom workflow, or a CustomWorkflowError saying why it cannot run (not
 * JavaScript, file missing, the function threw, timed out or described an invalid graph).
 */
export async function buildCustomWorkflowGraph(
  deps: CustomWorkflowDeps,
  deployment: Entity<DeploymentData>,
  workflowId: string,
  workflow: PlanWorkflow,
  parameters: Record<string, unknown>,
  limits: SandboxLimits = DEFAULT_LIMITS,
): Promise<WorkflowGraph> {
  const mapping = customWorkflowMapping(workflow);
  if (mapping.kind === 'unsupported') throw new CustomWorkflowError(mapping.reason);
  const [source, loaded] = await Promise.all([loadWorkflowSource(deps, deployment, mapping.path), loadDeployment(deps.store, deployment)]);
  const input = { workflowId, deploymentId: deployment.id, parameters: functionParameters(parameters), ...loaded.view };
  const description = await runWorkflowFunction(source, input, mapping.path, limits);
  return assembleGraph(workflowId, loaded.graph, description, MAX_CUSTOM_TASKS);
}
