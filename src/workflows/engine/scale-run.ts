/**
 * The scale workflow (Cloudify's scale_entity) on the durable engine. The pure parts are
 * src/workflows/scale.ts (plan, graph, rollback graph); the model writes are
 * src/deployments/modifications.ts. This file decides when each happens:
 *
 * 1. build (under the engine's build claim): plan once (or reuse the stored modification after a
 *    crash), write the modification — new instances, planned count — in one transaction, then the
 *    graph: uninstall of the removed instances or install of the added ones. Unfinished
 *    modifications of earlier scales refuse it, or with abort_started are rolled back first.
 * 2. success (`__end__`): finish the modification (removed instances deleted, counts set).
 * 3. failure of a scale-out: instead of ending, `check` begins the rollback: the added instances'
 *    states are frozen into the modification, the rollback graph (their uninstall as far as they
 *    got, failures ignored) is persisted next to the failed graph under ROLLBACK_NAMESPACE and
 *    started; its end task ends the execution as failed.
 * 4. any other end (failed scale-in, cancel, kill, rollback done): the modification is rolled back
 *    in the model (added instances deleted, planned count restored) before the execution ends.
 * Every step moves the modification's status conditionally, so a redelivered message redoes at most
 * an idempotent part of it.
 */
import { DslError } from '../../dsl';
import type { PlannedNodeInstance } from '../../dsl/plan';
import { groupInstanceCount, nodeInstanceCount } from '../../dsl/instances/topology';
import type { DeploymentData, NodeData, NodeInstanceData } from '../../deployments/model';
import {
  abortModification,
  beginRollback,
  deploymentModifications,
  finishModification,
  getModification,
  isSettled,
  markRollbackStarted,
  resumeModification,
  rollbackModification,
  startModification,
} from '../../deployments/modifications';
import type { ModificationData } from '../../deployments/modifications';
import { cloudifyEvent } from '../../events/model';
import type { ExecutionData } from '../../executions/records';
import { KINDS } from '../../model/kinds';
import type { Entity, ModelStore } from '../../ports/model-store';
import type { ExecutionHeader, ExecutionKey } from '../../ports/operation-store';
import type { GraphDeployment, GraphNode } from '../deployment';
import { WorkflowGraphError } from '../errors';
import type { WorkflowGraph } from '../graph';
import { buildScaleGraph, buildScaleRollbackGraph, planScale, scaleParamsFrom } from '../scale';
import type { ScaleDeployment, ScalePlan } from '../scale';
import type { Engine } from './engine';
import { operationCount, persistGraph, ROLLBACK_NAMESPACE } from './persisted';

type StoredInstance = PlannedNodeInstance & { state: string };

/** The deployment as scale planning reads it: nodes with counts, scaling groups, instances with their states. */
export async function loadScaleDeployment(store: ModelStore, deployment: Entity<DeploymentData>): Promise<ScaleDeployment & { instances: StoredInstance[] }> {
  const [nodes, instances] = await Promise.all([
    store.all<NodeData>({ tenant: deployment.tenant, kind: KINDS.node, parent: deployment.id }),
    store.all<NodeInstanceData>({ tenant: deployment.tenant, kind: KINDS.nodeInstance, parent: deployment.id }),
  ]);
  return {
    nodes: nodes.map((node) => node.data as unknown as ScaleDeployment['nodes'][number]),
    scaling_groups: deployment.data.scaling_groups as unknown as ScaleDeployment['scaling_groups'],
    instances: instances.map(({ data }) => ({
      id: data.id,
      node_id: data.node_id,
      host_id: data.host_id,
      relationships: data.relationships as unknown as PlannedNodeInstance['relationships'],
      scaling_groups: data.scaling_groups ?? [],
      index: data.index,
      state: data.state,
    })),
  };
}

