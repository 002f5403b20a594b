/**
 * Port for the persisted operation graphs of executions (the DynamoDB `operations` table; design
 * in docs/engine.md). One header per execution and one item per persisted task. Every method that
 * changes state is a CONDITIONAL write that answers whether it applied: delivery is at least once,
 * so the engine moves a task only from the state (and attempt) it expects, and a duplicate or late
 * message finds the condition false and does nothing.
 */
import type { PersistedTask } from '../workflows/engine/persisted';

export interface ExecutionKey {
  tenant: string;
  executionId: string;
}

/** running → done once (success, failure or cancel); `cancelling` stops dispatching. */
export type HeaderStatus = 'building' | 'running' | 'cancelling' | 'done';

export interface ExecutionHeader extends ExecutionKey {
  deploymentId: string | null;
  blueprintId: string | null;
  workflowId: string;
  status: HeaderStatus;
  /** Set when status becomes `done`. */
  outcome: 'terminated' | 'failed' | 'cancelled' | null;
  /** Who builds the graph (a random id) and until when the claim holds (epoch ms). */
  builder: string;
  builderUntil: number;
  totalOperations: number;
  finishedOperations: number;
  /** The first terminal failure: its message (names the operation and instance) and when (epoch ms). */
  error: string | null;
  failedAt: number | null;
  /** Epoch ms after which a failed or cancelling execution stops waiting for running operations. */
  waitAfterFailMs: number;
  maxRetries: number;
  retryIntervalSeconds: number;
  /** Increases on each resume: results of earlier runs carry an older generation. */
  generation: number;
  /** Ended (cancelled or killed) while `building`: its graph may be incomplete and never ran. */
  unbuilt?: boolean;
}

export type TaskState = 'waiting' | 'queued' | 'running' | 'succeeded' | 'failed';

export interface TaskRecord {
  id: string;
  spec: PersistedTask;
  state: TaskState;
  /** Ids of dependencies that have finished (the set that makes the task ready exactly once). */
  done: string[];
  /** 0 until first dispatched; each dispatch (first run, retry, recovery) takes the next number. */
  attempt: number;
  /** Failed attempts counted against max_retries (of the current step, in a segment). */
  retries: number;
  /** A segment's next step to run (0 until its first operation succeeded; always 0 for other tasks). */
  step: number;
  /** The attempt at which the current step began (attempts shown for a step count from it). */
  stepAttempt: number;
  /** Operations of this task already added to the header's finished_operations (a segment's steps, a failed attempt's). */
  counted: number;
  /** running: the lease end (epoch ms); queued with a long delay: when to send it. */
  until: number | null;
  startedAt: number | null;
  endedAt: number | null;
  error: string | null;
}

export interface DependencyResult {
  /** true when this call recorded the dependency (false: it was recorded before). */
  recorded: boolean;
  /** The task's state and how many dependencies are recorded, after the call. */
  state: TaskState;
  doneCount: number;
  attempt: number;
  /** The task as this call started it (dependencies 1 with startAs, when the write applied). */
  started?: TaskRecord;
}

export interface CompletionWrite {
  key: ExecutionKey;
  taskId: string;
  attempt: number;
  outcome: 'succeeded' | 'failed';
  /** How many operations this adds to finished_operations (0 for local steps and sinks); also added to the task's `counted`. */
  operations: number;
  error: string | null;
  /** Set the execution's first error (a terminal failure that is not ignored). */
  failExecution: boolean;
  /** The execution's error when failExecution (names the operation and instance); default `error`. */
  executionError?: string;
  now: number;
}

