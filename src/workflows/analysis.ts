/**
 * Reading a built graph: validation (unique ids, edges to existing tasks, no cycles), an
 * execution order in waves, progress counting and the dry-run listing.
 */
import { WorkflowGraphError } from './errors';
import type { GraphTask, WorkflowGraph } from './graph';

/** Operations for progress (`total_operations`): operation tasks only. */
export function countOperations(graph: WorkflowGraph): number {
  let count = 0;
  for (const task of graph.tasks) if (task.kind === 'operation') count++;
  return count;
}

/** A cycle among the tasks left over by a topological sort, as a list of ids (first = last). */
function findCycle(remaining: Set<string>, byId: Map<string, GraphTask>): string[] {
  const start = remaining.values().next().value as string;
  const path: string[] = [];
  const seen = new Map<string, number>();
  let current = start;
  // Every remaining task waits for at least one remaining task, so following such edges loops.
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    current = byId.get(current)!.dependencies.find((d) => remaining.has(d))!;
  }
  return [...path.slice(seen.get(current)!), current];
}

/**
 * The wave of each task: 0 for tasks that wait for nothing, else one more than the latest wave it
 * waits for. Tasks of one wave can run in parallel. Throws on cycles.
 */
export function waves(graph: WorkflowGraph): Map<string, number> {
  const problems = findGraphProblems(graph);
  if (problems.length) throw invalid(problems);
  return computeWaves(graph).waves;
}

function computeWaves(graph: WorkflowGraph): { waves: Map<string, number>; remaining: Set<string> } {
  const dependents = new Map<string, string[]>();
  const pending = new Map<string, number>();
  const result = new Map<string, number>();
  const ready: string[] = [];
  for (const task of graph.tasks) {
    pending.set(task.id, task.dependencies.length);
    if (task.dependencies.length === 0) {
      ready.push(task.id);
      result.set(task.id, 0);
    }
    for (const dep of task.dependencies) {
      const list = dependents.get(dep);
      if (list) list.push(task.id);
      else dependents.set(dep, [task.id]);
    }
  }
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i];
    const wave = result.get(id)!;
    for (const next of dependents.get(id) ?? []) {
      result.set(next, Math.max(result.get(next) ?? 0, wave + 1));
      const left = pending.get(next)! - 1;
      pending.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  const remaining = new Set(graph.tasks.filter((t) => pending.get(t.id)! > 0).map((t) => t.id));
  return { waves: result, remaining };
}

/** Everything wrong with a graph's structure (empty when it is valid). */
export function findGraphProblems(graph: WorkflowGraph): string[] {
  const problems: string[] = [];
  const byId = new Map<string, GraphTask>();
  for (const task of graph.tasks) {
    if (byId.has(task.id)) problems.push(`duplicate task id ${task.id}`);
    byId.set(task.id, task);
  }
  for (const task of graph.tasks) {
    for (const dep of task.dependencies) {
      if (dep === task.id) problems.push(`task ${task.id} waits for itself`);
      else if (!byId.has(dep)) problems.push(`task ${task.id} waits for ${dep}, which does not exist`);
    }
  }
  if (problems.length) return problems;
  const { remaining } = computeWaves(graph);
  if (remaining.size) problems.push(`the tasks wait for each other in a cycle: ${findCycle(remaining, byId).join(' -> ')}`);
  return problems;
}

function invalid(problems: string[]): WorkflowGraphError {
  const shown = problems.slice(0, 5).join('; ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  return new WorkflowGraphError(`Invalid workflow graph: ${shown}${more}`, 'invalid_graph_error');
}

export function assertValidGraph(graph: WorkflowGraph): void {
  const problems = findGraphProblems(graph);
  if (problems.length) throw invalid(problems);
}

/** A valid execution order: by wave, then construction order. */
export function topologicalOrder(graph: WorkflowGraph): GraphTask[] {
  const w = waves(graph);
  const position = new Map(graph.tasks.map((t, i) => [t.id, i]));
  return [...graph.tasks].sort((a, b) => w.get(a.id)! - w.get(b.id)! || position.get(a.id)! - position.get(b.id)!);
}

export interface DryRunEntry {
  /** 1-based position in the listing. */
  position: number;
  /** Tasks of the same wave may run in parallel. */
  wave: number;
  id: string;
  kind: GraphTask['kind'];
  subgraph: string;
  instance_id: string | null;
  summary: string;
  dependencies: string[];
}

export function summarize(task: GraphTask): string {
  switch (task.kind) {
    case 'operation': {
      const rel = task.relationship ? ` (${task.relationship.side} of ${task.relationship.source_id} -> ${task.relationship.target_id})` : '';
      const where = task.call.executor === 'host_agent' ? `agent of ${task.call.host_id}` : 'central';
      return `${task.name} on ${task.context_instance_id}${rel}: ${task.call.plugin}.${task.call.operation} [${where}]`;
    }
    case 'set_state':
      return `state of ${task.instance_id} -> ${task.state}${task.message ? ` ("${task.message}")` : ''}`;
    case 'send_event':
      return `event "${task.message}"`;
    case 'wait_for_agent':
      return `wait for the agent of ${task.host_id} to connect (install_method ${task.install_method})`;
    case 'marker':
      return task.label;
  }
}

/** The dry-run description: every task in execution order with its wave and what it waits for. */
export function describeGraph(graph: WorkflowGraph): DryRunEntry[] {
  const w = waves(graph);
  return topologicalOrder(graph).map((task, i) => ({
    position: i + 1,
    wave: w.get(task.id)!,
    id: task.id,
    kind: task.kind,
    subgraph: task.subgraph,
    instance_id: task.instance_id,
    summary: summarize(task),
    dependencies: task.dependencies,
  }));
}

/** The dry-run description as text, one line per task, waves separated. */
export function formatDryRun(entries: DryRunEntry[]): string {
  const lines: string[] = [];
  let wave = -1;
  for (const entry of entries) {
    if (entry.wave !== wave) {
      wave = entry.wave;
      lines.push(`wave ${wave}:`);
    }
    lines.push(`  ${entry.position}. [${entry.kind}] ${entry.summary}  (${entry.id})`);
  }
  return lines.join('\n');
}
