/**
 * Workflow graph test helpers: deployments parsed and planned by the real DSL engine from short
 * blueprints, task lookups, and a happens-before relation so tests assert partial orders (what must
 * precede what, what may run in parallel) rather than one arbitrary sequence.
 */
import { expect } from '@jest/globals';
import { memorySource, parse, prepareDeployment } from '../../../src/dsl';
import type { DeploymentNode, DeploymentPlan } from '../../../src/dsl';
import type { GraphDeployment, GraphInstance, GraphTask, OperationTask, SetStateTask, WorkflowGraph } from '../../../src/workflows';

/** Deterministic instance ids (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Plugins every test blueprint may use: `p` runs centrally, `h` on host agents. */
const HEADER = `tosca_definitions_version: cloudify_dsl_1_5
imports:
  - cloudify/types/types.yaml
plugins:
  p:
    executor: central_deployment_agent
    install: false
  h:
    executor: host_agent
    source: https://example.com/h.zip
`;

export interface TestDeployment extends GraphDeployment {
  nodes: DeploymentNode[];
  scaling_groups: DeploymentPlan['scaling_groups'];
  /** The instances of a node, by index. */
  of(node: string): GraphInstance[];
  /** The single instance of a node. */
  one(node: string): GraphInstance;
  /** The same deployment with every instance (or those named) in a state. */
  withStates(states: string | Record<string, string>): TestDeployment;
}

function wrap(nodes: DeploymentNode[], instances: GraphInstance[], scalingGroups: DeploymentPlan['scaling_groups']): TestDeployment {
  const of = (node: string) => instances.filter((i) => i.node_id === node);
  return {
    nodes,
    scaling_groups: scalingGroups,
    instances,
    of,
    one(node) {
      const list = of(node);
      expect(list).toHaveLength(1);
      return list[0];
    },
    withStates(states) {
      return wrap(
        nodes,
        instances.map((i) => ({ ...i, state: typeof states === 'string' ? states : (states[i.id] ?? states[i.node_id] ?? i.state) })),
        scalingGroups,
      );
    },
  };
}

/** Parses `node_templates` (and anything else) after a 1_5 header with plugins p and h; scripts/*.sh exist. */
export async function deployment(body: string, seed = 7): Promise<TestDeployment> {
  const files: Record<string, string> = { 'blueprint.yaml': HEADER + body, 'scripts/run.sh': '#!/bin/sh\n' };
  const plan = await parse('blueprint.yaml', { source: memorySource(files) });
  const prepared = await prepareDeployment(plan, {}, { random: seededRandom(seed) });
  return wrap(prepared.nodes, prepared.node_instances.map((i) => ({ ...i })), prepared.scaling_groups);
}

export const LC = 'cloudify.interfaces.lifecycle';
export const RL = 'cloudify.interfaces.relationship_lifecycle';

export function operations(graph: WorkflowGraph): OperationTask[] {
  return graph.tasks.filter((t): t is OperationTask => t.kind === 'operation');
}

/** The one operation task matching: name (full, or short lifecycle/relationship name), context instance, and optionally subgraph prefix / relationship. */
export function op(graph: WorkflowGraph, name: string, instance: string, where: { prefix?: string; source?: string; target?: string; side?: 'source' | 'target' } = {}): OperationTask {
  const full = name.includes('.') ? name : ['preconfigure', 'postconfigure', 'establish', 'unlink'].includes(name) ? `${RL}.${name}` : `${LC}.${name}`;
  const found = operations(graph).filter(
    (t) =>
      t.name === full &&
      t.context_instance_id === instance &&
      (!where.prefix || t.subgraph.startsWith(`${where.prefix}_`)) &&
      (!where.source || t.relationship?.source_id === where.source) &&
      (!where.target || t.relationship?.target_id === where.target) &&
      (!where.side || t.relationship?.side === where.side),
  );
  if (found.length !== 1) throw new Error(`expected one ${full} on ${instance} ${JSON.stringify(where)}, found ${found.map((t) => t.id).join(', ') || 'none'}`);
  return found[0];
}

export function hasOp(graph: WorkflowGraph, name: string, instance: string, where: Parameters<typeof op>[3] = {}): boolean {
  try {
    op(graph, name, instance, where);
    return true;
  } catch {
    return false;
  }
}

export function setState(graph: WorkflowGraph, instance: string, state: string, prefix?: string): SetStateTask {
  const found = graph.tasks.filter((t): t is SetStateTask => t.kind === 'set_state' && t.instance_id === instance && t.state === state && (!prefix || t.subgraph.startsWith(`${prefix}_`)));
  if (found.length !== 1) throw new Error(`expected one set_state ${state} of ${instance}, found ${found.length}`);
  return found[0];
}

