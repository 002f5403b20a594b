/**
 * The graph as the engine persists it: the builder's tasks contracted so that only the tasks that
 * need their own durable state get an item.
 *
 * - Operation and wait_for_agent tasks are always persisted (they are dispatched, retried, leased).
 * - A local task (set_state, send_event, marker) with exactly one dependency is folded into the
 *   persisted task that owns that dependency, as an `after` action: it runs right after that task
 *   succeeds, before the task's dependents are released. This only adds order (a local step before
 *   its siblings), never removes any, and it is what keeps the cost per operation low: an install
 *   of one instance persists its three lifecycle operations and one head, not ~15 tasks.
 * - Other local tasks (no dependency, or several) are persisted as `local` heads that run inline.
 * - Leaves feed sinks of at most SINK_FAN_IN, which feed the end task: when `__end__` becomes
 *   ready, every task has succeeded (or failed with ignore_failure) and the execution succeeded.
 */
import type { GraphTask, MarkerTask, OperationTask, SendEventTask, SetStateTask, WaitForAgentTask, WorkflowGraph } from '../graph';
import { topologicalOrder } from '../analysis';

export const END_TASK = '__end__';
/** The end of a scale's rollback graph, persisted next to the failed scale's tasks (see scale-run.ts). */
export const ROLLBACK_NAMESPACE = 'rollback';
export const ROLLBACK_END_TASK = `${ROLLBACK_NAMESPACE}/${END_TASK}`;
const SINK_FAN_IN = 50;

export type LocalTask = SetStateTask | SendEventTask | MarkerTask;

export interface PersistedTask {
  id: string;
  kind: 'operation' | 'wait_for_agent' | 'local' | 'sink';
  /** The builder's task (operation, wait_for_agent, or the local head itself). */
  task: OperationTask | WaitForAgentTask | LocalTask | null;
  /** Local tasks folded in, run in order after the task succeeded. */
  after: LocalTask[];
  dependencies: string[];
  /** `[id, number of dependencies of that task, whether it runs inline]`: the release needs both. */
  dependents: [string, number, boolean][];
  ignore_failure: boolean;
}

function isLocal(task: GraphTask): task is LocalTask {
  return task.kind === 'set_state' || task.kind === 'send_event' || task.kind === 'marker';
}

/**
 * `namespace` prefixes the sinks and the end task, so a second graph (a rollback) can be persisted
 * in the same execution next to the first without sharing ids (its own task ids are distinct already).
 */
export function persistGraph(graph: WorkflowGraph, namespace?: string): PersistedTask[] {
  const owner = new Map<string, string>();
  const persisted = new Map<string, PersistedTask>();
  for (const task of topologicalOrder(graph)) {
    const id = task.id;
    const deps = [...new Set(task.dependencies)];
    if (isLocal(task) && deps.length === 1) {
      const target = owner.get(deps[0])!;
      persisted.get(target)!.after.push(task);
      owner.set(id, target);
      continue;
    }
    const kind = task.kind === 'operation' ? 'operation' : task.kind === 'wait_for_agent' ? 'wait_for_agent' : 'local';
    const dependencies = [...new Set(deps.map((dep) => owner.get(dep)!))];
    persisted.set(id, { id, kind, task, after: [], dependencies, dependents: [], ignore_failure: task.ignore_failure });
    owner.set(id, id);
  }
  const tasks = [...persisted.values()];
  addSinks(tasks, namespace ? `${namespace}/` : '');
  const index = new Map(tasks.map((task) => [task.id, task]));
  for (const task of tasks) for (const dep of task.dependencies) index.get(dep)!.dependents.push([task.id, task.dependencies.length, runsInline(task)]);
  return tasks;
}

function sink(id: string, dependencies: string[]): PersistedTask {
  return { id, kind: 'sink', task: null, after: [], dependencies, dependents: [], ignore_failure: false };
}

/** Leaves → sinks of at most SINK_FAN_IN → ... → END_TASK. */
function addSinks(tasks: PersistedTask[], prefix: string): void {
  const hasDependents = new Set(tasks.flatMap((task) => task.dependencies));
  let level = tasks.filter((task) => !hasDependents.has(task.id)).map((task) => task.id);
  let round = 0;
  while (level.length > SINK_FAN_IN) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += SINK_FAN_IN) {
      const id = `${prefix}__sink_${round}_${i / SINK_FAN_IN}`;
      tasks.push(sink(id, level.slice(i, i + SINK_FAN_IN)));
      next.push(id);
    }
    level = next;
    round++;
  }
  tasks.push(sink(`${prefix}${END_TASK}`, level));
}

/** Local heads and sinks run inline in the worker that releases them; the others are dispatched. */
export function runsInline(task: PersistedTask): boolean {
  return task.kind === 'local' || task.kind === 'sink';
}

/** The persisted tasks that count as operations (total_operations). */
export function operationCount(tasks: PersistedTask[]): number {
  return tasks.filter((task) => task.kind === 'operation').length;
}
