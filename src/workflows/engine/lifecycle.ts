/**
 * An execution's life as the workflow worker drives it: build and start (or run a system
 * workflow, or a dry run), end (succeeded, failed, cancelled) with the execution record, the
 * deployment's latest_execution_* fields and the workflow_* event, cancel and resume, and the
 * queue: a queued execution starts when its deployment frees up, a scheduled one at its time.
 * Each step is idempotent and safe to repeat after a crash.
 */
import type { DeploymentData, NodeData, NodeInstanceData } from '../../deployments/model';
import { cloudifyEvent, cloudifyLog } from '../../events/model';
import type { ExecutionData, ExecutionStatus } from '../../executions/records';
import { cancelModeOf, executionCancelMessage, executionStartMessage } from '../../executions/queue';
import type { CancelMode } from '../../executions/queue';
import { finishDeploymentDeletion } from '../../deployments/delete';
import { isEndState } from '../../executions/records';
import { KINDS } from '../../model/kinds';
import type { Entity } from '../../ports/model-store';
import type { ExecutionHeader, ExecutionKey } from '../../ports/operation-store';
import { countOperations, describeGraph, formatDryRun } from '../analysis';
import { builtinWorkflow, isScaleWorkflow } from '../builtins';
import type { GraphDeployment, GraphNode } from '../deployment';
import { WorkflowGraphError } from '../errors';
import { buildCustomWorkflowGraph, CustomWorkflowError, customWorkflowMapping } from '../custom';
import type { Engine } from './engine';
import { rememberInstances } from './local-steps';
import { agentOperation, operationCount, persistGraph, releasesDependents } from './persisted';
import { continueScaleRollback, prepareScaleBuild, scaleDryRunGraph, scaleSettled, settleScale } from './scale-run';

/** How long one workflow-worker invocation spends deleting a deployment's records (its timeout is 300 s). */
const SYSTEM_WORKFLOWS = new Set(['create_deployment_environment', 'delete_deployment_environment', 'upload_blueprint', 'update_deployment']);
const ACTIVE: ExecutionStatus[] = ['pending', 'started', 'cancelling', 'force_cancelling', 'kill_cancelling'];
const CANCELLING: ExecutionStatus[] = ['cancelling', 'force_cancelling', 'kill_cancelling'];

function executionRef(key: ExecutionKey) {
  return { kind: KINDS.execution, tenant: key.tenant, id: key.executionId };
}

export class ExecutionLifecycle {
  constructor(private readonly engine: Engine) {}

  private get deps() {
    return this.engine.deps;
  }

  private nowIso(): string {
    return new Date((this.deps.now ?? Date.now)()).toISOString();
  }

  // ----- start -----

  async start(key: ExecutionKey): Promise<void> {
    const { store, operations } = this.deps;
    const execution = await store.get<ExecutionData>(executionRef(key));
    if (!execution) return;
    const status = execution.data.status;
    if (isEndState(status)) {
      // Ended (cancelled) while a build was claimed: end the header too, so nothing is built or re-sent.
      const header = await operations.getHeader(key);
      if (header?.status === 'building') await this.endBuild(key);
      return;
    }
    if (status === 'queued' || status === 'scheduled') return this.wake(key);
    const header = await operations.getHeader(key);
    if (status === 'cancelling' || status === 'force_cancelling' || status === 'kill_cancelling') {
      if (!header) await this.endModel(key, 'cancelled', '', 0, 0);
      else await this.cancel(key, status === 'cancelling' ? 'cancel' : status === 'kill_cancelling' ? 'kill' : 'force');
      return;
    }
    if (header) return this.continueStarted(key, execution, header);
    await this.build(key, execution);
  }

  private async continueStarted(key: ExecutionKey, execution: Entity<ExecutionData>, header: ExecutionHeader): Promise<void> {
    const { operations } = this.deps;
    const now = Date.now();
    if (header.status === 'building') {
      if (header.builderUntil >= now) throw new Error(`Execution ${key.executionId} is being built by another worker; retry later`);
      if (await operations.takeOverBuild(key, this.engine.newBuilderId(), now + this.claimMs(), now)) {
        // The claim expired: nothing ran yet, so building again from scratch is safe.
        return this.build(key, execution, (await operations.getHeader(key))!.builder);
      }
      return;
    }
    if (header.status === 'done') {
      if (execution.data.resume && execution.data.status === 'pending') return this.resume(key, header);
      return this.endModelFromHeader(header);
    }
    // running or cancelling: a redelivered start; make sure the roots were started, and the roots
    // that ran inline here released their dependents (the worker may have failed in between).
    if (execution.data.status === 'pending') await this.markStarted(key, execution, header.totalOperations);
    const tasks = await operations.listTasks(key);
    await this.engine.startRoots(
      key,
      tasks.filter((task) => task.state === 'waiting').map((task) => task.spec),
    );
    const seen = new Set<string>();
    for (const root of tasks.filter((task) => task.spec.dependencies.length === 0 && releasesDependents(task))) await this.engine.releaseAgain(key, root.spec, seen);
  }