/** Plans a scale (checks the parameters, computes the modification); throws WorkflowGraphError for bad parameters. */
export function planScaleOf(deployment: ScaleDeployment, parameters: Record<string, unknown>): ScalePlan {
  try {
    return planScale(deployment, scaleParamsFrom(parameters));
  } catch (err) {
    // The DSL's modification errors (bounds, unknown entity) are bad parameters of the workflow.
    if (err instanceof DslError) throw new WorkflowGraphError(err.message, err.errorCode === 'bad_parameters_error' ? 'bad_parameters_error' : 'illegal_execution_parameters_error');
    throw err;
  }
}

function graphDeployment(deployment: ScaleDeployment, instances: StoredInstance[]): GraphDeployment {
  return { nodes: deployment.nodes as unknown as GraphNode[], instances };
}

function ignoreFailure(parameters: Record<string, unknown>): boolean {
  return scaleParamsFrom(parameters).ignore_failure ?? false;
}

/** The dry run's graph: planned over the deployment as it is, nothing written. */
export async function scaleDryRunGraph(store: ModelStore, deployment: Entity<DeploymentData>, execution: ExecutionData): Promise<WorkflowGraph> {
  const loaded = await loadScaleDeployment(store, deployment);
  const plan = planScaleOf(loaded, execution.parameters);
  return buildScaleGraph(graphDeployment(loaded, loaded.instances), plan.modification, { ignore_failure: ignoreFailure(execution.parameters) });
}

export interface ScaleBuild {
  graph: WorkflowGraph;
  /**
   * Writes the modification (once; resumes a partial write); call it under the build claim, before
   * the tasks can run. False when the modification was rolled back meanwhile (a kill): run nothing.
   */
  apply(): Promise<boolean>;
}

/** The message of a scale refused by unfinished modifications (the API's 400 and the worker's failure say the same). */
export function startedModificationsError(deploymentId: string, unfinished: Entity<ModificationData>[]): WorkflowGraphError {
  const list = unfinished.map((m) => `${m.id} (${m.data.status}, scale of ${m.data.entity} by ${m.data.after_count - m.data.before_count})`).join(', ');
  return new WorkflowGraphError(
    `Cannot start a deployment modification of deployment ${deploymentId} while unfinished deployment modifications exist: ${list}. ` +
      'Pass abort_started=true to roll them back (their added node instances are deleted, their counts restored) before this scale',
    'existing_started_deployment_modification_error',
  );
}

/** The deployment's modifications that are not finished or rolled back, but `except`'s own. */
export async function unfinishedModifications(store: ModelStore, deployment: Entity<DeploymentData>, except?: string): Promise<Entity<ModificationData>[]> {
  return (await deploymentModifications(store, deployment.tenant, deployment.id)).filter((m) => m.id !== except && !isSettled(m.data.status));
}

/**
 * Cloudify's abort_started: every unfinished modification of the deployment (but this scale's)
 * refuses the scale, or with abort_started is rolled back (newest first, so the count ends as the
 * oldest found it). `message` names those this scale aborted, also in an earlier build of it (a
 * takeover: they are marked aborted_by); `changed` when the model moved here.
 */
async function abortStarted(store: ModelStore, key: ExecutionKey, deployment: Entity<DeploymentData>, parameters: Record<string, unknown>): Promise<{ changed: boolean; message: string | null }> {
  const all = await deploymentModifications(store, key.tenant, deployment.id);
  const unfinished = all.filter((m) => m.id !== key.executionId && !isSettled(m.data.status));
  if (unfinished.length > 0 && !scaleParamsFrom(parameters).abort_started) throw startedModificationsError(deployment.id, unfinished);
  const now = new Date().toISOString();
  const results = new Map<string, Entity<ModificationData>>();
  for (const record of [...unfinished].sort((a, b) => b.data.created_at.localeCompare(a.data.created_at))) {
    const after = await abortModification(store, key.tenant, record.id, key.executionId, now);
    if (after) results.set(after.id, after);
  }
  return { changed: results.size > 0, message: abortedMessage(all.map((m) => results.get(m.id) ?? m), key.executionId) };
}

