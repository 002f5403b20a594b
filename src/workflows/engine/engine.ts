/**
 * The durable workflow engine (docs/engine.md). Stateless between messages: everything lives in
 * the operation store (graph, task states, counters) and the model store (executions, node
 * instances, deployments). Each entry point is what one queue message or sweep asks for, and each
 * is idempotent, because every message may arrive twice, late, or out of order:
 *
 * - start(execution): build and persist the graph (once, under a build claim), start its roots.
 * - runTask(task.run): claim the task's attempt (conditional), run it, complete it (conditional),
 *   release its dependents (each dependency recorded once in a set; the release that completes
 *   the set starts the dependent, conditionally).
 * - check(execution): end a failed or cancelling execution once its running operations are done
 *   (or wait_after_fail ran out).
 * - sweep(now): re-send or recover tasks whose send was lost, whose worker vanished (lease ended)
 *   or whose long delay ended; re-send the start of builds whose claim ended unfinished; wake
 *   queued and scheduled executions.
 */
import { randomUUID } from 'node:crypto';
import type { Dict } from '../../dsl';
import type { NodeInstanceData } from '../../deployments/model';
import { cloudifyEvent, cloudifyLog } from '../../events/model';
import type { EventScope, StoredEvent } from '../../events/model';
import type { AgentDispatcher } from '../../ports/agent-dispatcher';
import type { FileStore } from '../../ports/file-store';
import type { SecretReader } from '../../deployments/evaluation';
import type { EventSink } from '../../ports/event-sink';
import type { ModelStore } from '../../ports/model-store';
import type { ExecutionHeader, ExecutionKey, OperationStore, StartAs, TaskRecord } from '../../ports/operation-store';
import type { QueueSender } from '../../ports/queues';
import type { OperationRegistry } from '../../operations/registry';
import type { OperationTask } from '../graph';
import type { EngineConfig } from './config';
import { applyInstanceWrites, finalStates, mergeInstanceWrites, planLocalSteps } from './local-steps';
import type { InstanceWrite } from './local-steps';
import { EXECUTION_CHECK_KIND, TASK_RUN_KIND } from './messages';
import type { TaskRunMessage } from './messages';
import { END_TASK, isLocalStep, localStepsOf, operationsThrough, readyButWaiting, releasesDependents, ROLLBACK_END_TASK, runsInline, stepCount, stepOf } from './persisted';
import type { PersistedTask } from './persisted';
import { agentInputs, runCentralOperation } from './runner';
import type { AttemptOutcome } from './runner';
import { ExecutionLifecycle } from './lifecycle';
import { EventBatcher } from './event-batcher';
import type { InstanceCache } from './local-steps';

export interface EngineDeps {
  store: ModelStore;
  operations: OperationStore;
  queues: QueueSender;
  events: EventSink;
  agents: AgentDispatcher;
  registry: OperationRegistry;
  config: EngineConfig;
  /** Blueprint files (workflow functions); without it custom workflows fail with a clear error. */
  files?: FileStore;
  /** The tenant's secrets, for get_secret in operation inputs (evaluated at dispatch, never stored). */
  secrets?: (tenant: string) => SecretReader;
  now?: () => number;
  /** Fault injection for tests: called after a claim; returning true abandons the attempt there (a worker that died). */
  abandonAfterClaim?: (task: TaskRecord) => boolean;
  /** Fault injection for tests: called when a segment moved to its next step; returning true abandons the task there (a worker that died between steps). */
  abandonAfterStep?: (task: TaskRecord) => boolean;
  /** Fault injection for tests: called after a task completed, before it releases its dependents; true makes the worker fail there. */
  failBeforeRelease?: (task: TaskRecord) => boolean;
  /** Fault injection for tests: called while a build claim is held, before the tasks are written; a throw is a worker that crashed there. */
  faultDuringBuild?: (key: ExecutionKey) => void;
}

const HEADER_CACHE_MS = 500;
/**
 * After a claim, the header must come from a read this recent (or one in flight) before the
 * operation runs: a cancel is seen by every claim made more than this long after it.
 */
const CLAIM_HEADER_MAX_AGE_MS = 100;
/** How long an emit may wait for other tasks' events to share its write (see event-batcher.ts). */
const EMIT_WINDOW_MS = 5;
/** A task's task_started may wait this long for the outcome's events (one write for both). */
const STARTED_WINDOW_MS = 250;
/**
 * Direct runs: a worker that finishes a task runs the operation tasks that finish starts itself,
 * started straight as running under a full lease (no queue round trip, no claim: one write instead
 * of three requests plus the SQS send, receive and delete). A chain of such runs ends after this many
 * links or once `directRunSeconds` (config) have passed since its message arrived (a segment then
 * hands its next step to the queue), so one invocation never holds a long stretch of the graph.
 */
