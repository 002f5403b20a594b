/**
 * Deployment deletion (`DELETE /deployments/{id}?force=`). Without `force` it is refused while a
 * node instance is live (400 `dependent_exists_error`) or a user workflow is still active.
 * The deployment entity goes first (the deployment disappears at once), then its nodes, node
 * instances and executions, and its use of the blueprint; a `delete_deployment_environment`
 * execution is recorded (terminated) so the deletion shows in the execution history.
 */
import { apiError, ERROR_CODES } from '../model/errors';
import { KINDS } from '../model/kinds';
import type { Caller, ResourceContext } from '../resources/context';
import { nowIso } from '../resources/context';
import { deleteEntities } from '../resources/bulk';
import { deleteUsageOps, USAGE_KINDS } from '../resources/usage';
import { isEndState, newSystemExecution } from '../executions/records';
import type { ExecutionData } from '../executions/records';
import { isLive } from './model';
import type { DeploymentData, Entity, NodeInstanceData } from './model';

const SHOWN_IDS = 10;

export async function deleteDeployment(context: ResourceContext, caller: Caller, deployment: Entity<DeploymentData>, force: boolean): Promise<void> {
  const { store } = context;
  const id = deployment.id;
  const [instances, executions] = await Promise.all([
    store.all<NodeInstanceData>({ tenant: caller.tenant, kind: KINDS.nodeInstance, parent: id }),
    store.all<ExecutionData>({ tenant: caller.tenant, kind: KINDS.execution, parent: id }),
  ]);
  if (!force) {
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
  const now = nowIso(context);
  const record = newSystemExecution({
    tenant: caller.tenant,
    workflowId: 'delete_deployment_environment',
    deploymentId: null,
    blueprintId: deployment.data.blueprint_id,
    createdBy: caller.username,
    status: 'terminated',
    parameters: { deployment_id: id, force },
    now,
  });
  // Listed with the tenant's executions, not under the deployment that is going away.
  record.data.deployment_id = id;
  await store.transact([
    { type: 'delete', ref: deployment, expectedVersion: deployment.version },
    ...deleteUsageOps(USAGE_KINDS.blueprint, [{ tenant: deployment.data.blueprint_tenant, id: deployment.data.blueprint_id }], { tenant: caller.tenant, id }),
    { type: 'create', entity: record },
  ]);
  const nodes = await store.all({ tenant: caller.tenant, kind: KINDS.node, parent: id });
  await deleteEntities(store, [...executions, ...instances, ...nodes]);
}
