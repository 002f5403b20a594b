/**
 * Assembles a WorkflowGraph from per-instance sequences of steps. A step is a set of tasks that
 * run in parallel; consecutive steps of a sequence run one after the other. A subgraph's entry
 * tasks (first step) and exit tasks (last step) are what edges between subgraphs connect:
 * "subgraph A waits for subgraph B" = every entry task of A depends on every exit task of B.
 * Task ids are `<subgraph>/<key>`: subgraph names and keys within a subgraph are unique.
 */
import type { GraphInstance } from './deployment';
import { WorkflowGraphError } from './errors';
import type { GraphTask, MarkerTask, OperationTask, SendEventTask, SetStateTask, WaitForAgentTask, WorkflowGraph } from './graph';
import { findCycleByPosition } from './analysis';

type Common = 'id' | 'dependencies' | 'subgraph' | 'instance_id' | 'node_id' | 'ignore_failure';

/** A task before it is placed: `key` is unique within its subgraph and becomes the id's suffix. */
export type Draft = { key: string; /** Marks the lifecycle operation (or its "nothing to do" placeholder) depends_on_lifecycle_operation may name. */ lifecycle?: string } & (
  | Omit<OperationTask, Common>
  | Omit<SetStateTask, Common>
  | Omit<SendEventTask, Common>
  | Omit<WaitForAgentTask, Common>
  | Omit<MarkerTask, Common>
);

export type Step = Draft[];

export interface Subgraph {
  name: string;
  instance: GraphInstance | null;
  /** Positions (in the builder) of the first step's tasks. */
  entry: number[];
  /** Positions of the last step's tasks. */
  exit: number[];
  /** For a lifecycle operation name: the tasks right after it (what a depends_on_lifecycle_operation source waits for). */
  anchors: Map<string, number[]>;
}

export const event = (key: string, message: string, lifecycle?: string): Draft => ({ key, kind: 'send_event', message, ...(lifecycle ? { lifecycle } : {}) });
export const setState = (state: string, message: string | null = null): Draft => ({ key: `state:${state}`, kind: 'set_state', state, message });
export const marker = (key: string, label: string): Draft => ({ key, kind: 'marker', label });

/**
 * The task of a draft. Literals written out field by field (no spread): every task of a kind gets
 * one shape, and building stays cheap at 20,000 tasks.
 */
function taskOf(d: Draft, id: string, subgraph: string, instance: GraphInstance | null, ignore: boolean): GraphTask {
  const instanceId = instance ? instance.id : null;
  const nodeId = instance ? instance.node_id : null;
  const deps: string[] = [];
  switch (d.kind) {
    case 'operation':
      return { id, kind: 'operation', dependencies: deps, subgraph, instance_id: instanceId, node_id: nodeId, ignore_failure: ignore, name: d.name, context_instance_id: d.context_instance_id, call: d.call, relationship: d.relationship, retry_until_true: d.retry_until_true };
    case 'set_state':
      return { id, kind: 'set_state', dependencies: deps, subgraph, instance_id: instanceId, node_id: nodeId, ignore_failure: ignore, state: d.state, message: d.message };
    case 'send_event':
      return { id, kind: 'send_event', dependencies: deps, subgraph, instance_id: instanceId, node_id: nodeId, ignore_failure: ignore, message: d.message };
    case 'wait_for_agent':
      return { id, kind: 'wait_for_agent', dependencies: deps, subgraph, instance_id: instanceId, node_id: nodeId, ignore_failure: ignore, host_id: d.host_id, install_method: d.install_method };
    case 'marker':
      return { id, kind: 'marker', dependencies: deps, subgraph, instance_id: instanceId, node_id: nodeId, ignore_failure: ignore, label: d.label };
  }
}

/**
 * Tasks are kept with their dependencies as positions until build(), which writes the ids: the
 * builder never hashes ids, which keeps building 20,000 tasks well under 100 ms.
 */
export class GraphBuilder {
  readonly tasks: GraphTask[] = [];
  private readonly deps: number[][] = [];
  private readonly subgraphs = new Set<string>();
  /** Tasks whose dependencies waitFor extended (the only ones that may list one twice). */
  private readonly extended = new Set<number>();

  constructor(readonly workflow: string) {}

