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

/**
 * Dependencies as positions, plus the structural problems met on the way (duplicate ids, edges to
 * tasks that do not exist, self-edges). Ids are hashed once each here; everything after works on
 * positions.
 */
function indexGraph(graph: WorkflowGraph): { deps: number[][]; problems: string[] } {
  const problems: string[] = [];
  const position = new Map<string, number>();
  graph.tasks.forEach((task, i) => {
    if (position.has(task.id)) problems.push(`duplicate task id ${task.id}`);
    else position.set(task.id, i);
  });
  const deps = graph.tasks.map((task) => {
    const list: number[] = [];
    for (const dep of task.dependencies) {
      const at = position.get(dep);
      if (dep === task.id) problems.push(`task ${task.id} waits for itself`);
      else if (at === undefined) problems.push(`task ${task.id} waits for ${dep}, which does not exist`);
      else list.push(at);
    }
    return list;
  });
  return { deps, problems };
}

/**
 * Kahn's algorithm over positions: the wave of each task (0 for tasks that wait for nothing, else
 * one more than the latest wave it waits for), or -1 for tasks caught in or behind a cycle.
 */
function computeWaves(deps: number[][]): Int32Array {
  const n = deps.length;
  const pending = new Int32Array(n);
  const wave = new Int32Array(n).fill(-1);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  const ready: number[] = [];
  for (let i = 0; i < n; i++) {
    pending[i] = deps[i].length;
    for (const d of deps[i]) dependents[d].push(i);
    if (pending[i] === 0) {
      ready.push(i);
      wave[i] = 0;
    }
  }
  for (let r = 0; r < ready.length; r++) {
    const i = ready[r];
    for (const next of dependents[i]) {
      if (wave[next] < wave[i] + 1) wave[next] = wave[i] + 1;
      if (--pending[next] === 0) ready.push(next);
    }
  }
  for (let i = 0; i < n; i++) if (pending[i] > 0) wave[i] = -1;
  return wave;
}

/** A cycle (first = last) among tasks given by their dependency positions, or null. */
export function findCycleByPosition(deps: number[][]): number[] | null {
  const wave = computeWaves(deps);
  const stuck = wave.indexOf(-1);
  if (stuck < 0) return null;
  // Every stuck task waits for at least one stuck task, so following such edges loops.
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  let current = stuck;
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    current = deps[current].find((d) => wave[d] === -1)!;
  }
  return [...path.slice(seenAt.get(current)!), current];
}

/** Everything wrong with a graph's structure (empty when it is valid). */
export function findGraphProblems(graph: WorkflowGraph): string[] {
  const { deps, problems } = indexGraph(graph);
  if (problems.length) return problems;
  const cycle = findCycleByPosition(deps);
  return cycle ? [`the tasks wait for each other in a cycle: ${cycle.map((i) => graph.tasks[i].id).join(' -> ')}`] : [];
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

/** The wave of every task, by position; throws when the graph is invalid. */
function wavesByPosition(graph: WorkflowGraph): Int32Array {
  const { deps, problems } = indexGraph(graph);
  if (problems.length) throw invalid(problems);
  const wave = computeWaves(deps);
  if (wave.includes(-1)) throw invalid(findGraphProblems(graph));
  return wave;
}

/** Tasks of one wave can run in parallel: 0 for tasks that wait for nothing, else one more than the latest wave waited for. */
export function waves(graph: WorkflowGraph): Map<string, number> {
  const wave = wavesByPosition(graph);
  return new Map(graph.tasks.map((t, i) => [t.id, wave[i]]));
}

function orderedPositions(wave: Int32Array): number[] {
  return Array.from(wave.keys()).sort((a, b) => wave[a] - wave[b] || a - b);
}

/** A valid execution order: by wave, then construction order. */
export function topologicalOrder(graph: WorkflowGraph): GraphTask[] {
  return orderedPositions(wavesByPosition(graph)).map((i) => graph.tasks[i]);
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
  const wave = wavesByPosition(graph);
  return orderedPositions(wave).map((i, k) => {
    const task = graph.tasks[i];
    return { position: k + 1, wave: wave[i], id: task.id, kind: task.kind, subgraph: task.subgraph, instance_id: task.instance_id, summary: summarize(task), dependencies: task.dependencies };
  });
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
