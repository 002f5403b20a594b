/** Step helpers shared by the per-instance sequences: node operations and "skip no-ops". */
import type { Dict } from '../dsl/plan';
import type { Draft, Step } from './builder';
import type { DeploymentIndex, GraphInstance } from './deployment';
import { isNoop, resolveOperation } from './operations';

/** `lifecycle.create` for `cloudify.interfaces.lifecycle.create`: short, readable task keys. */
export function operationKey(name: string): string {
  const lastDot = name.lastIndexOf('.');
  return lastDot <= 0 ? name : name.slice(name.lastIndexOf('.', lastDot - 1) + 1);
}

export interface NodeOpOptions {
  kwargs?: Dict;
  /** The key within the subgraph (default: operationKey(name)). */
  key?: string;
  /** Tag for depends_on_lifecycle_operation anchors. */
  lifecycle?: string;
  retryUntilTrue?: boolean;
}

/** The node operation `name` of this instance, or null when the node lacks it or it is a no-op. */
export function nodeOperation(index: DeploymentIndex, instance: GraphInstance, name: string, options: NodeOpOptions = {}): Draft | null {
  const op = index.nodeOf(instance).operations?.[name];
  if (isNoop(op)) return null;
  return {
    key: options.key ?? operationKey(name),
    kind: 'operation',
    name,
    context_instance_id: instance.id,
    call: resolveOperation(index, op!, instance, name, options.kwargs),
    relationship: null,
    retry_until_true: options.retryUntilTrue ?? false,
    ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
  };
}

/**
 * `pre`, the task (or parallel tasks) and `post` in sequence, or nothing at all when the task is
 * absent: a no-op is dropped together with the events and state changes around it.
 */
export function skipNop(task: Draft | Step | null, pre: Draft | null = null, post: Draft | null = null): Step[] {
  const main = Array.isArray(task) ? task : task ? [task] : [];
  if (main.length === 0) return [];
  return [pre ? [pre] : [], main, post ? [post] : []].filter((s) => s.length > 0);
}

/** Several sequential steps wrapped by events, or nothing when there are no steps. */
export function skipEmpty(steps: Step[], pre: Draft, post: Draft): Step[] {
  return steps.length ? [[pre], ...steps, [post]] : [];
}