const DIRECT_RUN_DEPTH = 20;
/**
 * Segments (persisted.ts): the steps' finished operations are added to the header at most this
 * often (the task item keeps how many it counted, so the completion adds the rest), and their
 * events may wait this long to share a write with the next steps' events.
 */
const STEP_COUNT_INTERVAL_MS = 1000;
const STEP_EMIT_WINDOW_MS = 100;
/**
 * Segments: the node-instance states a step sets are written with the next write that must happen
 * anyway (runtime properties, the completion, a failure, a retry, a hand-off, a cancel), or once the
 * next step has run this long, so a long operation shows its instance's state while it runs.
 */
const STATE_WRITE_DELAY_MS = 100;
/** A local step 0 is not recorded on its own when at least this share of the lease is left (see advance). */
const UNRECORDED_LEASE_SHARE = 0.95;

/** Where a worker is in its chain of direct runs (see DIRECT_RUN_DEPTH). */
export interface DirectRuns {
  depth: number;
  until: number;
}

/** A worker's run of one segment's steps (see runHeld). */
interface SegmentRun {
  /** When it last counted steps in the header. */
  countedAt: number;
  /** Its event writes in flight. */
  written: Promise<void>[];
  /** Node-instance states set by steps already run and not written yet (writeStates). */
  states: Map<string, InstanceWrite>;
  /** The last write of such states (one instance's writes go one after the other). */
  statesWritten: Promise<void>;
  /** The step the task item records (one behind the running step after an unrecorded local step 0). */
  recorded: number;
}

/** How a step ended, for goOn: the outcome recorded, the instance writes it starts from, its events. */
interface StepDone {
  outcome: 'succeeded' | 'failed';
  error: string | null;
  initial: Map<string, InstanceWrite>;
  logs: StoredEvent[];
  outcomeEvents: StoredEvent[];
}

/** Operations among a task's steps 0..`through` that the header has not counted yet (a segment counts in batches). */
function uncounted(record: TaskRecord, through: number): number {
  return operationsThrough(record.spec, through) - record.counted;
}

/** The last state each instance got from a segment's steps before the one it is at (the states a lost worker may not have written). */
function statesBefore(record: TaskRecord): Map<string, InstanceWrite> {
  if (record.step === 0) return new Map();
  return finalStates(Array.from({ length: record.step }, (_, i) => localStepsOf(record.spec, i)).flat());
}

/** The attempt shown for a task's current step (a segment's attempts count from the step's start). */
function stepAttempt(record: { attempt: number; stepAttempt?: number }): number {
  return record.attempt - (record.stepAttempt ?? 1) + 1;
}

export class Engine {
  readonly lifecycle: ExecutionLifecycle;
  private readonly now: () => number;
  private readonly headers = new Map<string, { header: Promise<ExecutionHeader | undefined>; at: number }>();
  private readonly batcher: EventBatcher;
  /** Direct runs going on in this engine (at most config.maxDirectRuns). */
  private directRuns = 0;
  /** Node instances this engine last wrote (version-checked writes skip their read when still current). */
  readonly instances: InstanceCache = new Map();

  constructor(readonly deps: EngineDeps) {
    this.now = deps.now ?? (() => Date.now());
    this.batcher = new EventBatcher(deps.events);
    this.lifecycle = new ExecutionLifecycle(this);
  }

  // ----- headers -----

  /**
   * The execution's header, from a read at most `maxAgeMs` old (true: a new read). Reads of one
   * header in flight at once are shared: the concurrent tasks of an SQS batch read it once.
   */
  async header(key: ExecutionKey, maxAge: boolean | number = false): Promise<ExecutionHeader | undefined> {
    const maxAgeMs = maxAge === true ? 0 : maxAge === false ? HEADER_CACHE_MS : maxAge;
    const id = `${key.tenant}#${key.executionId}`;
    const cached = this.headers.get(id);
    if (cached && this.now() - cached.at <= maxAgeMs) {
      const header = await cached.header;
      if (header) return header;
    }
    const read = this.deps.operations.getHeader(key);
    if (this.headers.size > 10000) this.headers.clear();
    this.headers.set(id, { header: read, at: this.now() });
    try {
      return await read;
    } catch (err) {
      if (this.headers.get(id)?.header === read) this.headers.delete(id);
      throw err;
    }
  }

