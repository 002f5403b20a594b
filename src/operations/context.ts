/**
 * What a central operation receives: its inputs (functions already evaluated), the node and node
 * instance it runs on (read lazily: an operation that does not look costs no read), runtime
 * properties with write-back (persisted when the operation succeeds, with the instance's version
 * check), a logger whose lines become `cloudify_log` events, and the retry/abort controls of
 * Cloudify's ctx.operation.
 */
import type { Dict } from '../dsl';

export interface OperationNode {
  id: string;
  type: string;
  properties: Dict;
}

export interface OperationInstance {
  id: string;
  node_id: string;
  host_id: string | null;
  state: string;
  runtime_properties: Dict;
}

export interface OperationLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

export interface OperationContext {
  /** `plugin.module.function`, e.g. `stratus.ops.noop`. */
  name: string;
  /** The lifecycle or relationship operation it implements, e.g. `cloudify.interfaces.lifecycle.create`. */
  operation: string;
  executionId: string;
  deploymentId: string | null;
  /** The execution's tenant (set by the engine; absent in contexts built elsewhere). */
  tenant?: string;
  inputs: Dict;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
  maxRetries: number;
  node(): Promise<OperationNode>;
  instance(): Promise<OperationInstance>;
  /** Merges properties into the instance's runtime properties (written when the operation succeeds). */
  setRuntimeProperties(properties: Dict): Promise<void>;
  /** For relationship operations: the other side. */
  relationship: { type: string; side: 'source' | 'target'; sourceId: string; targetId: string } | null;
  logger: OperationLogger;
  /** Ask to run the operation again after `afterSeconds` (ctx.operation.retry). Never returns. */
  retry(message: string, afterSeconds?: number): never;
  /** Fail at once, without retries (NonRecoverableError). Never returns. */
  abort(message: string): never;
  /** Aborted when the operation's invocation must stop (timeout). */
  signal: AbortSignal;
}

/** Raised by ctx.retry (Cloudify's OperationRetry): retried after its own interval, counts as a retry. */
export class OperationRetry extends Error {
  constructor(message: string, readonly afterSeconds: number | null) {
    super(message);
    this.name = 'OperationRetry';
  }
}

/** Fails the operation at once (Cloudify's NonRecoverableError). */
export class NonRecoverableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonRecoverableError';
  }
}

/** Retried after the task's interval (Cloudify's RecoverableError); any other error counts as one too. */
export class RecoverableError extends Error {
  constructor(message: string, readonly afterSeconds: number | null = null) {
    super(message);
    this.name = 'RecoverableError';
  }
}

export type OperationFunction = (ctx: OperationContext) => Promise<unknown> | unknown;
