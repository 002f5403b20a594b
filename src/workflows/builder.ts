/**
 * Assembles a WorkflowGraph from per-instance sequences of steps. A step is a set of tasks that
 * run in parallel; consecutive steps of a sequence run one after the other. A subgraph's entry
 * tasks (first step) and exit tasks (last step) are what edges between subgraphs connect:
 * "subgraph A waits for subgraph B" = every entry task of A depends on every exit task of B.
 */
import type { GraphInstance } from './deployment';
import { WorkflowGraphError } from './errors';
import type { GraphTask, MarkerTask, OperationTask, SendEventTask, SetStateTask, WaitForAgentTask, WorkflowGraph } from './graph';
import { assertValidGraph } from './analysis';

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
  entry: GraphTask[];
  exit: GraphTask[];
  /** For a lifecycle operation name: the tasks right after it (what a depends_on_lifecycle_operation source waits for). */
  anchors: Map<string, GraphTask[]>;
}

export const event = (key: string, message: string, lifecycle?: string): Draft => ({ key, kind: 'send_event', message, ...(lifecycle ? { lifecycle } : {}) });
export const setState = (state: string, message: string | null = null): Draft => ({ key: `state:${state}`, kind: 'set_state', state, message });
export const marker = (key: string, label: string): Draft => ({ key, kind: 'marker', label });

export class GraphBuilder {
  readonly tasks: GraphTask[] = [];
  private readonly ids = new Set<string>();

  constructor(readonly workflow: string) {}

  private place(draft: Draft, subgraph: string, instance: GraphInstance | null, dependencies: string[], ignoreFailure: boolean): GraphTask {
    const { key, lifecycle: _lifecycle, ...rest } = draft;
    const id = `${subgraph}/${key}`;
    if (this.ids.has(id)) throw new WorkflowGraphError(`Duplicate task id ${id}`, 'invalid_graph_error');
    this.ids.add(id);
    const task = { ...rest, id, dependencies, subgraph, instance_id: instance?.id ?? null, node_id: instance?.node_id ?? null, ignore_failure: ignoreFailure } as GraphTask;
    this.tasks.push(task);
    return task;
  }

  /**
   * Places a sequence of steps as one subgraph. Empty steps are dropped; an empty sequence becomes a
   * single marker so that other subgraphs can still wait for it (and through it, for what it waits
   * for). Between two parallel steps a join marker keeps the edge count linear.
   */
  sequence(name: string, instance: GraphInstance | null, steps: Step[], options: { ignoreFailure?: boolean; emptyLabel?: string } = {}): Subgraph {
    const ignore = options.ignoreFailure ?? false;
    const present = steps.filter((s) => s.length > 0);
    if (present.length === 0) present.push([marker('stub', options.emptyLabel ?? `nothing to do for ${instance?.id ?? name}`)]);
    const anchors = new Map<string, GraphTask[]>();
    let pendingAnchors: string[] = [];
    let previous: GraphTask[] = [];
    let entry: GraphTask[] = [];
    for (const step of present) {
      if (previous.length > 1 && step.length > 1) {
        previous = [this.place(marker(`${step[0].key}~join`, 'join'), name, instance, previous.map((t) => t.id), ignore)];
      }
      const deps = previous.map((t) => t.id);
      const placed = step.map((draft) => this.place(draft, name, instance, [...deps], ignore));
      if (entry.length === 0) entry = placed;
      for (const op of pendingAnchors) anchors.set(op, placed);
      pendingAnchors = step.filter((d) => d.lifecycle).map((d) => d.lifecycle!);
      previous = placed;
    }
    for (const op of pendingAnchors) anchors.set(op, previous);
    return { name, instance, entry, exit: previous, anchors };
  }

  /** `waiting` starts only after every task of `on` finished. */
  waitFor(waiting: Subgraph, on: GraphTask[]): void {
    const ids = on.map((t) => t.id);
    for (const task of waiting.entry) task.dependencies.push(...ids);
  }

  /**
   * Runs the phases one after the other: every task of a phase that waits for nothing waits for a
   * barrier marker that follows every task of the previous phase (Cloudify runs such workflows as
   * consecutive graphs, e.g. reinstall = uninstall then install).
   */
  phases(phases: { name: string; build: () => void }[]): void {
    let barrier: GraphTask | null = null;
    for (const phase of phases) {
      const start = this.tasks.length;
      phase.build();
      const placed = this.tasks.slice(start);
      if (placed.length === 0) continue;
      if (barrier) for (const task of placed) if (task.dependencies.length === 0) task.dependencies.push(barrier.id);
      const awaited = new Set<string>();
      for (const task of placed) for (const dep of task.dependencies) awaited.add(dep);
      const sinks = placed.filter((t) => !awaited.has(t.id)).map((t) => t.id);
      barrier = this.place(marker('done', `${phase.name} finished`), `phase_${phase.name}`, null, sinks, false);
    }
  }

  build(): WorkflowGraph {
    // Several relationships towards one instance add the same edge more than once.
    for (const task of this.tasks) if (task.dependencies.length > 1) task.dependencies = [...new Set(task.dependencies)];
    const graph = { workflow: this.workflow, tasks: this.tasks };
    assertValidGraph(graph);
    return graph;
  }
}