  scope(header: ExecutionHeader): EventScope {
    return { tenant: header.tenant, executionId: header.executionId, workflowId: header.workflowId, deploymentId: header.deploymentId, blueprintId: header.blueprintId };
  }

  async emit(events: StoredEvent[], maxDelayMs = EMIT_WINDOW_MS): Promise<void> {
    if (events.length) await this.batcher.emit(events, maxDelayMs);
  }

  /** Emits without waiting: the write goes into `pending`, which the caller awaits before it lets go of the task. */
  private emitLater(events: StoredEvent[], maxDelayMs: number, pending: Promise<void>[]): void {
    const written = this.emit(events, maxDelayMs);
    // Handled here so a failed write is not an unhandled rejection before the caller awaits it.
    written.catch(() => undefined);
    pending.push(written);
  }

  // ----- starting tasks -----

  /**
   * How a released task starts: inline tasks run at once under a short lease; a direct run (an
   * operation this worker runs itself) is running under the operation lease, as a claim leaves it;
   * others are queued.
   */
  startAs(spec: { kind: PersistedTask['kind'] } | boolean, attempt: number, direct = false): StartAs {
    const inline = typeof spec === 'boolean' ? spec : spec.kind === 'local' || spec.kind === 'sink';
    const now = this.now();
    const { localLeaseSeconds, resendAfterSeconds, leaseSeconds } = this.deps.config;
    if (inline) return { state: 'running', attempt, until: now + localLeaseSeconds * 1000, now };
    return direct ? { state: 'running', attempt, until: now + leaseSeconds * 1000, now } : { state: 'queued', attempt, until: now + resendAfterSeconds * 1000, now };
  }

  /**
   * After a task was moved to queued/running by this worker: send it, or run it inline, or (an
   * operation task started running, `started` being what the start wrote) run it here directly.
   */
  async dispatchStarted(key: ExecutionKey, taskId: string, inline: boolean, attempt: number, delaySeconds = 0, started?: TaskRecord, chain?: DirectRuns): Promise<void> {
    if (inline) {
      const record = started ?? (await this.deps.operations.getTask(key, taskId));
      if (record && record.state === 'running' && record.attempt === attempt) await this.runInline(key, record, chain);
      return;
    }
    if (started && started.state === 'running' && started.attempt === attempt) {
      this.directRuns++;
      try {
        return await this.runHeld(key, started, chain);
      } finally {
        this.directRuns--;
      }
    }
    const message: TaskRunMessage = { kind: TASK_RUN_KIND, tenant: key.tenant, execution_id: key.executionId, task_id: taskId, attempt };
    await this.deps.queues.send('tasks', message, delaySeconds > 0 ? { delaySeconds } : undefined);
  }

  /** Starts the roots of a freshly built graph (idempotent: each start is conditional). */
  async startRoots(key: ExecutionKey, tasks: PersistedTask[]): Promise<void> {
    const roots = tasks.filter((task) => task.dependencies.length === 0);
    await this.parallel(roots, async (task) => {
      const to = this.startAs(task, 1);
      const started = await this.deps.operations.startTask(key, task.id, { state: 'waiting', attempt: 0 }, to);
      if (started) await this.dispatchStarted(key, task.id, runsInline(task), 1, 0, started);
    });
  }

  /**
   * Releases the dependents of a task that finished (succeeded, or failed with ignore_failure).
   * Within a worker's chain (`chain`), the first operation task this starts is run here directly.
   */
  async release(key: ExecutionKey, spec: PersistedTask, chain?: DirectRuns): Promise<void> {
    const header = await this.header(key);
    const dispatching = header?.status === 'running';
    const direct = dispatching && chain !== undefined && chain.depth < DIRECT_RUN_DEPTH && this.now() < chain.until;
    const next = chain && { depth: chain.depth + 1, until: chain.until };
    // Decided just before each start write, while this engine runs fewer than config.maxDirectRuns.
    const startAs = (inline: boolean) => this.startAs(inline, 1, direct && !inline && this.directRuns < this.deps.config.maxDirectRuns);
    await this.parallel(spec.dependents, async ([id, count, inline]) => {
      const result = await this.deps.operations.recordDependency(key, id, spec.id, count, dispatching && count === 1 ? startAs(inline) : null);
      if (!dispatching) return;
      if (count === 1 && result.recorded) return this.dispatchStarted(key, id, inline, 1, 0, result.started, next);
      if (result.doneCount === count && result.state === 'waiting') {
        // The release that completed the set (or a redelivery after a crash right there) starts it.
        const started = await this.deps.operations.startTask(key, id, { state: 'waiting', attempt: 0 }, startAs(inline));
        if (started) await this.dispatchStarted(key, id, inline, 1, 0, started, next);
      }
    });
  }