  private async graphDeployment(tenant: string, deploymentId: string, executionId?: string): Promise<GraphDeployment> {
    const { store } = this.deps;
    const [nodes, instances] = await Promise.all([
      store.all<NodeData>({ tenant, kind: KINDS.node, parent: deploymentId }),
      store.all<NodeInstanceData>({ tenant, kind: KINDS.nodeInstance, parent: deploymentId }),
    ]);
    // The roots' state writes (run here) then skip their read; a stale one is refused and redone.
    if (executionId) rememberInstances(this.engine.instances, tenant, executionId, instances);
    return {
      nodes: nodes.map((node) => node.data as unknown as GraphNode),
      instances: instances.map((instance) => ({ id: instance.data.id, node_id: instance.data.node_id, host_id: instance.data.host_id, relationships: instance.data.relationships as never, state: instance.data.state })),
    };
  }

  private async build(key: ExecutionKey, execution: Entity<ExecutionData>, takenOverBy?: string): Promise<void> {
    const { store, operations, config } = this.deps;
    const data = execution.data;
    if (data.is_system_workflow || SYSTEM_WORKFLOWS.has(data.workflow_id)) return this.runSystemWorkflow(key, execution);
    const deployment = data.deployment_id ? await store.get<DeploymentData>({ kind: KINDS.deployment, tenant: key.tenant, id: data.deployment_id }) : undefined;
    if (!deployment) return this.failUnstarted(key, execution, `Deployment ${data.deployment_id} does not exist`);
    const workflow = deployment.data.workflows[data.workflow_id];
    const scale = workflow !== undefined && isScaleWorkflow(workflow.plugin, workflow.operation);
    const builder = workflow && !scale ? builtinWorkflow(workflow.plugin, workflow.operation) : undefined;
    // A workflow function of the blueprint (src/workflows/custom): its graph is built in a sandbox.
    const custom = workflow && !scale && !builder && customWorkflowMapping(workflow).kind === 'function' ? workflow : undefined;
    if (!workflow || (!builder && !scale && !custom)) {
      const what = workflow ? `${workflow.plugin}: ${workflow.operation}` : 'undeclared';
      return this.failUnstarted(key, execution, `nonexistent_workflow_error: workflow ${data.workflow_id} (${what}) cannot run on Stratus: only the built-in workflows run (custom workflow plugins and workflow scripts are not supported)`);
    }
    let graph;
    // A scale also writes its deployment modification, once the build claim is held (applyScale).
    let applyScale: (() => Promise<boolean>) | undefined;
    try {
      if (custom) graph = await buildCustomWorkflowGraph({ store, files: this.deps.files }, deployment, data.workflow_id, custom, data.parameters);
      else if (!scale) graph = builder!(await this.graphDeployment(key.tenant, deployment.id, key.executionId), data.parameters);
      else if (data.is_dry_run) graph = await scaleDryRunGraph(store, deployment, data);
      else ({ graph, apply: applyScale } = await prepareScaleBuild(store, key, deployment, execution));
    } catch (err) {
      if (err instanceof WorkflowGraphError) return this.failUnstarted(key, execution, err.message);
      if (err instanceof CustomWorkflowError) return this.failUnstarted(key, execution, `Workflow ${data.workflow_id} cannot run: ${err.message}`);
      throw err;
    }
    const scope = { tenant: key.tenant, executionId: key.executionId, workflowId: data.workflow_id, deploymentId: deployment.id, blueprintId: data.blueprint_id };
    if (data.is_dry_run) {
      const total = countOperations(graph);
      await this.engine.emit([
        cloudifyEvent(scope, 'workflow_started', `Starting '${data.workflow_id}' workflow execution (dry run)`),
        ...formatDryRun(describeGraph(graph)).split('\n').filter(Boolean).map((line) => cloudifyLog(scope, 'info', line)),
      ]);
      await this.markStarted(key, execution, total);
      await this.endModel(key, 'terminated', '', total, 0);
      return;
    }
    const tasks = persistGraph(graph);
    const builderId = takenOverBy ?? this.engine.newBuilderId();
    if (!takenOverBy) {
      const created = await operations.createHeader({
        tenant: key.tenant,
        executionId: key.executionId,
        deploymentId: deployment.id,
        blueprintId: data.blueprint_id,
        workflowId: data.workflow_id,
        status: 'building',
        outcome: null,
        builder: builderId,
        builderUntil: Date.now() + this.claimMs(),
        totalOperations: 0,
        finishedOperations: 0,
        error: null,
        failedAt: null,
        waitAfterFailMs: this.waitAfterFail(data) * 1000,
        maxRetries: config.maxRetries,
        retryIntervalSeconds: config.retryIntervalSeconds,
        generation: 0,
      });
      if (!created) return this.continueStarted(key, execution, (await operations.getHeader(key))!);
    }
    // A kill during the build rolled the modification back: its instances are gone, run nothing.
    if (applyScale && !(await applyScale())) {
      await this.endBuild(key);
      return this.endModel(key, 'cancelled', '', 0, 0);
    }
    this.deps.faultDuringBuild?.(key);
    // The claim must still be ours for a whole claim period while the tasks are written: a late
    // builder whose claim was taken over must not write tasks back to their initial state.
    if (!(await operations.holdBuild(key, builderId, Date.now() + this.claimMs()))) return;
    // A takeover builds the graph of the deployment as it is now: tasks an earlier builder wrote
    // for a graph that has changed since (nothing ran yet) go, so no resume can ever run them.
    if (takenOverBy) await this.dropStaleTasks(key, tasks);
    await operations.putTasks(key, tasks);
    const total = operationCount(tasks);
    // Cancelled or killed while building (its cancel found no header yet): end it, run nothing.
    const latest = await store.get<ExecutionData>(executionRef(key));
    if (!latest || isEndState(latest.data.status) || CANCELLING.includes(latest.data.status)) {
      await this.endBuild(key);
      return this.endModel(key, 'cancelled', '', 0, 0);
    }
    if (!(await operations.finishBuild(key, builderId, total))) return;
    await this.markStarted(key, execution, total);
    await this.engine.emit([cloudifyEvent(scope, 'workflow_started', `Starting '${data.workflow_id}' workflow execution`)]);
    await this.engine.startRoots(key, tasks);
  }