/** The tasks of one subgraph, in construction order. */
export function subgraphTasks(graph: WorkflowGraph, subgraph: string): GraphTask[] {
  return graph.tasks.filter((t) => t.subgraph === subgraph);
}

/** The first task of a subgraph (its entry; the sequences tested start with one task). */
export function first(graph: WorkflowGraph, subgraph: string): GraphTask {
  const tasks = subgraphTasks(graph, subgraph);
  if (!tasks.length) throw new Error(`no subgraph ${subgraph}`);
  return tasks[0];
}

export function last(graph: WorkflowGraph, subgraph: string): GraphTask {
  const tasks = subgraphTasks(graph, subgraph);
  if (!tasks.length) throw new Error(`no subgraph ${subgraph}`);
  return tasks[tasks.length - 1];
}

/** Transitive "happens before" over the graph's dependency edges. */
export class HappensBefore {
  private readonly byId: Map<string, GraphTask>;
  private readonly ancestors = new Map<string, Set<string>>();

  constructor(readonly graph: WorkflowGraph) {
    this.byId = new Map(graph.tasks.map((t) => [t.id, t]));
    // Every graph a test looks at is also checked for unique ids and edges to existing tasks.
    expect(this.byId.size).toBe(graph.tasks.length);
    for (const t of graph.tasks) for (const d of t.dependencies) expect(this.byId.has(d)).toBe(true);
  }

  private ancestorsOf(id: string): Set<string> {
    const cached = this.ancestors.get(id);
    if (cached) return cached;
    const result = new Set<string>();
    const stack = [...this.byId.get(id)!.dependencies];
    while (stack.length) {
      const current = stack.pop()!;
      if (result.has(current)) continue;
      result.add(current);
      const known = this.ancestors.get(current);
      if (known) for (const a of known) result.add(a);
      else stack.push(...this.byId.get(current)!.dependencies);
    }
    this.ancestors.set(id, result);
    return result;
  }

  /** a must finish before b can start. */
  before(a: GraphTask | string, b: GraphTask | string): boolean {
    const [x, y] = [typeof a === 'string' ? a : a.id, typeof b === 'string' ? b : b.id];
    if (!this.byId.has(x) || !this.byId.has(y)) throw new Error(`unknown task ${this.byId.has(x) ? y : x}`);
    return this.ancestorsOf(y).has(x);
  }

  /** Neither waits for the other: they may run in parallel. */
  concurrent(a: GraphTask | string, b: GraphTask | string): boolean {
    return !this.before(a, b) && !this.before(b, a);
  }

  /** Every task listed strictly in order (each before the next). */
  chain(...tasks: (GraphTask | string)[]): boolean {
    return tasks.every((t, i) => i === 0 || this.before(tasks[i - 1], t));
  }
}

/**
 * One execution order the engine could pick: repeatedly run a random ready task. Used to check that
 * properties hold on many linearisations, not on one.
 */
export function linearise(graph: WorkflowGraph, random: () => number): GraphTask[] {
  const pending = new Map(graph.tasks.map((t) => [t.id, t.dependencies.length]));
  const dependents = new Map<string, GraphTask[]>();
  for (const t of graph.tasks) for (const d of t.dependencies) dependents.set(d, [...(dependents.get(d) ?? []), t]);
  const ready = graph.tasks.filter((t) => t.dependencies.length === 0);
  const order: GraphTask[] = [];
  while (ready.length) {
    const [task] = ready.splice(Math.floor(random() * ready.length), 1);
    order.push(task);
    for (const next of dependents.get(task.id) ?? []) {
      const left = pending.get(next.id)! - 1;
      pending.set(next.id, left);
      if (left === 0) ready.push(next);
    }
  }
  if (order.length !== graph.tasks.length) throw new Error('graph cannot be linearised');
  return order;
}

/** A compact view of one instance's sequence: `state:x`, operation names, `event`. */
export function sequenceOf(graph: WorkflowGraph, subgraph: string): string[] {
  return subgraphTasks(graph, subgraph).map((t) => {
    switch (t.kind) {
      case 'operation':
        return t.relationship ? `${t.name.split('.').pop()}:${t.relationship.side}->${t.relationship.target_id}` : t.name;
      case 'set_state':
        return `state:${t.state}`;
      case 'send_event':
        return `event:${t.message}`;
      case 'wait_for_agent':
        return 'wait_for_agent';
      case 'marker':
        return `marker:${t.label}`;
    }
  });
}
