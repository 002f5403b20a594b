/**
 * The REST side of executions (reference/cloudify-rest-api.md, "Executions"): starting one
 * (workflow known and runnable, parameters checked against its schema, dry run, queue, force,
 * scheduled_time, wait_after_fail) and the actions on one (cancel, force-cancel, kill, resume,
 * force-resume, requeue) with the reference's transitions and codes. These write the execution
 * record and hand the work to the workflow queue; the engine does the rest.
 */
import { randomUUID } from 'node:crypto';
import { DslError, prepareExecutionParameters } from '../../dsl';
import type { Dict } from '../../dsl';
import type { DeploymentData } from '../../deployments/model';
import { deploymentEvaluationContext } from '../../deployments/evaluation';
import type { SecretReader } from '../../deployments/evaluation';
import { enqueueExecution } from '../../deployments/create';
import { checkEnvironmentCreated, readStartRequest } from '../../executions/start';
import type { ExecutionData, ExecutionStatus } from '../../executions/records';
import { isEndState } from '../../executions/records';
import { cancelModeOf, sendExecutionCancel, sendExecutionStart } from '../../executions/queue';
import { apiError, badParameters, conflict, ERROR_CODES, illegalAction } from '../../model/errors';
import { KINDS } from '../../model/kinds';
import type { Entity } from '../../ports/model-store';
import type { Caller, ResourceContext } from '../../resources/context';
import { nowIso } from '../../resources/context';
import { builtinWorkflow, isScaleWorkflow } from '../builtins';
import { WorkflowGraphError } from '../errors';
import { checkCustomWorkflow, refuseUnsupportedWorkflow } from '../custom/check';
import { scaleParamsFrom } from '../scale';
import { loadScaleDeployment, planScaleOf, startedModificationsError, unfinishedModifications } from './scale-run';

const ACTIVE: ExecutionStatus[] = ['pending', 'started', 'cancelling', 'force_cancelling', 'kill_cancelling'];

function optionalNumber(body: Record<string, unknown>, name: string): number | null {
  const value = body[name];
  if (value === undefined || value === null || value === '') return null;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) throw badParameters(`\`${name}\` must be a non-negative number of seconds`);
  return number;
}

function scheduledTime(body: Record<string, unknown>, now: Date): string | null {
  const value = body.scheduled_time;
  if (value === undefined || value === null || value === '') return null;
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(at)) throw badParameters(`\`scheduled_time\` must be a date and time (ISO 8601), got ${JSON.stringify(value)}`);
  return at > now.getTime() ? new Date(at).toISOString() : null;
}

/**
 * A scale is planned once here against the deployment as it is, so an unknown entity, a bad delta
 * or a count outside the entity's min/max is refused at once (400, the error's code); the worker
 * plans again when it runs (the deployment may have changed while it was queued).
 */
async function checkScale(context: ResourceContext, deployment: Entity<DeploymentData>, parameters: Dict, request: { force: boolean; dryRun: boolean }): Promise<void> {
  let plan;
  try {
    plan = planScaleOf(await loadScaleDeployment(context.store, deployment), parameters);
  } catch (err) {
    if (err instanceof WorkflowGraphError) throw apiError(400, err.errorCode === 'bad_parameters_error' ? ERROR_CODES.badParameters : ERROR_CODES.illegalExecutionParameters, err.message);
    throw err;
  }
  if (plan.modification && !request.dryRun && !scaleParamsFrom(parameters).abort_started) await refuseStartedModifications(context, deployment, request.force);
}

/**
 * Unfinished deployment modifications of earlier scales refuse a scale (Cloudify's
 * existing_started_deployment_modification_error) unless it has abort_started (the worker then
 * rolls them back first). Not one of an execution still running when the new scale waits for it
 * (queued, not forced): that execution settles it when it ends.
 */