  private async dropStaleTasks(key: ExecutionKey, tasks: { id: string }[]): Promise<void> {
    const ids = new Set(tasks.map((task) => task.id));
    const stale = (await this.deps.operations.listTasks(key)).filter((task) => !ids.has(task.id)).map((task) => task.id);
    if (stale.length > 0) await this.deps.operations.deleteTasks(key, stale);
  }

  private claimMs(): number {
    return this.deps.config.buildClaimSeconds * 1000;
  }

  /**
   * A header still `building` ends cancelled (conditional: a build that finished meanwhile is
   * ended the usual way). Its builder's finishBuild then fails, so no task ever starts. A scale's
   * partial modification is rolled back after the header ended, so the build cannot run it.
   */
  private async endBuild(key: ExecutionKey): Promise<boolean> {
    const ended = await this.deps.operations.setHeaderStatus(key, ['building'], 'done', { outcome: 'cancelled', unbuilt: true });
    // Also when an earlier call ended it and stopped before settling (a redelivery).
    if (ended || (await this.deps.operations.getHeader(key))?.unbuilt) await settleScale(this.deps.store, key, 'cancelled');
    return ended;
  }

  /**
   * The sweeper found a build whose claim ended without the build finishing (its worker died and
   * its start message may be gone, e.g. dead-lettered): re-send the start, at most once per
   * re-send period. The start takes the build over (conditional) and builds the same graph.
   */
  async recoverBuild(key: ExecutionKey, now: number): Promise<boolean> {
    const { operations, config } = this.deps;
    const header = await operations.getHeader(key);
    if (!header || header.status !== 'building' || header.builderUntil >= now) return false;
    if (!(await operations.touchBuildDue(key, now, now + config.resendAfterSeconds * 1000))) return false;
    await this.deps.queues.send('workflow', executionStartMessage(key.tenant, key.executionId, { deployment_id: header.deploymentId, workflow_id: header.workflowId }));
    return true;
  }

