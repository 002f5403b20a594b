/**
 * The engine's settings: Cloudify's manager defaults (60 task retries, 15 s apart; wait_after_fail
 * 600 s), how long a claimed operation may run before it counts as lost, and SQS's delay limit.
 * Tests and operators change them through STRATUS_* environment variables.
 */
export interface EngineConfig {
  maxRetries: number;
  retryIntervalSeconds: number;
  waitAfterFailSeconds: number;
  /** Lease of a running central operation without its own timeout (must exceed the worker's timeout). */
  leaseSeconds: number;
  /** Lease of a local step (set_state, events) run inline. */
  localLeaseSeconds: number;
  /** Longest delay given to SQS (DelaySeconds ≤ 900); longer delays wait for the sweeper. */
  maxQueueDelaySeconds: number;
  /**
   * A queued task not claimed this long after its send is sent again by the sweeper; so is the start
   * of a `pending` execution no worker took (its sender, the REST API too, writes a wake-up due then).
   */
  resendAfterSeconds: number;
  /** How often a failed or cancelling execution checks whether its running operations are done. */
  checkIntervalSeconds: number;
  /** How often a queued execution checks whether its deployment is free (besides being woken). */
  queuedPollSeconds: number;
  /**
   * How long a workflow worker's build claim holds (it must exceed a graph build). A build not
   * finished by then may be taken over; the sweeper re-sends its start message.
   */
  buildClaimSeconds: number;
  /**
   * How long one invocation goes on with work it started itself (direct runs, a segment's next
   * steps) after its message arrived; past it, the rest goes through the tasks queue.
   */
  directRunSeconds: number;
  /**
   * Most direct runs one engine (one worker process) has going at once; operations started beyond
   * it go through the tasks queue, to whichever worker takes them. In AWS the queue spreads a large
   * fan-out over several Lambda invocations; the local runtime, one process, raises it
   * (LOCAL_ENGINE_DEFAULTS), since there a queue hop only adds work.
   */
  maxDirectRuns: number;
  /** How long one message of a deployment deletion the REST API handed over deletes before the next message goes on. */
  deleteSliceSeconds: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  maxRetries: 60,
  retryIntervalSeconds: 15,
  waitAfterFailSeconds: 600,
  leaseSeconds: 330,
  localLeaseSeconds: 60,
  maxQueueDelaySeconds: 900,
  resendAfterSeconds: 300,
  checkIntervalSeconds: 2,
  queuedPollSeconds: 30,
  buildClaimSeconds: 120,
  directRunSeconds: 10,
  maxDirectRuns: 32,
  deleteSliceSeconds: 60,
};

/** The local runtime's defaults where they differ from AWS's (an operator's STRATUS_* still wins). */
export const LOCAL_ENGINE_DEFAULTS: Partial<EngineConfig> = { maxDirectRuns: 256 };

const VARS: Record<keyof EngineConfig, string> = {
  maxRetries: 'STRATUS_TASK_RETRIES',
  retryIntervalSeconds: 'STRATUS_TASK_RETRY_INTERVAL',
  waitAfterFailSeconds: 'STRATUS_WAIT_AFTER_FAIL',
  leaseSeconds: 'STRATUS_OPERATION_LEASE',
  localLeaseSeconds: 'STRATUS_LOCAL_LEASE',
  maxQueueDelaySeconds: 'STRATUS_MAX_QUEUE_DELAY',
  resendAfterSeconds: 'STRATUS_RESEND_AFTER',
  checkIntervalSeconds: 'STRATUS_CHECK_INTERVAL',
  queuedPollSeconds: 'STRATUS_QUEUED_POLL',
  buildClaimSeconds: 'STRATUS_BUILD_CLAIM',
  directRunSeconds: 'STRATUS_DIRECT_RUN_BUDGET',
  maxDirectRuns: 'STRATUS_MAX_DIRECT_RUNS',
  deleteSliceSeconds: 'STRATUS_DELETE_SLICE',
};

/** The settings from STRATUS_* variables, over `defaults` (the manager's, or the local runtime's on top). */
export function engineConfigFromEnv(env: Record<string, string | undefined>, defaults: Partial<EngineConfig> = {}): EngineConfig {
  const config = { ...DEFAULT_ENGINE_CONFIG, ...defaults };
  for (const [key, name] of Object.entries(VARS) as [keyof EngineConfig, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || (value < 0 && !(key === 'maxRetries' && value === -1))) throw new Error(`${name} must be a non-negative number (or -1 for unlimited retries), got ${raw}`);
    config[key] = value;
  }
  return config;
}