async function refuseStartedModifications(context: ResourceContext, deployment: Entity<DeploymentData>, force: boolean): Promise<void> {
  let unfinished = await unfinishedModifications(context.store, deployment);
  if (unfinished.length > 0 && !force) {
    const executions = await context.store.all<ExecutionData>({ tenant: deployment.tenant, kind: KINDS.execution, parent: deployment.id });
    const running = new Set(executions.filter((execution) => ACTIVE.includes(execution.data.status)).map((execution) => execution.id));
    unfinished = unfinished.filter((modification) => !running.has(modification.data.execution_id));
  }
  if (unfinished.length > 0) throw apiError(400, ERROR_CODES.existingStartedDeploymentModification, startedModificationsError(deployment.id, unfinished).message);
}

export async function startWorkflowExecution(
  context: ResourceContext,
  caller: Caller,
  deployment: Entity<DeploymentData>,
  body: Record<string, unknown>,
  secrets: SecretReader,
): Promise<Entity<ExecutionData>> {
  const request = readStartRequest(body);
  const now = context.now();
  const scheduledFor = scheduledTime(body, now);
  const waitAfterFail = optionalNumber(body, 'wait_after_fail');
  await checkEnvironmentCreated(context, deployment);
  const workflow = Object.hasOwn(deployment.data.workflows, request.workflowId) ? deployment.data.workflows[request.workflowId] : undefined;
  if (!workflow) throw apiError(400, ERROR_CODES.nonexistentWorkflow, `Workflow ${request.workflowId} does not exist in deployment ${deployment.id}`);
  const scale = isScaleWorkflow(workflow.plugin, workflow.operation);
  // Not built in: a workflow function of the blueprint (src/workflows/custom), or refused saying why.
  const custom = scale || builtinWorkflow(workflow.plugin, workflow.operation) ? undefined : workflow;
  if (custom) refuseUnsupportedWorkflow(request.workflowId, deployment, custom);
  let parameters: Dict;
  try {
    parameters = await prepareExecutionParameters({ data_types: {} }, request.workflowId, workflow, request.parameters as Dict, {
      allowCustomParameters: request.allowCustomParameters,
      context: deploymentEvaluationContext({ store: context.store, secrets }, deployment),
    });
  } catch (err) {
    if (err instanceof DslError) throw apiError(400, ERROR_CODES.illegalExecutionParameters, err.message);
    throw err;
  }
  if (scale) await checkScale(context, deployment, parameters, request);
  if (custom) await checkCustomWorkflow(context, deployment, request.workflowId, custom, parameters);
  const others = await context.store.all<ExecutionData>({ tenant: deployment.tenant, kind: KINDS.execution, parent: deployment.id });
  const active = others.filter((execution) => ACTIVE.includes(execution.data.status) && !execution.data.is_system_workflow);
  if (active.length > 0 && !request.queue && !request.force && !scheduledFor) {
    throw apiError(
      400,
      ERROR_CODES.existingRunningExecution,
      `The following executions are currently running for this deployment: ${active.map((execution) => execution.id).join(', ')}. To execute this workflow anyway, pass "force=true" as a query parameter to this request`,
    );
  }
  const status: ExecutionStatus = scheduledFor ? 'scheduled' : active.length > 0 && !request.force ? 'queued' : 'pending';
  const data: ExecutionData & { wait_after_fail?: number } = {
    workflow_id: request.workflowId,
    deployment_id: deployment.id,
    blueprint_id: deployment.data.blueprint_id,
    status,
    error: '',
    parameters,
    is_system_workflow: false,
    is_dry_run: request.dryRun,
    started_at: null,
    ended_at: null,
    scheduled_for: scheduledFor,
    total_operations: 0,
    finished_operations: 0,
    allow_custom_parameters: request.allowCustomParameters,
    resume: false,
    visibility: 'tenant',
    created_by: caller.username,
    ...(waitAfterFail !== null ? { wait_after_fail: waitAfterFail } : {}),
  };
  const created = await context.store.create<ExecutionData>({ kind: KINDS.execution, tenant: deployment.tenant, id: randomUUID(), parent: deployment.id, data });
  if (status === 'pending') {
    await context.store.modify<DeploymentData>(deployment, (current) => ({
      ...current.data,
      latest_execution: created.id,
      latest_execution_status: 'in_progress',
      latest_execution_total_operations: 0,
      latest_execution_finished_operations: 0,
      updated_at: nowIso(context),
    }));
  }
  // Queued and scheduled executions go to the worker too: it registers their wake-up.
  await enqueueExecution(context, deployment.tenant, created.id, created.data);
  return created;
}