  /**
   * Releases a finished task's dependents again where that did not happen, and goes on through the
   * dependents that finished too (up to DIRECT_RUN_DEPTH links): a worker that failed in a chain of
   * direct runs (tasks without a message of their own) may have completed some of them without
   * releasing theirs, and only the message that began the chain comes back. Reads only, unless a
   * release is missing.
   */
  async releaseAgain(key: ExecutionKey, spec: PersistedTask, seen = new Set<string>(), depth = DIRECT_RUN_DEPTH): Promise<void> {
    if (seen.has(spec.id)) return;
    seen.add(spec.id);
    const dependents = (await Promise.all(spec.dependents.map(([id]) => this.deps.operations.getTask(key, id)))).filter((task): task is TaskRecord => task !== undefined);
    const unreleased = dependents.some((task) => !task.done.includes(spec.id) || readyButWaiting(task));
    if (unreleased) await this.release(key, spec);
    if (depth === 0) return;
    await this.parallel(dependents.filter(releasesDependents), (task) => this.releaseAgain(key, task.spec, seen, depth - 1));
  }

  private async parallel<T>(items: T[], work: (item: T) => Promise<void>, width = 16): Promise<void> {
    for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
  }

  // ----- inline tasks (local heads, sinks, the end) -----

  async runInline(key: ExecutionKey, record: TaskRecord, chain?: DirectRuns): Promise<void> {
    const header = await this.header(key);
    if (!header) return;
    const spec = record.spec;
    const { writes, events } = planLocalSteps(this.scope(header), localStepsOf(spec, 0));
    await applyInstanceWrites(this.deps.store, key.tenant, writes, this.instances, key.executionId);
    await this.emit(events);
    const applied = await this.deps.operations.complete({ key, taskId: spec.id, attempt: record.attempt, outcome: 'succeeded', operations: 0, error: null, failExecution: false, now: this.now() });
    if (!applied) return;
    if (this.deps.failBeforeRelease?.(record)) throw new Error(`Injected fault: the worker failed after completing ${spec.id}, before releasing its dependents`);
    if (spec.id === END_TASK) return this.lifecycle.finish(key, 'terminated');
    // A scale's rollback finished: the scale failed (its error is the header's).
    if (spec.id === ROLLBACK_END_TASK) return this.lifecycle.finish(key, 'failed');
    await this.release(key, spec, chain);
  }

  // ----- dispatched tasks (task worker) -----

  async runTask(message: TaskRunMessage): Promise<void> {
    const key = { tenant: message.tenant, executionId: message.execution_id };
    const now = this.now();
    const peek = await this.header(key);
    if (!peek || peek.status === 'done') return;
    const lease = now + this.deps.config.leaseSeconds * 1000;
    const record = await this.deps.operations.claim(key, message.task_id, message.attempt, lease, now);
    if (!record) return this.afterLostClaim(key, message);
    return this.runHeld(key, record, { depth: 0, until: now + this.deps.config.directRunSeconds * 1000 });
  }

  /**
   * Runs a task this worker holds running under its lease (claimed from a message, or started by
   * its own release), and a segment's following steps while each one succeeds (see advance).
   */
  private async runHeld(key: ExecutionKey, held: TaskRecord, chain?: DirectRuns): Promise<void> {
    if (this.deps.abandonAfterClaim?.(held)) return;
    // A segment taken up at a later step (a recovery, a hand-off, a resume) first re-applies the
    // states its earlier steps set: the worker that ran them may have died before writing them.
    const run: SegmentRun = { countedAt: this.now(), written: [], states: statesBefore(held), statesWritten: Promise.resolve(), recorded: held.step };
    try {
      for (let record: TaskRecord | undefined = held; record; ) {
        const header = (await this.header(key, CLAIM_HEADER_MAX_AGE_MS))!;
        if (header.status !== 'running') {
          // Cancelling (or ended): do not start new work; the task stays unfinished for a resume
          // (a segment at its current step; the steps it finished count now).
          await this.writeStates(key, run);
          await this.deps.operations.complete({ key, taskId: record.id, attempt: record.attempt, outcome: 'failed', operations: uncounted(record, record.step - 1), error: 'Not run: the execution was cancelled', failExecution: false, now: this.now() });
          return;
        }
        const timer = run.states.size ? setTimeout(() => void this.writeStates(key, run).catch(() => undefined), STATE_WRITE_DELAY_MS) : undefined;
        let outcome: AttemptOutcome;
        try {
          outcome = await this.attempt(header, record, run.written, run.states);
        } finally {
          clearTimeout(timer);
        }
        record = await this.finishAttempt(header, record, outcome, chain, run);
      }
    } finally {
      await Promise.all([...run.written, run.statesWritten.catch(() => undefined)]);
    }
  }

