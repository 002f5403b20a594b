/**
 * Deployment creation (`PUT /deployments/{id}`), as Cloudify's manager does it but fitted to API
 * Gateway's 30 s: inputs are checked and the plan prepared by the DSL engine (missing/unknown
 * inputs, constraint violations and statically named secrets that do not exist → the reference's
 * error codes), the plugins the blueprint needs must be uploaded (unless skipped), then the nodes
 * and node instances are written, and finally — in one transaction — the deployment, its
 * `create_deployment_environment` execution (`pending`) and its use of the blueprint. The
 * deployment entity is written last, so a deployment is never visible without its nodes; if that
 * last step fails the nodes and instances are deleted again, and leftovers of an interrupted
 * attempt are removed before the next one. The execution is then sent to the workflow queue; until
 * it has `terminated`, `POST /executions` answers `deployment_environment_creation_*` errors.
 */
import { DslError, prepareDeployment } from '../dsl';
import type { DeploymentNode, DeploymentPlan, Dict, Plan, PlanPlugin } from '../dsl';
import { ApiError } from '../api/errors';
import { alreadyExists, apiError, badParameters, entityNotFound, ERROR_CODES } from '../model/errors';
import { KINDS } from '../model/kinds';
import type { Entity, NewEntity, WriteOp } from '../ports/model-store';
import { parseBoolean } from '../api/list/query';
import { visiblePlugins, versionMatches } from '../plugins/catalog';
import { blueprintPlan } from '../blueprints/service';
import type { BlueprintData } from '../blueprints/model';
import type { Caller, ResourceContext } from '../resources/context';
import { nowIso } from '../resources/context';
import { parseLabels, stampLabels } from '../resources/labels';
import type { LabelInput } from '../resources/labels';
import { deleteEntities } from '../resources/bulk';
import { createUsageOps, USAGE_KINDS } from '../resources/usage';
import { parseVisibility } from '../resources/visibility';
import type { Visibility } from '../resources/visibility';
import { newSystemExecution } from '../executions/records';
import { newInstanceEntity } from './instance-entity';
import type { ExecutionData } from '../executions/records';
import { sendExecutionStart } from '../executions/queue';
import { nodeStoreId } from './model';
import type { DeploymentData, NodeData } from './model';
import { typesPresent } from './workflows';
import { agentRequirementProblems } from '../agents/requirements';

export interface DeploymentRequest {
  blueprintId: string;
  inputs: Dict | null;
  visibility: Visibility;
  labels: LabelInput[];
  displayName: string | null;
  siteName: string | null;
  description: string | null;
  skipPluginsValidation: boolean;
  runtimeOnlyEvaluation: boolean;
}

const KNOWN_KEYS = new Set([
  'blueprint_id',
  'inputs',
  'visibility',
  'labels',
  'display_name',
  'site_name',
  'description',
  'skip_plugins_validation',
  'runtime_only_evaluation',
  'private_resource',
  // Sent by clients restoring snapshots or creating deployment groups; accepted and ignored.
  'created_at',
  'created_by',
  'workdir_zip',
  'policy_triggers',
  'policy_types',
  'groups',
  'scaling_groups',
  'outputs',
  'capabilities',
  'async_create',
]);

function flag(body: Dict, name: string): boolean {
  const value = body[name];
  return value === undefined || value === null ? false : parseBoolean(value, name);
}

function optionalText(body: Dict, name: string, max = 1024): string | null {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badParameters(`\`${name}\` must be a string`);
  if (value.length > max) throw badParameters(`\`${name}\` is longer than ${max} characters`);
  return value;
}

export function readDeploymentRequest(body: Dict): DeploymentRequest {
  for (const key of Object.keys(body)) if (!KNOWN_KEYS.has(key)) throw badParameters(`Unknown deployment parameter \`${key}\``);
  const blueprintId = body.blueprint_id;
  if (typeof blueprintId !== 'string' || blueprintId === '') throw badParameters('`blueprint_id` is required');
  const inputs = body.inputs;
  if (inputs !== undefined && inputs !== null && (typeof inputs !== 'object' || Array.isArray(inputs))) {
    throw badParameters('`inputs` must be a dict of input names to values');
  }
  const legacyPrivate = flag(body, 'private_resource');
  return {
    blueprintId,
    inputs: (inputs as Dict | undefined) ?? null,
    visibility: parseVisibility(body.visibility) ?? (legacyPrivate ? 'private' : 'tenant'),
    labels: parseLabels(body.labels),
    displayName: optionalText(body, 'display_name', 256),
    siteName: optionalText(body, 'site_name', 256),
    description: optionalText(body, 'description', 10000),
    skipPluginsValidation: flag(body, 'skip_plugins_validation'),
    runtimeOnlyEvaluation: flag(body, 'runtime_only_evaluation'),
  };
}