/** The workflow event naming the modifications this scale aborted (null: none). */
function abortedMessage(modifications: Entity<ModificationData>[], executionId: string): string | null {
  const aborted = modifications.filter((m) => m.data.aborted_by === executionId);
  if (aborted.length === 0) return null;
  const list = aborted.map((m) => `${m.id} (${m.data.status === 'finished' ? 'a finish was under way: completed instead' : m.data.status})`).join(', ');
  return `abort_started: rolled back the unfinished deployment modification(s) started before this scale: ${list}`;
}

/** The graph with a workflow event per message (roots: sent when the scale starts). */
function withEvents(graph: WorkflowGraph, messages: string[]): WorkflowGraph {
  if (messages.length === 0) return graph;
  const events = messages.map((message, i) => ({ id: `abort_started_${i}`, kind: 'send_event' as const, dependencies: [], subgraph: 'abort_started', instance_id: null, node_id: null, ignore_failure: false, message }));
  return { ...graph, tasks: [...events, ...graph.tasks] };
}

/**
 * The graph of a scale execution and the write that starts its modification. After a crash the
 * stored modification is reused as it is: the same instance ids, the same graph.
 */
export async function prepareScaleBuild(store: ModelStore, key: ExecutionKey, deployment: Entity<DeploymentData>, execution: Entity<ExecutionData>): Promise<ScaleBuild> {
  let loaded = await loadScaleDeployment(store, deployment);
  let events: string[] = [];
  const options = { ignore_failure: ignoreFailure(execution.data.parameters) };
  const stored = await getModification(store, key.tenant, key.executionId);
  if (stored) {
    const apply = async () => (await resumeModification(store, key.tenant, key.executionId))?.data.status === 'applied';
    // A rebuild (takeover) after the write: what the first build aborted is announced all the same.
    const aborted = abortedMessage(await deploymentModifications(store, key.tenant, deployment.id), key.executionId);
    return { graph: withEvents(buildScaleGraph(graphDeployment(loaded, stored.data.before), stored.data.modification, options), aborted ? [aborted] : []), apply };
  }
  let plan = planScaleOf(loaded, execution.data.parameters);
  if (plan.modification) {
    // Unfinished modifications of earlier scales refuse this one, or (abort_started) are rolled back first.
    const aborted = await abortStarted(store, key, deployment, execution.data.parameters);
    if (aborted.changed) {
      deployment = (await store.get<DeploymentData>(deployment)) ?? deployment;
      loaded = await loadScaleDeployment(store, deployment);
      plan = planScaleOf(loaded, execution.data.parameters);
    }
    if (aborted.message) events = [aborted.message];
  }
  const graph = withEvents(buildScaleGraph(graphDeployment(loaded, loaded.instances), plan.modification, options), events);
  if (!plan.modification) return { graph, apply: async () => true };
  const group = Object.hasOwn(loaded.scaling_groups ?? {}, plan.entity);
  const node = loaded.nodes.find((n) => n.id === plan.entity);
  const beforeCount = group ? groupInstanceCount(plan.entity, loaded.scaling_groups[plan.entity]) : nodeInstanceCount(node!);
  const data: ModificationData = {
    deployment_id: deployment.id,
    execution_id: key.executionId,
    status: 'applying',
    entity: plan.entity,
    group,
    before_count: beforeCount,
    after_count: beforeCount + plan.delta,
    before: loaded.instances,
    modification: plan.modification,
    rollback_states: null,
    progress: null,
    rollback_if_failed: scaleParamsFrom(execution.data.parameters).rollback_if_failed ?? true,
    created_at: new Date().toISOString(),
    ended_at: null,
  };
  return { graph, apply: async () => (await startModification(store, deployment, data, execution.data.created_by)).data.status === 'applied' };
}