  /**
   * Writes the states a segment's steps set and has not written yet (after the writes already in
   * flight, so one instance's versions follow each other). A failed write fails the next caller.
   */
  private writeStates(key: ExecutionKey, run: SegmentRun): Promise<void> {
    if (run.states.size) {
      const writes = run.states;
      run.states = new Map();
      run.statesWritten = run.statesWritten.then(() => applyInstanceWrites(this.deps.store, key.tenant, writes, this.instances, key.executionId));
    }
    return run.statesWritten;
  }

  /** A claim that did not apply: a duplicate, a stale attempt, or a redelivery after a crash past the completion. */
  private async afterLostClaim(key: ExecutionKey, message: TaskRunMessage): Promise<void> {
    const record = await this.deps.operations.getTask(key, message.task_id);
    if (!record || record.attempt !== message.attempt) return;
    if (releasesDependents(record)) await this.releaseAgain(key, record.spec);
    else if (record.state === 'failed') await this.requestCheck(key);
  }

  /**
   * Runs the attempt. Its task_started is emitted before the operation runs, with a window that lets
   * a quick operation's outcome share its write (a long one shows as started meanwhile); the write
   * goes into `started`, awaited by the caller.
   */
  private async attempt(header: ExecutionHeader, record: TaskRecord, started: Promise<void>[], unwritten?: Map<string, InstanceWrite>): Promise<AttemptOutcome> {
    const spec = record.spec;
    if (spec.kind === 'wait_for_agent') {
      const hostId = (spec.task as { host_id: string }).host_id;
      if (await this.deps.agents.isConnected(header.tenant, hostId)) return { kind: 'succeeded', runtimeProperties: null, logs: [] };
      return { kind: 'retry', message: `Waiting for the agent of host ${hostId} to connect`, afterSeconds: null, recoverableError: true, logs: [] };
    }
    // A segment's local step 0 (its local steps are applied as the step's outcome, see goOn).
    if (isLocalStep(spec, record.step)) return { kind: 'succeeded', runtimeProperties: null, logs: [] };
    const task = stepOf(spec, record.step).task as OperationTask;
    const shown = stepAttempt(record);
    this.emitLater([cloudifyEvent(this.scope(header), 'task_started', `'${task.name}' started on ${task.context_instance_id}${shown > 1 ? ` (attempt ${shown})` : ''}`, this.details(task, record))], STARTED_WINDOW_MS, started);
    if (task.call.executor === 'host_agent') {
      // Intrinsic functions (get_secret, get_attribute...) are evaluated now, for this attempt only.
      const inputs = await agentInputs(this, header, task);
      if (!inputs.ok) return { kind: 'failed', message: inputs.message, logs: [] };
      const sent = await this.deps.agents.dispatch({
        tenant: header.tenant,
        executionId: header.executionId,
        deploymentId: header.deploymentId,
        taskId: spec.id,
        attempt: record.attempt,
        hostId: task.call.host_id ?? task.context_instance_id,
        instanceId: task.context_instance_id,
        name: task.name,
        plugin: task.call.plugin,
        operation: task.call.operation,
        inputs: inputs.value,
        timeoutSeconds: task.call.timeout,
        // The agent renews this lease while the operation runs, so a long script is not taken for lost.
        leaseSeconds: this.deps.config.leaseSeconds,
      });
      if (sent === 'sent') return { kind: 'pending' };
      return { kind: 'retry', message: `No agent is connected for host ${task.call.host_id}: operation ${task.name} waits for it`, afterSeconds: null, recoverableError: true, logs: [] };
    }
    return await runCentralOperation(this, header, stepAttempt(record), task, unwritten?.get(task.context_instance_id)?.state);
  }

  /** Event details of an operation (a segment's step: its own task id and attempt). */
  details(task: OperationTask, record: { attempt: number; stepAttempt?: number }) {
    return {
      operation: task.name,
      nodeInstanceId: task.context_instance_id,
      nodeName: task.relationship ? (task.relationship.side === 'target' ? task.relationship.target_node : task.relationship.source_node) : task.node_id,
      sourceId: task.relationship?.source_id ?? null,
      targetId: task.relationship?.target_id ?? null,
      taskId: task.id,
      attempt: stepAttempt(record),
    };
  }