function dslToApi(err: DslError): ApiError {
  return new ApiError(400, err.errorCode === 'invalid_blueprint_error' ? ERROR_CODES.deploymentCreation : err.errorCode, err.message);
}

/** Plugins the deployment needs installed must be uploaded ones (Cloudify's deployment_plugin_not_found). */
async function checkPlugins(context: ResourceContext, caller: Caller, plan: Plan): Promise<void> {
  const needed = [...plan.deployment_plugins_to_install, ...plan.workflow_plugins_to_install, ...plan.host_agent_plugins_to_install].filter(
    (plugin: PlanPlugin) => plugin.install && plugin.package_name,
  );
  if (needed.length === 0) return;
  const available = await visiblePlugins(context.store, caller.tenant);
  for (const plugin of needed) {
    const spec = plugin.package_version ? `==${plugin.package_version}` : null;
    const found = available.some((candidate) => candidate.data.package_name === plugin.package_name && versionMatches(candidate.data.package_version, spec));
    if (!found) {
      throw apiError(
        400,
        ERROR_CODES.deploymentPluginNotFound,
        `Required plugin ${plugin.package_name}${plugin.package_version ? `, version ${plugin.package_version}` : ''} is not installed on the manager (upload it, or create the deployment with skip_plugins_validation)`,
      );
    }
  }
}

function nodeEntity(caller: Caller, id: string, blueprintId: string, visibility: Visibility, node: DeploymentNode): NewEntity<NodeData> {
  return {
    kind: KINDS.node,
    tenant: caller.tenant,
    id: nodeStoreId(id, node.id),
    parent: id,
    // Nodes and instances follow their deployment's visibility: hidden with it, counted with it.
    restricted: visibility === 'private',
    data: {
      id: node.id,
      deployment_id: id,
      blueprint_id: blueprintId,
      type: node.type,
      type_hierarchy: node.type_hierarchy,
      properties: node.properties,
      operations: node.operations as unknown as Dict,
      // The REST node keeps each relationship's operations, not its merged interfaces.
      relationships: node.relationships.map(({ source_interfaces: _s, target_interfaces: _t, ...relationship }) => relationship as unknown as Dict),
      plugins: node.plugins as unknown as Dict[],
      plugins_to_install: node.plugins_to_install as unknown as Dict[],
      host_id: node.host_id,
      number_of_instances: node.number_of_instances,
      planned_number_of_instances: node.planned_number_of_instances,
      deploy_number_of_instances: node.deploy_number_of_instances,
      min_number_of_instances: node.min_number_of_instances,
      max_number_of_instances: node.max_number_of_instances,
      visibility,
      created_by: caller.username,
    },
  };
}

/** Nodes and instances left by an attempt that died before its deployment entity was written. */
async function removeLeftovers(context: ResourceContext, caller: Caller, id: string): Promise<void> {
  const [nodes, instances] = await Promise.all([
    context.store.all({ tenant: caller.tenant, kind: KINDS.node, parent: id }),
    context.store.all({ tenant: caller.tenant, kind: KINDS.nodeInstance, parent: id }),
  ]);
  await deleteEntities(context.store, [...instances, ...nodes]);
}

export interface SecretChecker {
  has(key: string): Promise<boolean>;
}

