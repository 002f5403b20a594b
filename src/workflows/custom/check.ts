/**
 * POST /executions for a workflow that is neither built in nor scale: it must be a workflow
 * function, and its function must build a valid graph for these parameters right now; otherwise
 * 400 `nonexistent_workflow_error` saying why (the execution is never created). The worker builds
 * the graph again when the execution starts (the deployment may change while it is queued).
 */
import type { DeploymentData } from '../../deployments/model';
import type { PlanWorkflow } from '../../dsl/plan';
import { apiError, ERROR_CODES } from '../../model/errors';
import type { Entity } from '../../ports/model-store';
import type { ResourceContext } from '../../resources/context';
import { buildCustomWorkflowGraph, CustomWorkflowError, customWorkflowMapping } from './index';

function cannotRun(workflowId: string, deployment: Entity<DeploymentData>, reason: string): Error {
  return apiError(400, ERROR_CODES.nonexistentWorkflow, `Workflow ${workflowId} of deployment ${deployment.id} cannot run on Stratus: ${reason}`);
}

/** Before parameters are checked: refuses Python workflows and other mappings Stratus cannot run. */
export function refuseUnsupportedWorkflow(workflowId: string, deployment: Entity<DeploymentData>, workflow: PlanWorkflow): void {
  const mapping = customWorkflowMapping(workflow);
  if (mapping.kind === 'unsupported') throw cannotRun(workflowId, deployment, mapping.reason);
}

/** After parameters are checked: builds the graph once, in the sandbox, and throws if that fails. */
export async function checkCustomWorkflow(context: ResourceContext, deployment: Entity<DeploymentData>, workflowId: string, workflow: PlanWorkflow, parameters: Record<string, unknown>): Promise<void> {
  try {
    await buildCustomWorkflowGraph({ store: context.store, files: context.files }, deployment, workflowId, workflow, parameters);
  } catch (err) {
    if (err instanceof CustomWorkflowError) throw cannotRun(workflowId, deployment, err.message);
    throw err;
  }
}