  private waitAfterFail(data: ExecutionData): number {
    const given = (data as unknown as { wait_after_fail?: unknown }).wait_after_fail ?? data.parameters?.wait_after_fail;
    const number = typeof given === 'string' ? Number(given) : given;
    return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : this.deps.config.waitAfterFailSeconds;
  }

  /**
   * System workflows need no graph: the deployment's environment is its records, written by the REST
   * API. A deletion the API could not finish within its request is continued here.
   */
  private async runSystemWorkflow(key: ExecutionKey, execution: Entity<ExecutionData>): Promise<void> {
    const data = execution.data;
    const scope = { tenant: key.tenant, executionId: key.executionId, workflowId: data.workflow_id, deploymentId: data.deployment_id, blueprintId: data.blueprint_id };
    const deletion = data.workflow_id === 'delete_deployment_environment' && data.deployment_id !== null;
    await this.markStarted(key, execution, 0);
    // A deletion continued by a later message has announced itself already.
    if (!deletion || data.status === 'pending') await this.engine.emit([cloudifyEvent(scope, 'workflow_started', `Starting '${data.workflow_id}' workflow execution`)]);
    if (deletion) return this.continueDeletion(key, data.deployment_id!);
    await this.endModel(key, 'terminated', '', 0, 0);
  }

  /**
   * Deletes what is left of a deployment, a slice of deleteSliceSeconds (config) per message: an unfinished
   * slice sends the execution's start message again, so a huge deletion never outlives a worker.
   * The final transaction deletes the deployment and ends the record (finishDeploymentDeletion).
   */
  private async continueDeletion(key: ExecutionKey, deploymentId: string): Promise<void> {
    const { store } = this.deps;
    const [deployment, record] = await Promise.all([store.get<DeploymentData>({ kind: KINDS.deployment, tenant: key.tenant, id: deploymentId }), store.get<ExecutionData>(executionRef(key))]);
    if (!record || isEndState(record.data.status)) return;
    if (!deployment) return this.endModel(key, 'terminated', '', 0, 0);
    const now = () => new Date((this.deps.now ?? Date.now)());
    // Each slice deletes something even if listing took its time (`progress`): slices never stall.
    if (!(await finishDeploymentDeletion({ store, now }, deployment, record, Date.now() + this.deps.config.deleteSliceSeconds * 1000, true))) {
      // The next slice's start may be lost: the wake-up re-sends it (kick).
      await this.armWake(key);
      await this.deps.queues.send('workflow', executionStartMessage(key.tenant, key.executionId, record.data));
      return;
    }
    const data = record.data;
    const scope = { tenant: key.tenant, executionId: key.executionId, workflowId: data.workflow_id, deploymentId, blueprintId: data.blueprint_id };
    await this.engine.emit([cloudifyEvent(scope, 'workflow_succeeded', `'${data.workflow_id}' workflow execution succeeded`)]);
  }

  private async failUnstarted(key: ExecutionKey, execution: Entity<ExecutionData>, error: string): Promise<void> {
    await this.markStarted(key, execution, 0);
    await this.endModel(key, 'failed', error, 0, 0);
  }

  private async markStarted(key: ExecutionKey, execution: Entity<ExecutionData>, total: number): Promise<void> {
    const now = this.nowIso();
    await this.deps.store.modify<ExecutionData>(executionRef(key), (current) =>
      current.data.status === 'pending' ? { ...current.data, status: 'started', started_at: current.data.started_at ?? now, total_operations: total, finished_operations: current.data.resume ? current.data.finished_operations : 0 } : undefined,
    );
    await this.updateDeployment(key.tenant, execution.data.deployment_id, key.executionId, { latest_execution_status: 'in_progress', latest_execution_total_operations: total });
  }

  private async updateDeployment(tenant: string, deploymentId: string | null, executionId: string, fields: Partial<DeploymentData>): Promise<void> {
    if (!deploymentId) return;
    const ref = { kind: KINDS.deployment, tenant, id: deploymentId };
    if (!(await this.deps.store.get(ref))) return;
    await this.deps.store.modify<DeploymentData>(ref, (current) =>
      current.data.latest_execution === executionId || current.data.latest_execution === null ? { ...current.data, latest_execution: executionId, ...fields, updated_at: this.nowIso() } : undefined,
    );
  }