/** The rollback graph of a failed scale-out, from the states frozen when it began. */
function rollbackGraph(record: Entity<ModificationData>, nodes: GraphNode[]): WorkflowGraph {
  const before: GraphDeployment = { nodes, instances: record.data.before };
  return buildScaleRollbackGraph(before, record.data.modification, record.data.rollback_states ?? {}, { ignore_failure: true });
}

async function nodesOf(store: ModelStore, tenant: string, deploymentId: string): Promise<GraphNode[]> {
  return (await store.all<NodeData>({ tenant, kind: KINDS.node, parent: deploymentId })).map((node) => node.data as unknown as GraphNode);
}

async function addedStates(store: ModelStore, tenant: string, record: Entity<ModificationData>): Promise<Record<string, string>> {
  const instances = await store.all<NodeInstanceData>({ tenant, kind: KINDS.nodeInstance, parent: record.data.deployment_id });
  const added = new Set(record.data.modification.added.map((i) => i.id));
  return Object.fromEntries(instances.filter((i) => added.has(i.data.id)).map((i) => [i.data.id, i.data.state]));
}

/**
 * A failed scale-out that is about to end: begins (or, after a crash, continues) its rollback.
 * True when a rollback runs: the caller must not end the execution, the rollback's end does.
 */
export async function continueScaleRollback(engine: Engine, key: ExecutionKey, header: ExecutionHeader): Promise<boolean> {
  const { store, operations } = engine.deps;
  let record = await getModification(store, key.tenant, key.executionId);
  if (!record || record.data.modification.added.length === 0) return false;
  // rollback_if_failed: false: the execution fails and the added instances stay (settleScale keeps them).
  if (record.data.rollback_if_failed === false) return false;
  if (record.data.status === 'applied') {
    record = (await beginRollback(store, record, await addedStates(store, key.tenant, record))) ?? (await getModification(store, key.tenant, key.executionId))!;
  }
  if (record.data.status !== 'rolling_back' && record.data.status !== 'rollback_started') return false;
  const tasks = persistGraph(rollbackGraph(record, await nodesOf(store, key.tenant, record.data.deployment_id)), ROLLBACK_NAMESPACE);
  if (record.data.status === 'rolling_back') {
    // No rollback task has started yet (roots start only after the status moves on): writing them again is safe.
    await operations.putTasks(key, tasks);
    // The rollback's operations join the total once (named), so finished never exceeds total.
    await operations.addOperations(key, ROLLBACK_NAMESPACE, operationCount(tasks));
    await markRollbackStarted(store, key.tenant, key.executionId);
    await engine.emit([cloudifyEvent(engine.scope(header), 'workflow_event', `Scale out of ${record.data.entity} failed (${header.error}): rolling back the ${record.data.modification.added.length} added node instance(s)`)]);
  }
  await engine.startRoots(key, tasks);
  return true;
}

/**
 * Before a scale execution ends: its modification is finished (success, or a failed scale-out with
 * rollback_if_failed: false, whose added instances stay as far as they got) or rolled back (anything else).
 */
export async function settleScale(store: ModelStore, key: ExecutionKey, outcome: 'terminated' | 'failed' | 'cancelled'): Promise<void> {
  const record = await getModification(store, key.tenant, key.executionId);
  if (!record || record.data.status === 'finished' || record.data.status === 'rolledback') return;
  const now = new Date().toISOString();
  const keep = outcome === 'failed' && record.data.rollback_if_failed === false && record.data.modification.added.length > 0;
  if ((outcome === 'terminated' || keep) && record.data.status === 'applied') await finishModification(store, key.tenant, key.executionId, now);
  else await rollbackModification(store, key.tenant, key.executionId, now);
}

/** Whether an execution's scale was already settled (a settled scale cannot be resumed). */
export async function scaleSettled(store: ModelStore, key: ExecutionKey): Promise<ModificationData['status'] | null> {
  const record = await getModification(store, key.tenant, key.executionId);
  return record && (record.data.status === 'finished' || record.data.status === 'rolledback') ? record.data.status : null;
}