export interface OperationStore {
  /** Creates the header in `building` state owned by `builder`; false when it exists. */
  createHeader(header: ExecutionHeader): Promise<boolean>;
  getHeader(key: ExecutionKey): Promise<ExecutionHeader | undefined>;
  /**
   * Takes over the build of a header still `building` whose claim expired. While `building`, the
   * header is due (for the sweeper) when its claim ends; finishBuild and any end remove that.
   */
  takeOverBuild(key: ExecutionKey, builder: string, until: number, now: number): Promise<boolean>;
  /** The builder still holds its claim (building, owned by it): renewed until `until`; false when lost. */
  holdBuild(key: ExecutionKey, builder: string, until: number): Promise<boolean>;
  /** A build whose claim ended before `now` is due again at `until` (the sweeper re-sent its start). */
  touchBuildDue(key: ExecutionKey, now: number, until: number): Promise<boolean>;
  /** Executions still `building` whose claim (or last re-send) is due. */
  dueBuilds(now: number, limit: number): Promise<ExecutionKey[]>;
  /** Writes tasks in their initial state (unconditional: only while the header is `building`). */
  putTasks(key: ExecutionKey, tasks: PersistedTask[]): Promise<void>;
  /** Deletes tasks (unconditional: only while the header is `building`, e.g. tasks of an older graph a taken-over build does not have). */
  deleteTasks(key: ExecutionKey, taskIds: string[]): Promise<void>;
  /** building (owned by builder) → running, with the operation total. */
  finishBuild(key: ExecutionKey, builder: string, totalOperations: number): Promise<boolean>;
  /**
   * Adds `count` to the operation total for a graph added to a running execution (a scale's
   * rollback), once per `name`: false when that name was added before (a redelivery).
   */
  addOperations(key: ExecutionKey, name: string, count: number): Promise<boolean>;
  getTask(key: ExecutionKey, taskId: string): Promise<TaskRecord | undefined>;
  /** Every task of the execution (sweeps, failure checks, resume). */
  listTasks(key: ExecutionKey): Promise<TaskRecord[]>;
  /**
   * Records that `dependencyId` finished. When `dependencies` is 1 the task is also moved
   * waiting → queued/running at `attempt` 1 in the same write (`startAs`).
   */
  recordDependency(key: ExecutionKey, taskId: string, dependencyId: string, dependencies: number, startAs: StartAs | null): Promise<DependencyResult>;
  /** waiting|queued (at fromAttempt) → queued|running at attempt+1: the started task, or undefined when it moved on. */
  startTask(key: ExecutionKey, taskId: string, from: { state: TaskState; attempt: number }, to: StartAs): Promise<TaskRecord | undefined>;
  /** queued (at attempt) → running with a lease: the claimed task, or undefined for a duplicate, late or stale message. */
  claim(key: ExecutionKey, taskId: string, attempt: number, leaseUntil: number, now: number): Promise<TaskRecord | undefined>;
  /** A running task (at attempt) keeps its lease until `until` (an agent reports it still runs). False when it moved on. */
  extendLease(key: ExecutionKey, taskId: string, attempt: number, until: number): Promise<boolean>;
  /** A queued task (at attempt) is due again at `until` (after a send). */
  touchDue(key: ExecutionKey, taskId: string, attempt: number, until: number): Promise<boolean>;
  /** Drops a task of a finished execution from the due index. */
  retire(key: ExecutionKey, taskId: string): Promise<void>;
  /**
   * A wake-up for the execution at `at`, replacing an earlier one: a queued or scheduled execution
   * is started then; a `pending` one gets its start re-sent unless a worker took it (lifecycle.wake).
   */
  setWake(key: ExecutionKey, at: number): Promise<void>;
  /** A wake-up still due at `now` is due again at `until`; false when it moved on or is gone (another sweep took it). */
  touchWake(key: ExecutionKey, now: number, until: number): Promise<boolean>;
  clearWake(key: ExecutionKey): Promise<void>;
  /** Wake-ups that are due. */
  dueWakes(now: number, limit: number): Promise<ExecutionKey[]>;
  /** running (at attempt) → succeeded|failed, with the header's counters, in one transaction; false if stale or the execution ended. */
  complete(write: CompletionWrite): Promise<boolean>;
  /**
   * A segment's step `from` finished: running (at attempt, at step `from`) → step `from + 1`, retries
   * reset, and `to` (running at the same attempt under a new lease, or queued at the next attempt to
   * go on in another invocation).
   * `count` > 0 also adds that many operations to the header's finished_operations and to the
   * task's `counted` (one transaction, refused once the execution ended). False when stale.
   */
  advanceStep(write: StepWrite): Promise<boolean>;
  /**
   * running (at attempt) → queued at attempt+1 (a retry), delayed until `until` when given; `step`
   * records the segment step being retried when the item is behind it (a skipped local step).
   */
  reschedule(key: ExecutionKey, taskId: string, attempt: number, retries: number, error: string, until: number | null, step?: { step: number; stepAttempt: number }): Promise<boolean>;
  /** Header running → cancelling; false when it is not running. */
  setHeaderStatus(key: ExecutionKey, from: HeaderStatus[], to: HeaderStatus, extra?: { outcome?: ExecutionHeader['outcome']; markFailedAt?: boolean; unbuilt?: boolean }): Promise<boolean>;
  /** Header back to running for a resume (next generation, error cleared). */
  resumeHeader(key: ExecutionKey, generation: number): Promise<boolean>;
  /** Running tasks whose lease ended and queued tasks whose delay ended, across executions. */
  dueTasks(now: number, limit: number): Promise<{ key: ExecutionKey; taskId: string }[]>;
}

export interface StepWrite {
  key: ExecutionKey;
  taskId: string;
  attempt: number;
  /** The step the item records now (the write is conditional on it). */
  from: number;
  /** The step it moves to (usually from + 1; from + 2 after a local step 0 not recorded). */
  step: number;
  to: StartAs;
  count: number;
}

export interface StartAs {
  state: 'queued' | 'running';
  attempt: number;
  /** running: lease end; queued: send time for durable delays (null: sent now). */
  until: number | null;
  now: number;
}