  // ----- end -----

  /** Ends the execution once (header running|cancelling → done), then its record. */
  async finish(key: ExecutionKey, outcome: 'terminated' | 'failed' | 'cancelled'): Promise<void> {
    // A scale's model changes are settled first: once the execution shows ended, the model is final.
    await settleScale(this.deps.store, key, outcome);
    await this.deps.operations.setHeaderStatus(key, ['running', 'cancelling'], 'done', { outcome });
    const header = await this.deps.operations.getHeader(key);
    if (header?.status === 'done') await this.endModelFromHeader(header);
  }

  private endModelFromHeader(header: ExecutionHeader): Promise<void> {
    const key = { tenant: header.tenant, executionId: header.executionId };
    const outcome = header.outcome ?? 'failed';
    return this.endModel(key, outcome, outcome === 'failed' ? (header.error ?? 'failed') : '', header.totalOperations, header.finishedOperations);
  }

  /** Writes the end state into the execution (once: an end state never changes) and the deployment; emits workflow_*. */
  async endModel(key: ExecutionKey, status: 'terminated' | 'failed' | 'cancelled', error: string, total: number, finished: number): Promise<void> {
    const before = await this.deps.store.get<ExecutionData>(executionRef(key));
    if (!before || isEndState(before.data.status)) return;
    // The event goes first: whoever sees the end state can read it (a crash here may repeat it, never lose it).
    {
      const data = before.data;
      const scope = { tenant: key.tenant, executionId: key.executionId, workflowId: data.workflow_id, deploymentId: data.deployment_id, blueprintId: data.blueprint_id };
      const type = status === 'terminated' ? 'workflow_succeeded' : status === 'failed' ? 'workflow_failed' : 'workflow_cancelled';
      const message = status === 'terminated' ? `'${data.workflow_id}' workflow execution succeeded` : status === 'failed' ? `'${data.workflow_id}' workflow execution failed: ${error}` : `'${data.workflow_id}' workflow execution cancelled`;
      await this.engine.emit([cloudifyEvent(scope, type, message, status === 'failed' ? { error: { message: error, type: 'WorkflowFailed' } } : {})]);
    }
    let changed = false;
    const ended = await this.deps.store.modify<ExecutionData>(executionRef(key), (current) => {
      if (isEndState(current.data.status)) return undefined;
      changed = true;
      return { ...current.data, status, error, ended_at: this.nowIso(), total_operations: total, finished_operations: finished };
    });
    if (!changed) return;
    const data = ended.data;
    const summary = status === 'terminated' ? 'completed' : status;
    const install: Partial<DeploymentData> = {};
    if (status === 'terminated' && data.workflow_id === 'install') install.installation_status = 'active';
    if (status === 'terminated' && data.workflow_id === 'uninstall') install.installation_status = 'inactive';
    await this.updateDeployment(key.tenant, data.deployment_id, key.executionId, {
      latest_execution_status: summary,
      latest_execution_total_operations: total,
      latest_execution_finished_operations: finished,
      ...install,
    });
    if (data.deployment_id) await this.promoteNext(key.tenant, data.deployment_id);
  }

  // ----- failure and cancel checks -----

  async check(key: ExecutionKey): Promise<void> {
    const header = await this.deps.operations.getHeader(key);
    if (!header || header.status === 'done' || header.status === 'building') return;
    if (header.status === 'running' && !header.error) return;
    const cancelling = header.status === 'cancelling';
    const tasks = await this.deps.operations.listTasks(key);
    const active = tasks.filter((task) => task.state === 'running' || (!cancelling && task.state === 'queued'));
    const now = Date.now();
    const deadline = (header.failedAt ?? now) + header.waitAfterFailMs;
    if (active.length === 0 || now >= deadline) {
      // A failed scale-out uninstalls what it added before it ends (its rollback's end finishes it).
      if (!cancelling && (await continueScaleRollback(this.engine, key, header))) return;
      return this.finish(key, cancelling ? 'cancelled' : 'failed');
    }
    await this.engine.requestCheck(key, this.deps.config.checkIntervalSeconds);
  }

