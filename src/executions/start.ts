/**
 * The part of `POST /executions` the REST issue owns: a deployment whose environment is still
 * being created cannot run workflows yet (`deployment_environment_creation_pending_error` while its
 * `create_deployment_environment` execution waits, `..._in_progress_error` while it runs, and
 * `deployment_creation_error` when it failed). Past that, the request is recorded as a `pending`
 * execution (or `queued` behind an active one when `queue` is set; `force` runs it anyway;
 * otherwise 400 `existing_running_execution_error`) and sent to the workflow queue; validating parameters and
 * running the workflow is the workflow engine's (it reads the record).
 */
import { randomUUID } from 'node:crypto';
import { apiError, badParameters, ERROR_CODES } from '../model/errors';
import { KINDS } from '../model/kinds';
import { parseBoolean } from '../api/list/query';
import type { Entity } from '../ports/model-store';
import type { Caller, ResourceContext } from '../resources/context';
import { nowIso } from '../resources/context';
import type { DeploymentData } from '../deployments/model';
import { enqueueExecution } from '../deployments/create';
import { isEndState, WAITING_STATES } from './records';
import type { ExecutionData } from './records';

export interface StartRequest {
  deploymentId: string;
  workflowId: string;
  parameters: Record<string, unknown>;
  allowCustomParameters: boolean;
  force: boolean;
  dryRun: boolean;
  queue: boolean;
}

function flag(body: Record<string, unknown>, name: string): boolean {
  const value = body[name];
  return value === undefined || value === null ? false : parseBoolean(value, name);
}

export function readStartRequest(body: Record<string, unknown>): StartRequest {
  const { deployment_id: deploymentId, workflow_id: workflowId, parameters } = body;
  if (typeof deploymentId !== 'string' || deploymentId === '') throw badParameters('`deployment_id` is required');
  if (typeof workflowId !== 'string' || workflowId === '') throw badParameters('`workflow_id` is required');
  if (parameters !== undefined && parameters !== null && (typeof parameters !== 'object' || Array.isArray(parameters))) {
    throw badParameters('`parameters` must be a dict');
  }
  return {
    deploymentId,
    workflowId,
    parameters: (parameters as Record<string, unknown> | null | undefined) ?? {},
    allowCustomParameters: flag(body, 'allow_custom_parameters'),
    force: flag(body, 'force'),
    dryRun: flag(body, 'dry_run'),
    queue: flag(body, 'queue'),
  };
}

/** Refuses workflows on a deployment whose environment is not created (yet). */
export async function checkEnvironmentCreated(context: ResourceContext, deployment: Entity<DeploymentData>): Promise<void> {
  const create = await context.store.get<ExecutionData>({ kind: KINDS.execution, tenant: deployment.tenant, id: deployment.data.create_execution });
  const status = create?.data.status ?? 'terminated';
  if (status === 'terminated') return;
  if (status === 'pending' || WAITING_STATES.includes(status)) {
    throw apiError(400, ERROR_CODES.deploymentEnvironmentCreationPending, `Deployment environment creation is still pending for deployment ${deployment.id}; try again when its create_deployment_environment execution has finished`);
  }
  if (status === 'failed' || status === 'cancelled') {
    throw apiError(400, ERROR_CODES.deploymentCreation, `Deployment environment creation of ${deployment.id} ${status}: ${create?.data.error || 'no details'}; delete the deployment and create it again`);
  }
  throw apiError(400, ERROR_CODES.deploymentEnvironmentCreationInProgress, `Deployment environment creation is in progress for deployment ${deployment.id}`);
}

export async function startExecution(context: ResourceContext, caller: Caller, deployment: Entity<DeploymentData>, request: StartRequest): Promise<Entity<ExecutionData>> {
  await checkEnvironmentCreated(context, deployment);
  if (!Object.prototype.hasOwnProperty.call(deployment.data.workflows, request.workflowId)) {
    throw apiError(400, ERROR_CODES.nonexistentWorkflow, `Workflow ${request.workflowId} does not exist in deployment ${deployment.id}`);
  }
  const others = await context.store.all<ExecutionData>({ tenant: deployment.tenant, kind: KINDS.execution, parent: deployment.id });
  const active = others.filter((execution) => !isEndState(execution.data.status) && !execution.data.is_system_workflow);
  if (active.length > 0 && !request.queue && !request.force) {
    throw apiError(
      400,
      ERROR_CODES.existingRunningExecution,
      `The following executions are currently running for this deployment: ${active.map((execution) => execution.id).join(', ')}. To execute this workflow anyway, pass "force=true" as a query parameter to this request`,
    );
  }
  const now = nowIso(context);
  const queued = active.length > 0 && !request.force;
  const created = await context.store.create<ExecutionData>({
    kind: KINDS.execution,
    tenant: deployment.tenant,
    id: randomUUID(),
    parent: deployment.id,
    data: {
      workflow_id: request.workflowId,
      deployment_id: deployment.id,
      blueprint_id: deployment.data.blueprint_id,
      status: queued ? 'queued' : 'pending',
      error: '',
      parameters: request.parameters,
      is_system_workflow: false,
      is_dry_run: request.dryRun,
      started_at: null,
      ended_at: null,
      scheduled_for: null,
      total_operations: 0,
      finished_operations: 0,
      allow_custom_parameters: request.allowCustomParameters,
      resume: false,
      visibility: 'tenant',
      created_by: caller.username,
    },
  });
  if (!queued) {
    await context.store.modify<DeploymentData>(deployment, (current) => ({
      ...current.data,
      latest_execution: created.id,
      latest_execution_status: 'in_progress',
      latest_execution_total_operations: 0,
      latest_execution_finished_operations: 0,
      updated_at: now,
    }));
    await enqueueExecution(context, deployment.tenant, created.id, created.data);
  }
  return created;
}

