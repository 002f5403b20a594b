/**
 * Turns the description a workflow function built (sandbox.ts) into a WorkflowGraph the engine
 * runs like a built-in one. The description is untrusted data: every item and edge is checked
 * again here. Operations resolve exactly as in the built-ins (executor, host, inputs merged with
 * the kwargs); `builtin` items embed a built-in workflow's whole graph under a prefix.
 *
 * Ids are `custom_<instance>/<item>.<step>` (or `custom/<item>.<step>`), item = the position in
 * the description: the same function over the same deployment gives the same ids.
 */
import { containsFunction } from '../../dsl';
import type { Dict } from '../../dsl/plan';
import { findCycleByPosition } from '../analysis';
import { BUILTIN_WORKFLOWS } from '../builtins';
import type { GraphDeployment, GraphInstance } from '../deployment';
import { DeploymentIndex } from '../deployment';
import { WorkflowGraphError } from '../errors';
import type { GraphTask, WorkflowGraph } from '../graph';
import { isNoop, resolveOperation } from '../operations';
import { operationKey } from '../steps';
import { CustomWorkflowError } from './errors';
import type { Description, DescriptionItem } from './sandbox';

/** Entry and exit task positions of a placed item. */
interface Placed {
  entry: number[];
  exit: number[];
}

class Assembly {
  readonly tasks: GraphTask[] = [];
  readonly deps: number[][] = [];
  private readonly index: DeploymentIndex;

  constructor(
    readonly workflow: string,
    private readonly deployment: GraphDeployment,
    private readonly maxTasks: number,
  ) {
    this.index = new DeploymentIndex(deployment);
  }

  private push(task: GraphTask, deps: number[] = []): number {
    if (this.tasks.length >= this.maxTasks) throw new CustomWorkflowError(`the workflow graph has more than ${this.maxTasks} tasks`);
    this.tasks.push(task);
    this.deps.push(deps);
    return this.tasks.length - 1;
  }

  private base(at: number, key: string, instance: GraphInstance | null) {
    const subgraph = instance ? `custom_${instance.id}` : 'custom';
    return { id: `${subgraph}/${at}.${key}`, dependencies: [] as string[], subgraph, instance_id: instance?.id ?? null, node_id: instance?.node_id ?? null, ignore_failure: false };
  }

  private instance(id: unknown): GraphInstance {
    if (typeof id !== 'string' || !this.index.instances.has(id)) throw new CustomWorkflowError(`the workflow names an unknown node instance ${JSON.stringify(id)}`);
    return this.index.instances.get(id)!;
  }

  marker(at: number, label: string): Placed {
    const task = this.push({ ...this.base(at, 'marker', null), kind: 'marker', label });
    return { entry: [task], exit: [task] };
  }

  operation(at: number, item: Extract<DescriptionItem, { t: 'op' }>): Placed {
    const instance = this.instance(item.instance);
    const node = this.index.nodeOf(instance);
    if (typeof item.name !== 'string' || !node.operations || !Object.hasOwn(node.operations, item.name)) {
      throw new CustomWorkflowError(`node ${node.id} has no operation ${JSON.stringify(item.name)} (give the full name, e.g. cloudify.interfaces.lifecycle.start)`);
    }
    const op = node.operations[item.name];
    if (isNoop(op)) return this.marker(at, `${item.name} on ${instance.id}: nothing to do`);
    const kwargs = (item.kwargs && typeof item.kwargs === 'object' ? item.kwargs : {}) as Dict;
    const call = resolveOperation(this.index, op, instance, item.name, kwargs);
    // Kwargs may carry intrinsic functions too ({get_secret: ...}): evaluated at dispatch like the plan's.
    if (!call.has_intrinsic_functions && containsFunction(kwargs)) call.has_intrinsic_functions = true;
    const task = this.push({
      ...this.base(at, operationKey(item.name), instance),
      ignore_failure: item.ignoreFailure === true,
      kind: 'operation',
      name: item.name,
      context_instance_id: instance.id,
      call,
      relationship: null,
      retry_until_true: false,
    });
    return { entry: [task], exit: [task] };
  }

  event(at: number, item: Extract<DescriptionItem, { t: 'event' }>): Placed {
    const instance = item.instance === null ? null : this.instance(item.instance);
    const task = this.push({ ...this.base(at, 'event', instance), kind: 'send_event', message: String(item.message) });
    return { entry: [task], exit: [task] };
  }

  state(at: number, item: Extract<DescriptionItem, { t: 'state' }>): Placed {
    const instance = this.instance(item.instance);
    const task = this.push({ ...this.base(at, `state:${String(item.state)}`, instance), kind: 'set_state', state: String(item.state), message: null });
    return { entry: [task], exit: [task] };
  }