  async cancel(key: ExecutionKey, mode: CancelMode): Promise<void> {
    const header = await this.deps.operations.getHeader(key);
    if (!header) {
      const execution = await this.deps.store.get<ExecutionData>(executionRef(key));
      if (execution && !isEndState(execution.data.status)) await this.endModel(key, 'cancelled', '', 0, 0);
      return;
    }
    // During the build nothing ran yet: any cancel ends it cancelled at once.
    if (header.status === 'building' && (await this.endBuild(key))) return this.endModel(key, 'cancelled', '', 0, 0);
    if (header.status === 'building') return this.cancel(key, mode);
    if (header.status === 'done' && header.unbuilt) await settleScale(this.deps.store, key, 'cancelled');
    if (header.status === 'done') return this.endModelFromHeader(header);
    if (mode === 'cancel') {
      await this.deps.operations.setHeaderStatus(key, ['running'], 'cancelling', { markFailedAt: true });
      return this.check(key);
    }
    await this.finish(key, 'cancelled');
    if (mode === 'kill') await this.killAgentOperations(key);
  }

  /**
   * kill (unlike force-cancel) also stops what runs on hosts: each running agent operation's agent
   * is asked to terminate its process tree. Its late result is refused (the execution has ended).
   */
  private async killAgentOperations(key: ExecutionKey): Promise<void> {
    const tasks = await this.deps.operations.listTasks(key);
    const running = tasks.flatMap((record) => {
      const task = record.state === 'running' ? agentOperation(record.spec) : undefined;
      return task ? [{ record, task }] : [];
    });
    await Promise.all(running.map(({ record, task }) => this.deps.agents.cancel(key.tenant, task.call.host_id ?? task.context_instance_id, key.executionId, record.id).catch(() => false)));
  }

  // ----- resume -----

  private async resume(key: ExecutionKey, header: ExecutionHeader): Promise<void> {
    // Its graph may be partly written: running it would run part of the workflow.
    if (header.unbuilt) return this.endModel(key, 'failed', 'This execution was cancelled while its graph was being built (nothing ran): it cannot be resumed; start it again', 0, 0);
    const settled = await scaleSettled(this.deps.store, key);
    if (settled) {
      // Its added instances are gone (or its removed ones deleted): re-running its tasks would act on nothing.
      return this.endModel(key, 'failed', `This scale execution was ${settled === 'rolledback' ? 'rolled back' : 'finished'}: it cannot be resumed; start a new scale`, header.totalOperations, header.finishedOperations);
    }
    if (!(await this.deps.operations.resumeHeader(key, header.generation + 1))) return;
    const execution = (await this.deps.store.get<ExecutionData>(executionRef(key)))!;
    await this.markStarted(key, execution, header.totalOperations);
    const scope = this.engine.scope(header);
    await this.engine.emit([cloudifyEvent(scope, 'workflow_started', `Resuming '${header.workflowId}' workflow execution`)]);
    const tasks = await this.deps.operations.listTasks(key);
    await this.engine.restartUnfinished(key, tasks);
  }

  // ----- queued and scheduled executions -----

  private async busy(tenant: string, deploymentId: string, except: string): Promise<boolean> {
    const all = await this.deps.store.all<ExecutionData>({ tenant, kind: KINDS.execution, parent: deploymentId });
    return all.some((execution) => execution.id !== except && ACTIVE.includes(execution.data.status) && !execution.data.is_system_workflow);
  }

  /**
   * A wake-up: a queued or scheduled execution starts if its time came and its deployment is free,
   * else waits; a `pending` one gets its start re-sent if no worker took it (resendStart); a
   * started or cancelling one gets what it may still wait for re-sent (kick). An ended execution
   * needs no wake-up any more: it goes.
   */
  async wake(key: ExecutionKey): Promise<void> {
    const { store, operations, config } = this.deps;
    const execution = await store.get<ExecutionData>(executionRef(key));
    const status = execution?.data.status;
    if (!execution || isEndState(execution.data.status)) return operations.clearWake(key);
    if (status === 'pending') return this.resendStart(key, execution);
    if (status !== 'queued' && status !== 'scheduled') return this.kick(key, execution);
    const now = Date.now();
    if (status === 'scheduled') {
      const at = Date.parse(execution.data.scheduled_for ?? '');
      if (Number.isFinite(at) && at > now) return operations.setWake(key, at);
    }
    const deploymentId = execution.data.deployment_id;
    if (deploymentId && (await this.busy(key.tenant, deploymentId, key.executionId))) {
      if (status === 'scheduled') await store.modify<ExecutionData>(executionRef(key), (current) => (current.data.status === 'scheduled' ? { ...current.data, status: 'queued' } : undefined));
      return operations.setWake(key, now + config.queuedPollSeconds * 1000);
    }
    let promoted = false;
    await store.modify<ExecutionData>(executionRef(key), (current) => {
      if (current.data.status !== 'queued' && current.data.status !== 'scheduled') return undefined;
      promoted = true;
      return { ...current.data, status: 'pending' };
    });
    // Moved on meanwhile (cancelled, or promoted by another wake with its own wake-up): the next wake sees it.
    if (!promoted) return;
    // Now pending, its wake-up stays a re-send period on (as for any pending start): a lost start is re-sent.
    await this.armWake(key);
    if (deploymentId) {
      await store.modify<DeploymentData>({ kind: KINDS.deployment, tenant: key.tenant, id: deploymentId }, (current) => ({
        ...current.data,
        latest_execution: key.executionId,
        latest_execution_status: 'in_progress',
        latest_execution_total_operations: 0,
        latest_execution_finished_operations: 0,
      }));
    }
    await this.deps.queues.send('workflow', executionStartMessage(key.tenant, key.executionId, execution.data));
  }

