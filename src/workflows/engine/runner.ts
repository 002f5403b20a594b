/**
 * Runs one attempt of a central operation: inputs with intrinsic functions evaluated just before
 * (runtime get_attribute sees the latest runtime properties), the function from the plugin
 * registry, a typed context, and the outcome classified the way Cloudify does: success, a retry
 * request or recoverable error (retried), a non-recoverable error (fails at once). Any other
 * thrown error counts as recoverable.
 */
import type { Dict } from '../../dsl';
import { evaluateFunctions } from '../../dsl';
import type { DeploymentData, NodeData, NodeInstanceData } from '../../deployments/model';
import { nodeStoreId } from '../../deployments/model';
import { nodeInstanceRef } from '../../deployments/node-instances';
import { deploymentEvaluationContext } from '../../deployments/evaluation';
import { KINDS } from '../../model/kinds';
import type { ExecutionHeader } from '../../ports/operation-store';
import type { OperationContext, OperationLogger } from '../../operations/context';
import { NonRecoverableError, OperationRetry, RecoverableError } from '../../operations/context';
import type { StoredEvent } from '../../events/model';
import type { OperationTask } from '../graph';
import type { Engine } from './engine';

export interface LogLine {
  level: NonNullable<StoredEvent['level']>;
  message: string;
}

export type AttemptOutcome =
  | { kind: 'succeeded'; runtimeProperties: Dict | null; logs: LogLine[] }
  | { kind: 'retry'; message: string; afterSeconds: number | null; recoverableError: boolean; logs: LogLine[] }
  | { kind: 'failed'; message: string; logs: LogLine[] }
  /** Handed to an agent: the result arrives later. */
  | { kind: 'pending' };

/** Without a secrets reader (a worker not wired to the cipher), get_secret fails saying so. */
const NO_SECRETS = {
  value: async (): Promise<string | undefined> => {
    throw new NonRecoverableError('get_secret cannot be evaluated: this worker has no access to secrets');
  },
};

/**
 * The operation's inputs with intrinsic functions evaluated against the deployment as it is now
 * (get_attribute sees the latest runtime properties, get_secret the tenant's secrets). The result
 * lives only in this attempt's memory: the persisted graph keeps the expressions, and no event
 * carries inputs, so a secret's value is never stored or logged by the engine.
 */
export async function evaluateInputs(engine: Engine, header: ExecutionHeader, task: OperationTask): Promise<Dict> {
  if (!task.call.has_intrinsic_functions || !header.deploymentId) return task.call.inputs;
  const { store } = engine.deps;
  const deployment = await store.get<DeploymentData>({ kind: KINDS.deployment, tenant: header.tenant, id: header.deploymentId });
  if (!deployment) throw new NonRecoverableError(`Deployment ${header.deploymentId} no longer exists`);
  const secrets = engine.deps.secrets?.(header.tenant) ?? NO_SECRETS;
  const context = deploymentEvaluationContext({ store, secrets }, deployment);
  const rel = task.relationship;
  const scope = rel ? { source: rel.source_id, target: rel.target_id, node: rel.source_node, targetNode: rel.target_node } : { self: task.context_instance_id, node: task.node_id ?? undefined };
  return (await evaluateFunctions(task.call.inputs, context, scope, `operations.${task.name}.inputs`)) as Dict;
}

/** Inputs for an agent operation: an evaluation error (a missing secret, say) fails the operation at once. */
export async function agentInputs(engine: Engine, header: ExecutionHeader, task: OperationTask): Promise<{ ok: true; value: Dict } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await evaluateInputs(engine, header, task) };
  } catch (err) {
    if (err instanceof NonRecoverableError || (err instanceof Error && err.name === 'FunctionEvaluationError')) return { ok: false, message: err.message };
    throw err;
  }
}

/**
 * `unwrittenState`: the state a segment's earlier steps set on the operation's instance and have not
 * written yet (engine.ts, STATE_WRITE_DELAY_MS); the context shows it instead of the stored one.
 */