export type ExecutionAction = 'cancel' | 'force-cancel' | 'kill' | 'resume' | 'force-resume' | 'requeue';
const ACTIONS: readonly string[] = ['cancel', 'force-cancel', 'kill', 'resume', 'force-resume', 'requeue'];

export function readAction(body: Record<string, unknown>): ExecutionAction {
  const action = body.action;
  if (typeof action !== 'string' || !ACTIONS.includes(action)) throw badParameters(`\`action\` must be one of ${ACTIONS.join(', ')}, got ${JSON.stringify(action)}`);
  return action as ExecutionAction;
}

/** The status an action moves to from `from`, or the error it gets (reference transitions). */
function transition(action: ExecutionAction, from: ExecutionStatus): { to: ExecutionStatus } | { error: 'illegal' | 'conflict' } {
  switch (action) {
    case 'cancel':
      if (from === 'scheduled' || from === 'queued') return { to: 'cancelled' };
      return from === 'pending' || from === 'started' ? { to: 'cancelling' } : { error: 'illegal' };
    case 'force-cancel':
      if (from === 'scheduled' || from === 'queued') return { to: 'cancelled' };
      return from === 'pending' || from === 'started' || from === 'cancelling' ? { to: 'force_cancelling' } : { error: 'illegal' };
    case 'kill':
      if (from === 'scheduled' || from === 'queued') return { to: 'cancelled' };
      return isEndState(from) ? { error: 'illegal' } : { to: 'kill_cancelling' };
    case 'resume':
      return from === 'started' || from === 'failed' || from === 'cancelled' ? { to: 'pending' } : { error: 'conflict' };
    case 'force-resume':
      return from === 'failed' || from === 'cancelled' ? { to: 'pending' } : { error: 'conflict' };
    case 'requeue':
      return from === 'queued' ? { to: 'queued' } : { error: 'conflict' };
  }
}

export async function executionAction(context: ResourceContext, execution: Entity<ExecutionData>, action: ExecutionAction): Promise<Entity<ExecutionData>> {
  const ref = { kind: KINDS.execution, tenant: execution.tenant, id: execution.id };
  let target: ExecutionStatus | undefined;
  const updated = await context.store.modify<ExecutionData>(ref, (current) => {
    const step = transition(action, current.data.status);
    if ('error' in step) {
      const message = `Cannot ${action} execution ${execution.id}: its status is ${current.data.status}`;
      throw step.error === 'illegal' ? illegalAction(message) : conflict(message);
    }
    target = step.to;
    if (step.to === current.data.status) return undefined;
    const resuming = action === 'resume' || action === 'force-resume';
    return {
      ...current.data,
      status: step.to,
      ...(resuming ? { resume: true, error: '', ended_at: null } : {}),
      ...(step.to === 'cancelled' ? { ended_at: nowIso(context) } : {}),
    };
  });
  const cancel = target && cancelModeOf(target);
  if (cancel) {
    await sendExecutionCancel(context.queues, context.startResend, execution.tenant, execution.id, cancel);
  } else if (target === 'pending' || target === 'queued') {
    if (target === 'pending' && updated.data.deployment_id) {
      await context.store.modify<DeploymentData>({ kind: KINDS.deployment, tenant: execution.tenant, id: updated.data.deployment_id }, (current) => ({
        ...current.data,
        latest_execution: execution.id,
        latest_execution_status: 'in_progress',
      }));
    }
    // A resume is `pending` again: its start gets a re-send wake-up too.
    await sendExecutionStart(context.queues, context.startResend, execution.tenant, execution.id, updated.data);
  }
  return updated;
}
