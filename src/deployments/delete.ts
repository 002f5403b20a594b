/**
 * Deployment deletion (`DELETE /deployments/{id}?force=`). Without `force` it is refused while a
 * node instance is live (400 `dependent_exists_error`) or a user workflow is still active.
 *
 * The deletion is a `delete_deployment_environment` execution, as on Cloudify's manager. The API
 * runs it inline within a time budget (API Gateway gives a request 30 s): the deployment's nodes,
 * node instances and executions are deleted, then — in one transaction — the deployment itself,
 * its use of the blueprint and the execution record (terminated). A deployment too large to
 * finish in the budget (~10,000 instances) keeps what is left, and its execution is recorded
 * `pending` and sent to the workflow queue for the workflow engine to finish (deleting the rest
 * the same way); the answer is 204 either way, as Cloudify's is for its asynchronous deletion, and
 * the deployment disappears once the execution ends (`cfy` waits for that).
 */
import { apiError, ERROR_CODES } from '../model/errors';
import { KINDS } from '../model/kinds';
import type { Caller, ResourceContext } from '../resources/context';
import { nowIso } from '../resources/context';
import { deleteEntities } from '../resources/bulk';
import { deleteUsageOps, USAGE_KINDS } from '../resources/usage';
import { isEndState, newSystemExecution } from '../executions/records';
import type { ExecutionData } from '../executions/records';
import { enqueueExecution } from './create';
import { isLive } from './model';
import type { DeploymentData, Entity, NodeInstanceData } from './model';

const SHOWN_IDS = 10;
/** How long a request may spend deleting before the rest is left to the workflow engine. */
export const INLINE_DELETE_BUDGET_MS = 18_000;

function checkDeletable(id: string, instances: Entity<NodeInstanceData>[], executions: Entity<ExecutionData>[]): void {
  const live = instances.filter((instance) => isLive(instance.data.state)).map((instance) => instance.data.id);
  if (live.length > 0) {
    throw apiError(
      400,
      ERROR_CODES.dependentExists,
      `Can't delete deployment ${id} - There are live nodes for this deployment. Live nodes ids: ${live.slice(0, SHOWN_IDS).join(',')}${live.length > SHOWN_IDS ? ',...' : ''}`,
    );
  }
  const running = executions.filter((execution) => !execution.data.is_system_workflow && !isEndState(execution.data.status)).map((execution) => execution.id);
  if (running.length > 0) {
    throw apiError(400, ERROR_CODES.dependentExists, `Can't delete deployment ${id} - There are running or queued executions for this deployment. Running executions ids: ${running.join(',')}`);
  }
}

/**
 * Deletes what belongs to the deployment and then the deployment, unless `deadline` passes first.
 * Returns whether it finished. Safe to run again (by the workflow engine) on a partial deletion;
 * `progress`: some records are deleted even past the deadline (see deleteEntities).
 */
export async function finishDeploymentDeletion(context: Pick<ResourceContext, 'store' | 'now'>, deployment: Entity<DeploymentData>, record: Entity<ExecutionData> | ReturnType<typeof newSystemExecution>, deadline: number, progress = false): Promise<boolean> {
  const { store } = context;
  const { tenant, id } = deployment;
  const [instances, nodes, executions, modifications] = await Promise.all([
    store.all({ tenant, kind: KINDS.nodeInstance, parent: id }),
    store.all({ tenant, kind: KINDS.node, parent: id }),
    store.all<ExecutionData>({ tenant, kind: KINDS.execution, parent: id }),
    store.all({ tenant, kind: KINDS.deploymentModification, parent: id }),
  ]);
  const children = [...modifications, ...executions.filter((execution) => execution.id !== record.id), ...instances, ...nodes];
  if (!(await deleteEntities(store, children, deadline, progress))) return false;
  const now = nowIso(context);
  const finished = { ...record.data, status: 'terminated' as const, started_at: record.data.started_at ?? now, ended_at: now };
  await store.transact([
    { type: 'delete', ref: deployment },
    ...deleteUsageOps(USAGE_KINDS.blueprint, [{ tenant: deployment.data.blueprint_tenant, id: deployment.data.blueprint_id }], { tenant, id }),
    'version' in record
      ? { type: 'update', update: { ref: record, expectedVersion: record.version, data: finished } }
      : { type: 'create', entity: { ...record, data: finished } },
  ]);
  return true;
}

export async function deleteDeployment(context: ResourceContext, caller: Caller, deployment: Entity<DeploymentData>, force: boolean): Promise<void> {
  const { store } = context;
  const deadline = Date.now() + INLINE_DELETE_BUDGET_MS;
  const id = deployment.id;
  if (!force) {
    const [instances, executions] = await Promise.all([
      store.all<NodeInstanceData>({ tenant: caller.tenant, kind: KINDS.nodeInstance, parent: id }),
      store.all<ExecutionData>({ tenant: caller.tenant, kind: KINDS.execution, parent: id }),
    ]);
    checkDeletable(id, instances, executions);
  }
  const record = newSystemExecution({
    tenant: caller.tenant,
    workflowId: 'delete_deployment_environment',
    deploymentId: id,
    blueprintId: deployment.data.blueprint_id,
    createdBy: caller.username,
    status: 'started',
    parameters: { deployment_id: id, force },
    now: nowIso(context),
  });
  if (await finishDeploymentDeletion(context, deployment, record, deadline)) return;
  // Too large to finish now: the workflow engine takes over (finishDeploymentDeletion again).
  const pending = await store.create<ExecutionData>({ ...record, data: { ...record.data, status: 'pending', started_at: null } });
  await store.modify<DeploymentData>(deployment, (current) => ({ ...current.data, latest_execution: pending.id, latest_execution_status: 'in_progress', updated_at: nowIso(context) }));
  await enqueueExecution(context, caller.tenant, pending.id, pending.data);
}