export async function runCentralOperation(engine: Engine, header: ExecutionHeader, attempt: number, task: OperationTask, unwrittenState?: string): Promise<AttemptOutcome> {
  const logs: LogLine[] = [];
  const logger: OperationLogger = {
    debug: (message) => logs.push({ level: 'debug', message }),
    info: (message) => logs.push({ level: 'info', message }),
    warning: (message) => logs.push({ level: 'warning', message }),
    error: (message) => logs.push({ level: 'error', message }),
  };
  let written: Dict | null = null;
  const abort = new AbortController();
  // An operation may run most of its worker's lease (the rest covers completing it), and no longer,
  // even with a longer `timeout`: past the lease the sweeper would take it for lost and run it
  // again while it still ran (in AWS the task worker's Lambda would be stopped first).
  const leaseShare = engine.deps.config.leaseSeconds * 800;
  const askedMs = task.call.timeout ? task.call.timeout * 1000 : leaseShare;
  const timeoutMs = Math.max(1000, Math.min(askedMs, leaseShare));
  if (askedMs > leaseShare) {
    logger.warning(`timeout ${task.call.timeout} s is longer than a central operation may run here: ${Math.round(timeoutMs / 1000)} s (80 % of STRATUS_OPERATION_LEASE)`);
  }
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const { store } = engine.deps;
  let instanceCache: Promise<NodeInstanceData> | undefined;
  const instance = () =>
    (instanceCache ??= store.get<NodeInstanceData>(nodeInstanceRef(header.tenant, task.context_instance_id)).then((found) => {
      if (!found) throw new NonRecoverableError(`Node instance ${task.context_instance_id} no longer exists`);
      return found.data;
    }));
  try {
    const fn = engine.deps.registry.resolve(task.call.plugin, task.call.operation);
    const inputs = await evaluateInputs(engine, header, task);
    const ctx: OperationContext = {
      name: `${task.call.plugin}.${task.call.operation}`,
      operation: task.name,
      executionId: header.executionId,
      deploymentId: header.deploymentId,
      tenant: header.tenant,
      inputs,
      attempt,
      maxRetries: task.call.max_retries ?? header.maxRetries,
      node: async () => {
        const data = await instance();
        const node = header.deploymentId ? await store.get<NodeData>({ kind: KINDS.node, tenant: header.tenant, id: nodeStoreId(header.deploymentId, data.node_id) }) : undefined;
        if (!node) throw new NonRecoverableError(`Node ${data.node_id} no longer exists`);
        return { id: node.data.id, type: node.data.type, properties: node.data.properties };
      },
      instance: async () => {
        const data = await instance();
        return { id: data.id, node_id: data.node_id, host_id: data.host_id, state: unwrittenState ?? data.state, runtime_properties: { ...data.runtime_properties, ...written } };
      },
      setRuntimeProperties: async (properties) => {
        written = { ...written, ...properties };
      },
      relationship: task.relationship ? { type: task.relationship.type, side: task.relationship.side, sourceId: task.relationship.source_id, targetId: task.relationship.target_id } : null,
      logger,
      retry: (message, afterSeconds) => {
        throw new OperationRetry(message, afterSeconds ?? null);
      },
      abort: (message) => {
        throw new NonRecoverableError(message);
      },
      signal: abort.signal,
    };
    await Promise.race([
      Promise.resolve(fn(ctx)),
      new Promise((_, reject) => abort.signal.addEventListener('abort', () => reject(timedOut(task, timeoutMs)))),
    ]);
    return { kind: 'succeeded', runtimeProperties: written, logs };
  } catch (err) {
    if (err instanceof NonRecoverableError) return { kind: 'failed', message: err.message, logs };
    if (err instanceof OperationRetry) return { kind: 'retry', message: err.message, afterSeconds: err.afterSeconds, recoverableError: false, logs };
    const message = err instanceof Error ? err.message : String(err);
    const after = err instanceof RecoverableError ? err.afterSeconds : null;
    // Function evaluation errors are the blueprint's: retrying will not fix them.
    if (err instanceof Error && err.name === 'FunctionEvaluationError') return { kind: 'failed', message, logs };
    return { kind: 'retry', message, afterSeconds: after, recoverableError: true, logs };
  } finally {
    clearTimeout(timer);
  }
}

/** A timed-out operation: recoverable (retried) unless its `timeout_recoverable` is false. */
function timedOut(task: OperationTask, timeoutMs: number): Error {
  const message = `Operation ${task.name} timed out after ${Math.round(timeoutMs / 1000)} seconds`;
  return task.call.timeout_recoverable === false ? new NonRecoverableError(message) : new RecoverableError(message);
}
