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
 * - A chain of central operations, each the only dependent of the one before (an instance's
 *   create → configure → start, say), is fused into one persisted task of several steps (a
 *   segment, at most maxSteps operations): one worker runs them in order, writing its progress (the
 *   next step) after each one, so the chain costs one claim, one completion and one release instead
 *   of one per operation. A local head whose only dependent starts such a chain leads it as a local
 *   step 0 (its local steps only). Order is unchanged: each step still starts only after the one
 *   before succeeded. Operations of host agents (their results arrive later) and wait_for_agent
 *   stay tasks of their own.
 * - Leaves feed sinks of at most SINK_FAN_IN, which feed the end task: when `__end__` becomes
 *   ready, every task has succeeded (or failed with ignore_failure) and the execution succeeded.
 */
import type { GraphTask, MarkerTask, OperationTask, SendEventTask, SetStateTask, WaitForAgentTask, WorkflowGraph } from '../graph';
import type { TaskRecord } from '../../ports/operation-store';
import { topologicalOrder } from '../analysis';

export const END_TASK = '__end__';
/** The end of a scale's rollback graph, persisted next to the failed scale's tasks (see scale-run.ts). */
export const ROLLBACK_NAMESPACE = 'rollback';
export const ROLLBACK_END_TASK = `${ROLLBACK_NAMESPACE}/${END_TASK}`;
const SINK_FAN_IN = 50;
/** Most operations fused into one segment: a longer chain is split (each part a task of its own). */
export const DEFAULT_SEGMENT_STEPS = 32;

export type LocalTask = SetStateTask | SendEventTask | MarkerTask;

export interface PersistedTask {
  id: string;
  kind: 'operation' | 'wait_for_agent' | 'local' | 'sink';
  /** The builder's task (operation, wait_for_agent, or the local head itself). */
  task: OperationTask | WaitForAgentTask | LocalTask | null;
  /** Local tasks folded in, run in order after the task succeeded. */
  after: LocalTask[];
  /**
   * A segment's further operations (kind `operation` only), run in order after `task` and its
   * `after`: step 0 is `task` (an operation, or a local head leading the segment), step k is
   * `steps[k - 1]`. Absent for a single operation.
   */
  steps?: SegmentStep[];
  dependencies: string[];
  /** `[id, number of dependencies of that task, whether it runs inline]`: the release needs both. */
  dependents: [string, number, boolean][];
  ignore_failure: boolean;
}

export interface SegmentStep {
  task: OperationTask;
  after: LocalTask[];
}

export interface PersistOptions {
  /** Most operations per segment (1: no fusion, also of local heads). */
  maxSteps?: number;
}

function isLocal(task: Pick<GraphTask, 'kind'>): task is LocalTask {
  return task.kind === 'set_state' || task.kind === 'send_event' || task.kind === 'marker';
}

/**
 * `namespace` prefixes the sinks and the end task, so a second graph (a rollback) can be persisted
 * in the same execution next to the first without sharing ids (its own task ids are distinct already).
 */
export function persistGraph(graph: WorkflowGraph, namespace?: string, options: PersistOptions = {}): PersistedTask[] {
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
  const tasks = fuseChains([...persisted.values()], options.maxSteps ?? DEFAULT_SEGMENT_STEPS);
  addSinks(tasks, namespace ? `${namespace}/` : '');
  const index = new Map(tasks.map((task) => [task.id, task]));
  for (const task of tasks) for (const dep of task.dependencies) index.get(dep)!.dependents.push([task.id, task.dependencies.length, runsInline(task)]);
  return tasks;
}

/** A central operation (run by the task worker itself, not handed to an agent). */
function isCentral(task: PersistedTask): boolean {
  return task.kind === 'operation' && !agentOperation(task);
}

/**
 * Fuses chains of central operations into segments (tasks in topological order, dependencies
 * already contracted): a task joins the segment of its only dependency when it is that
 * dependency's only dependent, both ignore failures alike, and the segment has room. A local head
 * can start a segment (it becomes its local step 0).
 */