  private place(draft: Draft, subgraph: string, instance: GraphInstance | null, dependencies: number[], ignoreFailure: boolean): number {
    this.tasks.push(taskOf(draft, `${subgraph}/${draft.key}`, subgraph, instance, ignoreFailure));
    this.deps.push(dependencies);
    return this.tasks.length - 1;
  }

  private claim(subgraph: string): void {
    if (this.subgraphs.has(subgraph)) throw new WorkflowGraphError(`Duplicate subgraph ${subgraph}`, 'invalid_graph_error');
    this.subgraphs.add(subgraph);
  }

  /**
   * Places a sequence of steps as one subgraph. Empty steps are dropped; an empty sequence becomes a
   * single marker so that other subgraphs can still wait for it (and through it, for what it waits
   * for). Between two parallel steps a join marker keeps the edge count linear.
   */
  sequence(name: string, instance: GraphInstance | null, steps: Step[], options: { ignoreFailure?: boolean; emptyLabel?: string } = {}): Subgraph {
    // Keys are unique within a sequence by construction (one key per lifecycle step, relationship
    // keys carry the relationship's position); the tests check ids are unique on every graph.
    this.claim(name);
    const ignore = options.ignoreFailure ?? false;
    const present = steps.filter((s) => s.length > 0);
    if (present.length === 0) present.push([marker('stub', options.emptyLabel ?? `nothing to do for ${instance?.id ?? name}`)]);
    const anchors = new Map<string, number[]>();
    let pendingAnchors: string[] = [];
    let previous: number[] = [];
    let entry: number[] = [];
    for (const step of present) {
      if (previous.length > 1 && step.length > 1) {
        previous = [this.place(marker(`${step[0].key}~join`, 'join'), name, instance, previous, ignore)];
      }
      const placed: number[] = [];
      // Tasks of one step share their (read-only) dependency list; entry tasks get their own, as
      // waitFor and phases add to them.
      for (const draft of step) placed.push(this.place(draft, name, instance, previous.length ? previous : [], ignore));
      if (entry.length === 0) entry = placed;
      for (const op of pendingAnchors) anchors.set(op, placed);
      pendingAnchors = [];
      for (const draft of step) if (draft.lifecycle) pendingAnchors.push(draft.lifecycle);
      previous = placed;
    }
    for (const op of pendingAnchors) anchors.set(op, previous);
    return { name, instance, entry, exit: previous, anchors };
  }

  /** `waiting` starts only after every task of `on` finished. */
  waitFor(waiting: Subgraph, on: number[]): void {
    for (const task of waiting.entry) {
      this.deps[task].push(...on);
      this.extended.add(task);
    }
  }

  /**
   * Runs the phases one after the other: every task of a phase that waits for nothing waits for a
   * barrier marker that follows every task of the previous phase (Cloudify runs such workflows as
   * consecutive graphs, e.g. reinstall = uninstall then install).
   */
  phases(phases: { name: string; build: () => void }[]): void {
    let barrier: number | null = null;
    for (const phase of phases) {
      const start = this.tasks.length;
      phase.build();
      const end = this.tasks.length;
      if (end === start) continue;
      const awaited = new Uint8Array(end - start);
      for (let i = start; i < end; i++) {
        if (barrier !== null && this.deps[i].length === 0) this.deps[i].push(barrier);
        for (const dep of this.deps[i]) if (dep >= start) awaited[dep - start] = 1;
      }
      const sinks: number[] = [];
      for (let i = start; i < end; i++) if (!awaited[i - start]) sinks.push(i);
      this.claim(`phase_${phase.name}`);
      barrier = this.place(marker('done', `${phase.name} finished`), `phase_${phase.name}`, null, sinks, false);
    }
  }

  build(): WorkflowGraph {
    const { tasks, deps } = this;
    // Several relationships towards one instance add the same edge more than once.
    for (const i of this.extended) if (deps[i].length > 1) deps[i] = [...new Set(deps[i])];
    for (let i = 0; i < tasks.length; i++) tasks[i].dependencies = deps[i].map((d) => tasks[d].id);
    const cycle = findCycleByPosition(deps);
    if (cycle) {
      throw new WorkflowGraphError(`Invalid workflow graph: the tasks wait for each other in a cycle: ${cycle.map((i) => tasks[i].id).join(' -> ')}`, 'invalid_graph_error');
    }
    return { workflow: this.workflow, tasks };
  }
}