  /** A built-in workflow's graph, its ids prefixed with `b<item>.`; entry = its roots, exit = its leaves. */
  builtin(at: number, item: Extract<DescriptionItem, { t: 'builtin' }>): Placed {
    const build = typeof item.workflow === 'string' && Object.hasOwn(BUILTIN_WORKFLOWS, item.workflow) ? BUILTIN_WORKFLOWS[item.workflow] : undefined;
    if (!build) throw new CustomWorkflowError(`wf.builtin: unknown workflow ${JSON.stringify(item.workflow)} (known: ${Object.keys(BUILTIN_WORKFLOWS).join(', ')})`);
    let graph: WorkflowGraph;
    try {
      graph = build(this.deployment, (item.parameters ?? {}) as Dict);
    } catch (err) {
      if (err instanceof WorkflowGraphError) throw new CustomWorkflowError(`wf.builtin('${item.workflow}'): ${err.message}`);
      throw err;
    }
    const prefix = `b${at}.`;
    const positions = new Map<string, number>();
    const awaited = new Set<string>();
    for (const task of graph.tasks) {
      positions.set(task.id, this.push({ ...task, id: prefix + task.id, subgraph: prefix + task.subgraph, dependencies: [] }));
      for (const dep of task.dependencies) awaited.add(dep);
    }
    const entry: number[] = [];
    const exit: number[] = [];
    for (const task of graph.tasks) {
      const at = positions.get(task.id)!;
      this.deps[at] = task.dependencies.map((dep) => positions.get(dep)!);
      if (task.dependencies.length === 0) entry.push(at);
      if (!awaited.has(task.id)) exit.push(at);
    }
    return entry.length ? { entry, exit } : this.marker(at, `${item.workflow}: nothing to do`);
  }

  /** `waiting` starts after `on`; a join marker keeps m × n edges linear. */
  wait(waiting: Placed, on: Placed, at: number, join: number): void {
    let exits = on.exit;
    if (exits.length > 1 && waiting.entry.length > 1) {
      const marker = this.push({ ...this.base(at, `join${join}`, null), kind: 'marker', label: 'join' }, exits);
      exits = [marker];
    }
    for (const task of waiting.entry) this.deps[task].push(...exits);
  }

  build(): WorkflowGraph {
    const { tasks, deps } = this;
    for (let i = 0; i < tasks.length; i++) {
      if (deps[i].length > 1) deps[i] = [...new Set(deps[i])];
      tasks[i].dependencies = deps[i].map((d) => tasks[d].id);
    }
    const cycle = findCycleByPosition(deps);
    if (cycle) throw new CustomWorkflowError(`the tasks wait for each other in a cycle: ${cycle.map((i) => tasks[i].id).join(' -> ')}`);
    return { workflow: this.workflow, tasks };
  }
}

function isIndex(value: unknown, count: number): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < count;
}

/** Places the items in order (a group only contains earlier items), then the edges. */
export function assembleGraph(workflow: string, deployment: GraphDeployment, description: Description, maxTasks: number): WorkflowGraph {
  const items = Array.isArray(description?.items) ? description.items : [];
  const edges = Array.isArray(description?.edges) ? description.edges : [];
  const assembly = new Assembly(workflow, deployment, maxTasks);
  const placed: Placed[] = [];
  let joins = 0;
  items.forEach((item, at) => {
    switch (item?.t) {
      case 'op':
        return placed.push(assembly.operation(at, item));
      case 'event':
        return placed.push(assembly.event(at, item));
      case 'state':
        return placed.push(assembly.state(at, item));
      case 'builtin':
        return placed.push(assembly.builtin(at, item));
      case 'seq':
      case 'par': {
        const members = Array.isArray(item.members) ? item.members : [];
        if (!members.every((m) => isIndex(m, at))) throw new CustomWorkflowError(`group ${at} names tasks that do not precede it`);
        if (members.length === 0) return placed.push(assembly.marker(at, 'empty group'));
        const parts = members.map((m) => placed[m]);
        if (item.t === 'par') return placed.push({ entry: parts.flatMap((p) => p.entry), exit: parts.flatMap((p) => p.exit) });
        for (let i = 1; i < parts.length; i++) assembly.wait(parts[i], parts[i - 1], at, joins++);
        return placed.push({ entry: parts[0].entry, exit: parts[parts.length - 1].exit });
      }
      default:
        throw new CustomWorkflowError(`item ${at} of the workflow description is not a task`);
    }
  });
  for (const edge of edges) {
    if (!Array.isArray(edge) || !isIndex(edge[0], items.length) || !isIndex(edge[1], items.length)) throw new CustomWorkflowError('the workflow description has an invalid dependency');
    if (edge[0] === edge[1]) throw new CustomWorkflowError(`item ${edge[0]} cannot wait for itself`);
    assembly.wait(placed[edge[0]], placed[edge[1]], edge[0], joins++);
  }
  return assembly.build();
}