  /**
   * A `pending` execution's wake-up came due: its start (or resume) was sent a re-send period ago.
   * A build holds it (header `building`; recoverBuild re-sends a stalled one): the wake-up goes.
   * Else no worker took it (the start was lost, or waits in a backlog): the wake-up moves on a
   * period (conditional: of the sweeps that found it due, one re-sends) and the start is re-sent;
   * a duplicate is harmless (start is idempotent). Once the execution left `pending`, the next due
   * wake-up is cleared (wake): the hot path adds only the sender's one write.
   */
  private async resendStart(key: ExecutionKey, execution: Entity<ExecutionData>): Promise<void> {
    const { operations, config } = this.deps;
    const header = await operations.getHeader(key);
    if (header?.status === 'building') return operations.clearWake(key);
    const now = Date.now();
    if (!(await operations.touchWake(key, now, now + config.resendAfterSeconds * 1000))) return;
    await this.deps.queues.send('workflow', executionStartMessage(key.tenant, key.executionId, execution.data));
  }

  /** Sets the execution's wake-up a re-send period on, before sending a message that may be lost (wake re-sends it). */
  async armWake(key: ExecutionKey): Promise<void> {
    await this.deps.operations.setWake(key, Date.now() + this.deps.config.resendAfterSeconds * 1000);
  }

  /**
   * A started or cancelling execution's wake-up came due: re-send what it may still wait for, since
   * that message may have been lost: its cancel (the record says `cancelling`...), the next slice of
   * a deletion, or the check that ends a failed or cancelling run (or ends the record of a header
   * that ended). The wake-up moves on a period first (conditional: of the sweeps that found it due,
   * one re-sends), so it fires again until the execution ended. One that runs normally waits for
   * nothing of the kind (its tasks have their own due entries): the wake-up goes.
   */
  private async kick(key: ExecutionKey, execution: Entity<ExecutionData>): Promise<void> {
    const { operations, config } = this.deps;
    const data = execution.data;
    const cancel = cancelModeOf(data.status);
    const deletion = data.status === 'started' && data.workflow_id === 'delete_deployment_environment';
    const header = cancel || deletion ? undefined : await operations.getHeader(key);
    const ending = header !== undefined && (header.status === 'cancelling' || header.status === 'done' || (header.status === 'running' && header.error !== null));
    if (!cancel && !deletion && !ending) return operations.clearWake(key);
    const now = Date.now();
    if (!(await operations.touchWake(key, now, now + config.resendAfterSeconds * 1000))) return;
    if (cancel) return this.deps.queues.send('workflow', executionCancelMessage(key.tenant, key.executionId, cancel));
    if (deletion) return this.deps.queues.send('workflow', executionStartMessage(key.tenant, key.executionId, data));
    if (header!.status === 'done') return this.endModelFromHeader(header!);
    await this.engine.requestCheck(key);
  }

  /** After an execution ended: the oldest queued execution of the deployment gets its chance. */
  private async promoteNext(tenant: string, deploymentId: string): Promise<void> {
    const all = await this.deps.store.all<ExecutionData>({ tenant, kind: KINDS.execution, parent: deploymentId });
    const next = all.find((execution) => execution.data.status === 'queued');
    if (next) await this.wake({ tenant, executionId: next.id });
  }
}