function fuseChains(tasks: PersistedTask[], maxSteps: number): PersistedTask[] {
  if (maxSteps <= 1) return tasks;
  const dependents = new Map<string, number>();
  for (const task of tasks) for (const dep of task.dependencies) dependents.set(dep, (dependents.get(dep) ?? 0) + 1);
  const byId = new Map(tasks.map((task) => [task.id, task]));
  /** The segment (head task) each fused task now belongs to. */
  const segmentOf = new Map<string, PersistedTask>();
  const kept: PersistedTask[] = [];
  for (const task of tasks) {
    const dep = task.dependencies.length === 1 ? task.dependencies[0] : undefined;
    const head = dep === undefined ? undefined : (segmentOf.get(dep) ?? byId.get(dep));
    const canLead = head !== undefined && (isCentral(head) || head.kind === 'local');
    const fits = canLead && isCentral(task) && dependents.get(dep!) === 1 && head.ignore_failure === task.ignore_failure && operationsIn(head) < maxSteps;
    if (fits) {
      head.kind = 'operation';
      (head.steps ??= []).push({ task: task.task as OperationTask, after: task.after });
      segmentOf.set(task.id, head);
      continue;
    }
    kept.push(task);
  }
  // A dependency on a fused task is a dependency on its segment (only ever on a segment's last step).
  for (const task of kept) task.dependencies = [...new Set(task.dependencies.map((dep) => segmentOf.get(dep)?.id ?? dep))];
  return kept;
}

/** Step `index` of a task: its own task (0) or a segment's further operation. */
export function stepOf(task: PersistedTask, index: number): { task: PersistedTask['task']; after: LocalTask[] } {
  if (index === 0) return { task: task.task, after: task.after };
  const step = task.steps?.[index - 1];
  if (!step) throw new Error(`Task ${task.id} has no step ${index}`);
  return step;
}

/** Whether step `index` runs local steps only (a local head, alone or leading a segment). */
export function isLocalStep(task: PersistedTask, index: number): boolean {
  return index === 0 && task.task !== null && isLocal(task.task);
}

/** The local steps step `index` applies: after its operation, or all of them for a local step. */
export function localStepsOf(task: PersistedTask, index: number): LocalTask[] {
  const step = stepOf(task, index);
  return isLocalStep(task, index) ? [step.task as LocalTask, ...step.after] : step.after;
}

/** How many steps a dispatched task runs (a segment's, a local step 0 included; 1 for any other operation task, 0 otherwise). */
export function stepCount(task: PersistedTask): number {
  return task.kind === 'operation' ? 1 + (task.steps?.length ?? 0) : 0;
}

/** The operations among steps 0..index of a task (a local step is not one). */
export function operationsThrough(task: PersistedTask, index: number): number {
  if (task.kind !== 'operation' || index < 0) return 0;
  return index + 1 - (isLocalStep(task, 0) ? 1 : 0);
}

/** The host-agent operation a task runs, if it is one (segments never are: they run centrally). */
export function agentOperation(task: PersistedTask): OperationTask | undefined {
  const op = task.kind === 'operation' ? task.task : null;
  return op?.kind === 'operation' && op.call.executor === 'host_agent' ? op : undefined;
}

/** The operations a task runs. */
export function operationsIn(task: PersistedTask): number {
  return operationsThrough(task, stepCount(task) - 1);
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
  return tasks.reduce((total, task) => total + operationsIn(task), 0);
}

/** A task whose dependencies have all finished but that was not started (the start after the last one was lost). */
export function readyButWaiting(record: Pick<TaskRecord, 'state' | 'spec' | 'done'>): boolean {
  return record.state === 'waiting' && record.done.length >= record.spec.dependencies.length;
}

/** A task whose dependents may go on: it succeeded, or failed with ignore_failure. */
export function releasesDependents(record: Pick<TaskRecord, 'state' | 'spec'>): boolean {
  return record.state === 'succeeded' || (record.state === 'failed' && record.spec.ignore_failure);
}
