/**
 * The executions routes: `GET /executions` (filters; system workflows only with
 * `_include_system_workflows=true`), `GET /executions/{id}` (progress of a running execution read
 * from the engine's header when an operation store is wired), `POST /executions` and the actions
 * `POST /executions/{id}` (src/workflows/engine/requests.ts).
 */
import { badParameters, entityNotFound } from '../model/errors';
import { validateId } from '../model/ids';
import { KINDS } from '../model/kinds';
import type { ResourceContext } from '../resources/context';
import { EXECUTION_FIELDS, isEndState, renderExecution } from '../executions/records';
import type { ExecutionData } from '../executions/records';
import { executionAction, readAction, startWorkflowExecution } from '../workflows/engine/requests';
import type { Entity } from '../ports/model-store';
import { secured } from './auth/secured';
import { queryBoolean, readJsonBody } from './body';
import type { ApiServices } from './dependencies';
import { findVisibleDeployment } from './deployments';
import { jsonResponse } from './http';
import { listEntities, listResponse, parseInclude, parseListQuery, project } from './list';
import type { ListResource } from './list';
import { canSee } from './resource-fields';
import type { Route } from './router';
import { listTenants } from './scope';

const BASE = '/api/v3.1/executions';

export function executionRoutes(services: ApiServices, context: ResourceContext): Route[] {
  const { auth, store, secrets } = services;
  const operations = services.deps.operations;
  /** A running execution's counters live in the engine's header; the record has them once it ends. */
  const withProgress = async (execution: Entity<ExecutionData>): Promise<Entity<ExecutionData>> => {
    if (!operations || isEndState(execution.data.status)) return execution;
    const header = await operations.getHeader({ tenant: execution.tenant, executionId: execution.id });
    if (!header) return execution;
    return { ...execution, data: { ...execution.data, total_operations: header.totalOperations, finished_operations: header.finishedOperations } };
  };
  const listResource: ListResource<ExecutionData> = {
    kind: KINDS.execution,
    fields: EXECUTION_FIELDS,
    parentField: 'deployment_id',
    render: renderExecution,
  };

  return [
    {
      method: 'GET',
      pattern: BASE,
      handler: secured(auth, async (request, caller) => {
        const includeSystem = queryBoolean(request, '_include_system_workflows', false);
        const query = parseListQuery(request.query, listResource);
        const visible = (entity: Entity<ExecutionData>) => (includeSystem || !entity.data.is_system_workflow) && (caller.isAdmin || canSee(entity, caller));
        const scoped = { ...listResource, visible, hidesUnrestricted: !includeSystem };
        const result = await listEntities(store, scoped, { tenants: await listTenants(services, caller, query.allTenants) }, query);
        return listResponse(result.items, result.total, query.size, query.offset);
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        const include = parseInclude(request.query, EXECUTION_FIELDS);
        const execution = await store.get<ExecutionData>({ kind: KINDS.execution, tenant: caller.tenant, id: validateId(request.params.id, 'execution id') });
        if (!execution || !canSee(execution, caller)) throw entityNotFound('Execution', request.params.id);
        return jsonResponse(200, project(renderExecution(await withProgress(execution)), include));
      }),
    },
    {
      method: 'POST',
      pattern: BASE,
      handler: secured(auth, async (request, caller) => {
        const body = readJsonBody(request, { required: true });
        const deploymentId = body.deployment_id;
        if (typeof deploymentId !== 'string' || deploymentId === '') throw badParameters('`deployment_id` is required');
        const deployment = await findVisibleDeployment(context, caller, deploymentId);
        if (deployment.tenant !== caller.tenant) throw badParameters(`Deployment ${deployment.id} belongs to tenant ${deployment.tenant}: run its workflows from there`);
        return jsonResponse(201, renderExecution(await startWorkflowExecution(context, caller, deployment, body, secrets.lookup(caller.tenant))));
      }),
    },
    {
      method: 'POST',
      pattern: `${BASE}/{id}`,
      handler: secured(auth, async (request, caller) => {
        const action = readAction(readJsonBody(request, { required: true }));
        const execution = await store.get<ExecutionData>({ kind: KINDS.execution, tenant: caller.tenant, id: validateId(request.params.id, 'execution id') });
        if (!execution || !canSee(execution, caller)) throw entityNotFound('Execution', request.params.id);
        return jsonResponse(200, renderExecution(await executionAction(context, execution, action)));
      }),
    },
  ];
}