  /**
   * Applies an attempt's outcome: complete and release, retry later, or fail; in a segment, a
   * finished step that is not the last moves it on instead (advance), and the task to go on with in
   * this worker is returned. Also the entry point for agent results.
   */
  async finishAttempt(header: ExecutionHeader, record: TaskRecord, outcome: AttemptOutcome, chain?: DirectRuns, run?: SegmentRun): Promise<TaskRecord | undefined> {
    if (outcome.kind === 'pending') return undefined;
    const key = { tenant: header.tenant, executionId: header.executionId };
    const spec = record.spec;
    const task = spec.kind === 'operation' && !isLocalStep(spec, record.step) ? (stepOf(spec, record.step).task as OperationTask) : null;
    const scope = this.scope(header);
    const details = task ? this.details(task, record) : { taskId: spec.id, attempt: record.attempt, nodeInstanceId: spec.task?.instance_id ?? null };
    const label = task ? `'${task.name}' on ${task.context_instance_id}` : spec.kind === 'wait_for_agent' ? `waiting for the agent of ${spec.task?.instance_id}` : `'${spec.id}' (local steps)`;
    const events: StoredEvent[] = outcome.logs.map((line) => cloudifyLog(scope, line.level, line.message, details));
    const now = this.now();
    if (outcome.kind === 'succeeded') {
      const initial = new Map<string, InstanceWrite>();
      if (task && outcome.runtimeProperties) initial.set(task.context_instance_id, { runtimeProperties: outcome.runtimeProperties });
      const succeeded = task ? [cloudifyEvent(scope, 'task_succeeded', `${label} succeeded`, details)] : [];
      return this.goOn(header, record, { outcome: 'succeeded', error: null, initial, logs: events, outcomeEvents: succeeded }, chain, run);
    }
    const call = task?.call;
    const maxRetries = call?.max_retries ?? header.maxRetries;
    const interval = (outcome.kind === 'retry' ? outcome.afterSeconds : null) ?? call?.retry_interval ?? header.retryIntervalSeconds;
    const canRetry = outcome.kind === 'retry' && (maxRetries < 0 || record.retries < maxRetries);
    if (canRetry) {
      const delay = Math.max(0, interval);
      const sendNow = delay <= this.deps.config.maxQueueDelaySeconds;
      const until = now + delay * 1000 + (sendNow ? this.deps.config.resendAfterSeconds * 1000 : 0);
      const error = outcome.message;
      if (run) await this.writeStates(key, run);
      // After an unrecorded local step 0 the item is a step behind: the retry records the step it retries.
      const step = run && run.recorded !== record.step ? { step: record.step, stepAttempt: record.stepAttempt } : undefined;
      if (!(await this.deps.operations.reschedule(key, spec.id, record.attempt, record.retries + 1, error, until, step))) return void (await this.emit(events));
      const retryLabel = `[retry ${record.retries + 1}${maxRetries < 0 ? '' : `/${maxRetries}`}]`;
      if (outcome.recoverableError) events.push(cloudifyEvent(scope, 'task_failed', `${label} failed: ${error} ${retryLabel}`, { ...details, error: { message: error, type: 'RecoverableError' } }));
      events.push(cloudifyEvent(scope, 'task_rescheduled', `${label} rescheduled in ${delay} seconds ${retryLabel}`, details));
      await this.emit(events);
      // Longer than SQS can delay: the sweeper sends it when `until` comes.
      if (sendNow) await this.dispatchStarted(key, spec.id, false, record.attempt + 1, delay);
      return undefined;
    }
    const message = outcome.kind === 'retry' && outcome.recoverableError ? `${outcome.message} (retries exhausted: ${record.retries}/${maxRetries})` : outcome.message;
    const errorType = outcome.kind === 'failed' ? 'NonRecoverableError' : 'RecoverableError';
    const ignored = spec.ignore_failure;
    const failed = cloudifyEvent(scope, 'task_failed', `${label} failed${ignored ? ' (ignored)' : ''}: ${message}`, { ...details, error: { message, type: errorType } });
    // An ignored failure goes on as a success does (Cloudify runs the tasks after it, set_state included).
    if (ignored) return this.goOn(header, record, { outcome: 'failed', error: message, initial: new Map(), logs: events, outcomeEvents: [failed] }, chain, run);
    const executionError = `Task failed '${task ? task.name : spec.id}' on node instance ${task ? task.context_instance_id : spec.task?.instance_id}: ${message}`;
    // The failed step counts as finished, with the segment's steps not counted yet.
    const operations = uncounted(record, record.step);
    if (run) await this.writeStates(key, run);
    const applied = await this.deps.operations.complete({ key, taskId: spec.id, attempt: record.attempt, outcome: 'failed', operations, error: message, failExecution: true, executionError, now });
    if (!applied) return void (await this.emit(events));
    await this.emit([...events, failed]);
    this.headers.delete(`${key.tenant}#${key.executionId}`);
    // The check that ends the execution may be lost: its wake-up sends it again (lifecycle.kick).
    await this.lifecycle.armWake(key);
    await this.requestCheck(key);
    return undefined;
  }