export async function createDeployment(
  context: ResourceContext,
  caller: Caller,
  secrets: SecretChecker,
  id: string,
  request: DeploymentRequest,
  canSeeBlueprint: (blueprint: Entity<BlueprintData>) => boolean,
): Promise<Entity<DeploymentData>> {
  const ref = { kind: KINDS.deployment, tenant: caller.tenant, id };
  if (await context.store.find(ref)) throw alreadyExists('Deployment', id);
  const blueprint = await context.store.find<BlueprintData>({ kind: KINDS.blueprint, tenant: caller.tenant, id: request.blueprintId });
  if (!blueprint || !canSeeBlueprint(blueprint)) throw entityNotFound('Blueprint', request.blueprintId);
  if (blueprint.data.state !== 'uploaded') {
    throw apiError(400, ERROR_CODES.deploymentCreation, `Can't create deployment ${id}: blueprint ${blueprint.id} is not uploaded (its state is ${blueprint.data.state})`);
  }
  const plan = await blueprintPlan(context, blueprint);
  if (!plan) throw apiError(400, ERROR_CODES.deploymentCreation, `Blueprint ${blueprint.id} has no plan`);

  let prepared: DeploymentPlan;
  try {
    prepared = await prepareDeployment(plan, request.inputs, { secretExists: (name) => secrets.has(name), runtimeOnlyEvaluation: request.runtimeOnlyEvaluation });
  } catch (err) {
    if (err instanceof DslError) throw dslToApi(err);
    throw err;
  }
  // Hosts that need an agent Stratus cannot install (install_method remote: SSH from the manager).
  const agentProblems = agentRequirementProblems(prepared.nodes);
  if (agentProblems.length) throw apiError(400, ERROR_CODES.deploymentCreation, `Can't create deployment ${id}: ${agentProblems.map((p) => p.message).join('; ')}`);
  if (!request.skipPluginsValidation) await checkPlugins(context, caller, plan);

  const now = nowIso(context);
  const planLabels: LabelInput[] = Object.entries(prepared.labels ?? {}).flatMap(([key, { values }]) =>
    (values ?? []).filter((value): value is string => typeof value === 'string').map((value) => ({ key: key.toLowerCase(), value })),
  );
  const labels = [...request.labels, ...planLabels.filter((label) => !request.labels.some((given) => given.key === label.key && given.value === label.value))];
  const execution = newSystemExecution({
    tenant: caller.tenant,
    workflowId: 'create_deployment_environment',
    deploymentId: id,
    blueprintId: blueprint.id,
    createdBy: caller.username,
    status: 'pending',
    parameters: { blueprint_id: blueprint.id, deployment_id: id },
    now,
  });
  const deployment: NewEntity<DeploymentData> = {
    ...ref,
    // Listed under its blueprint: `GET /deployments?blueprint_id=` pages that blueprint's deployments only.
    parent: blueprint.id,
    global: request.visibility === 'global',
    // The store counts restricted entities per list block: lists of other users stay exact.
    restricted: request.visibility === 'private',
    data: {
      blueprint_id: blueprint.id,
      blueprint_tenant: blueprint.tenant,
      display_name: request.displayName ?? id,
      description: request.description ?? prepared.description ?? null,
      inputs: prepared.inputs,
      outputs: prepared.outputs,
      capabilities: prepared.capabilities,
      groups: prepared.groups,
      policy_types: prepared.policy_types,
      policy_triggers: prepared.policy_triggers,
      policies: prepared.policies,
      scaling_groups: prepared.scaling_groups,
      workflows: prepared.workflows,
      workflow_types_present: typesPresent(prepared.workflows, prepared.nodes),
      deployment_settings: prepared.deployment_settings,
      resource_tags: prepared.resource_tags ?? null,
      labels: stampLabels(labels, caller.username, now),
      site_name: request.siteName,
      runtime_only_evaluation: request.runtimeOnlyEvaluation,
      visibility: request.visibility,
      created_by: caller.username,
      updated_at: now,
      installation_status: 'inactive',
      create_execution: execution.id,
      latest_execution: execution.id,
      latest_execution_status: 'in_progress',
      latest_execution_total_operations: 0,
      latest_execution_finished_operations: 0,
    },
  };

  await removeLeftovers(context, caller, id);
  const children = await context.store.createMany([
    ...prepared.nodes.map((node) => nodeEntity(caller, id, blueprint.id, request.visibility, node)),
    ...prepared.node_instances.map((instance) => newInstanceEntity({ tenant: caller.tenant, deploymentId: id, visibility: request.visibility, createdBy: caller.username }, instance)),
  ]);
  let created: Entity<DeploymentData>;
  try {
    const ops: WriteOp[] = [
      { type: 'create', entity: deployment },
      { type: 'create', entity: execution },
      ...createUsageOps(USAGE_KINDS.blueprint, [blueprint], { tenant: caller.tenant, id }),
      // The blueprint may not be deleted while its deployment is being created.
      { type: 'check', ref: blueprint, expectedVersion: blueprint.version },
    ];
    created = (await context.store.transact(ops))[0] as Entity<DeploymentData>;
  } catch (err) {
    await deleteEntities(context.store, children);
    throw err;
  }
  await enqueueExecution(context, caller.tenant, execution.id, execution.data);
  return created;
}

/**
 * Sends an execution to the workflow queue (a `pending` one with its re-send wake-up first); if
 * that fails the execution is marked failed.
 */
export async function enqueueExecution(context: ResourceContext, tenant: string, executionId: string, data: ExecutionData): Promise<void> {
  try {
    await sendExecutionStart(context.queues, context.startResend, tenant, executionId, data);
  } catch (err) {
    const message = `Could not queue the execution: ${err instanceof Error ? err.message : String(err)}`;
    await context.store
      .modify<ExecutionData>({ kind: KINDS.execution, tenant, id: executionId }, (current) => ({ ...current.data, status: 'failed', error: message, ended_at: nowIso(context) }))
      .catch(() => undefined);
    throw err;
  }
}