  /**
   * A step that succeeded (or failed, ignored) lets the task go on: its local steps are applied (with
   * the operation's runtime properties), then the segment moves to its next step (advance), or the
   * task completes and releases its dependents.
   */
  private async goOn(header: ExecutionHeader, record: TaskRecord, done: StepDone, chain?: DirectRuns, run?: SegmentRun): Promise<TaskRecord | undefined> {
    const key = { tenant: header.tenant, executionId: header.executionId };
    const spec = record.spec;
    const wroteProperties = done.initial.size > 0;
    const { writes, events: stepEvents } = planLocalSteps(this.scope(header), localStepsOf(spec, record.step), done.initial);
    const last = record.step + 1 >= stepCount(spec);
    if (run) {
      mergeInstanceWrites(run.states, writes);
      // Runtime properties are written when their operation succeeds; states may wait (see STATE_WRITE_DELAY_MS).
      if (last || wroteProperties) await this.writeStates(key, run);
    } else await applyInstanceWrites(this.deps.store, key.tenant, writes, this.instances, key.executionId);
    const outcomeEvents = [...done.outcomeEvents, ...stepEvents];
    if (!last) return this.advance(key, record, done.logs, outcomeEvents, chain, run);
    const operations = uncounted(record, record.step);
    const applied = await this.deps.operations.complete({ key, taskId: spec.id, attempt: record.attempt, outcome: done.outcome, operations, error: done.error, failExecution: false, now: this.now() });
    if (!applied) return void (await this.emit(done.logs));
    await this.emit([...done.logs, ...outcomeEvents]);
    if (this.deps.failBeforeRelease?.(record)) throw new Error(`Injected fault: the worker failed after completing ${spec.id}, before releasing its dependents`);
    return void (await this.release(key, spec, chain));
  }

  /**
   * A segment's step finished and another follows: record it (the next step, conditional on this
   * one) and go on here under a new full lease, or, once the chain's time is up, queue the rest for
   * another invocation. The header's finished_operations is moved at most every
   * STEP_COUNT_INTERVAL_MS (the completion adds what is left), and the step's events are written
   * with the next steps' (awaited before the worker lets go of the task).
   */
  private async advance(key: ExecutionKey, record: TaskRecord, logs: StoredEvent[], outcomeEvents: StoredEvent[], chain?: DirectRuns, run?: SegmentRun): Promise<TaskRecord | undefined> {
    const now = this.now();
    const finished = record.step;
    const handOff = !run || now >= (chain?.until ?? now + this.deps.config.directRunSeconds * 1000);
    const count = !run || handOff || now - run.countedAt >= STEP_COUNT_INTERVAL_MS ? uncounted(record, finished) : 0;
    const leaseMs = this.deps.config.leaseSeconds * 1000;
    if (run && !handOff && count === 0 && isLocalStep(record.spec, finished) && record.until !== null && record.until - now >= leaseMs * UNRECORDED_LEASE_SHARE) {
      // A local step 0 only set states (not written yet): a worker lost before the next record
      // runs it again, to no effect. The next step runs under the lease just taken.
      this.emitLater([...logs, ...outcomeEvents], STEP_EMIT_WINDOW_MS, run.written);
      return { ...record, step: finished + 1, stepAttempt: record.attempt, retries: 0, error: null };
    }
    if (handOff && run) await this.writeStates(key, run);
    // Going on here: the next step gets a full lease (a step may run most of one: runner.ts).
    const to = this.startAs(false, handOff ? record.attempt + 1 : record.attempt, !handOff);
    const from = run?.recorded ?? finished;
    const applied = await this.deps.operations.advanceStep({ key, taskId: record.id, attempt: record.attempt, from, step: finished + 1, to, count });
    if (!applied) return void (await this.emit(logs));
    if (run) run.recorded = finished + 1;
    const window = handOff ? EMIT_WINDOW_MS : STEP_EMIT_WINDOW_MS;
    if (run) {
      this.emitLater([...logs, ...outcomeEvents], window, run.written);
      if (count > 0) run.countedAt = now;
    } else await this.emit([...logs, ...outcomeEvents], window);
    if (handOff) return void (await this.dispatchStarted(key, record.id, false, to.attempt));
    const next: TaskRecord = { ...record, step: finished + 1, stepAttempt: record.attempt, retries: 0, until: to.until, counted: record.counted + count, error: null };
    // Fault injection: the worker dies with the next step recorded but not run (the lease ends, the sweeper recovers it).
    if (this.deps.abandonAfterStep?.(next)) return undefined;
    return next;
  }

  async requestCheck(key: ExecutionKey, delaySeconds = 0): Promise<void> {
    await this.deps.queues.send('workflow', { kind: EXECUTION_CHECK_KIND, tenant: key.tenant, execution_id: key.executionId }, delaySeconds > 0 ? { delaySeconds } : undefined);
  }

  /** Reads a node instance (operation contexts). */
  async instance(tenant: string, instanceId: string) {
    const { nodeInstanceRef } = await import('../../deployments/node-instances');
    return this.deps.store.get<NodeInstanceData>(nodeInstanceRef(tenant, instanceId));
  }

  // ----- the sweeper -----

  async sweep(now = this.now()): Promise<number> {
    let acted = 0;
    for (const key of await this.deps.operations.dueWakes(now, 100)) {
      await this.lifecycle.wake(key);
      acted++;
    }
    // Builds whose claim ended unfinished (their start message may be dead-lettered): re-send the start.
    for (const key of await this.deps.operations.dueBuilds(now, 100)) {
      if (await this.lifecycle.recoverBuild(key, now)) acted++;
    }
    const due = await this.deps.operations.dueTasks(now, 200);
    for (const { key, taskId } of due) {
      if (await this.recover(key, taskId, now)) acted++;
    }
    return acted;
  }

  /** One due task: re-send a lost or long-delayed send, recover a lost worker, or retire a task of an ended execution. */
  private async recover(key: ExecutionKey, taskId: string, now: number): Promise<boolean> {
    const header = await this.header(key, true);
    const record = await this.deps.operations.getTask(key, taskId);
    if (!record || record.until === null || record.until > now) return false;
    if (!header || header.status === 'done') {
      // A segment whose worker was lost after the execution ended (force-cancel, kill) is not taken
      // up again: the states of the steps it recorded, which that worker may not have written, are.
      if (header && record.state === 'running') await this.writeStatesOfEnded(key, statesBefore(record));
      await this.deps.operations.retire(key, taskId);
      return true;
    }
    const inline = runsInline(record.spec);
    if (record.state === 'queued') {
      if (!(await this.deps.operations.touchDue(key, taskId, record.attempt, now + this.deps.config.resendAfterSeconds * 1000))) return false;
      await this.dispatchStarted(key, taskId, false, record.attempt);
      return true;
    }
    if (record.state !== 'running') return false;
    if (inline) {
      const to = this.startAs(true, record.attempt + 1);
      const started = await this.deps.operations.startTask(key, taskId, { state: 'running', attempt: record.attempt }, to);
      if (started) await this.dispatchStarted(key, taskId, true, record.attempt + 1, 0, started);
      return true;
    }
    // The worker that claimed it vanished (or the agent never answered): a recoverable failure.
    await this.finishAttempt(header, record, { kind: 'retry', message: `The operation did not finish within its lease (its worker was lost or it timed out)`, afterSeconds: 0, recoverableError: true, logs: [] });
    return true;
  }

  /** Writes states one instance at a time, skipping instances deleted since (with their deployment). */
  private async writeStatesOfEnded(key: ExecutionKey, states: Map<string, InstanceWrite>): Promise<void> {
    for (const write of states) {
      try {
        await applyInstanceWrites(this.deps.store, key.tenant, new Map([write]), this.instances, key.executionId);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      }
    }
  }

  newBuilderId(): string {
    return randomUUID();
  }

  /** For the lifecycle: start every task a resume must run again. */
  async restartUnfinished(key: ExecutionKey, tasks: TaskRecord[]): Promise<number> {
    let started = 0;
    await this.parallel(tasks, async (record) => {
      const spec = record.spec;
      const rerun = record.state === 'queued' || record.state === 'running' || (record.state === 'failed' && !spec.ignore_failure) || readyButWaiting(record);
      if (!rerun) return;
      const to = this.startAs(spec, record.attempt + 1);
      const restarted = await this.deps.operations.startTask(key, spec.id, { state: record.state, attempt: record.attempt }, to);
      if (restarted) {
        started++;
        await this.dispatchStarted(key, spec.id, runsInline(spec), record.attempt + 1, 0, restarted);
      }
    });
    return started;
  }

  /** Inputs evaluation and operation context helpers live in runner.ts; this exposes the dict type for them. */
  static readonly EMPTY: Dict = {};
}
