/**
 * The engine's graph contraction (persistGraph): local steps with one dependency fold into the
 * persisted task they follow, the rest persist; sinks and the end; dependents with their counts.
 * Checked on hand-made graphs (exact shapes) and on real install/uninstall graphs (every edge of
 * the builder's graph is still enforced by the persisted one).
 */
import { describe, expect, it } from '@jest/globals';
import { buildExecuteOperationGraph, buildInstallGraph, buildReinstallGraph, buildRestartGraph, buildUninstallGraph, countOperations } from '../../../../src/workflows';
import type { GraphTask, OperationTask, WorkflowGraph } from '../../../../src/workflows';
import { END_TASK, isLocalStep, localStepsOf, operationCount, operationsThrough, persistGraph, runsInline, stepCount, stepOf } from '../../../../src/workflows/engine/persisted';
import type { PersistedTask } from '../../../../src/workflows/engine/persisted';
import { deployment } from '../helpers';

const base = { subgraph: 's', instance_id: 'i1', node_id: 'n', ignore_failure: false };
const operation = (id: string, dependencies: string[] = []): GraphTask => ({
  ...base,
  id,
  kind: 'operation',
  dependencies,
  name: `cloudify.interfaces.lifecycle.${id}`,
  context_instance_id: 'i1',
  call: { plugin: 'stratus', operation: 'ops.noop', executor: 'central_deployment_agent', host_id: null, inputs: {}, has_intrinsic_functions: false, max_retries: null, retry_interval: null, timeout: null, timeout_recoverable: null },
  relationship: null,
  retry_until_true: false,
});
const state = (id: string, dependencies: string[] = []): GraphTask => ({ ...base, id, kind: 'set_state', dependencies, state: id, message: null });
const marker = (id: string, dependencies: string[] = []): GraphTask => ({ ...base, id, kind: 'marker', dependencies, label: id });
const graph = (tasks: GraphTask[]): WorkflowGraph => ({ workflow: 'test', tasks });
const byId = (tasks: PersistedTask[]) => new Map(tasks.map((task) => [task.id, task]));

describe('persistGraph on hand-made graphs', () => {
  it('folds a chain of single-dependency local steps into the operation they follow, in order', () => {
    const tasks = persistGraph(graph([state('initializing'), operation('create', ['initializing']), state('created', ['create']), state('configuring', ['created']), operation('configure', ['configuring']), state('configured', ['configure'])]), undefined, { maxSteps: 1 });
    const index = byId(tasks);
    expect([...index.keys()]).toEqual(['initializing', 'create', 'configure', END_TASK]);
    expect(index.get('initializing')).toMatchObject({ kind: 'local', dependencies: [], after: [] });
    expect(index.get('create')!.after.map((t) => t.id)).toEqual(['created', 'configuring']);
    // configure depended on `configuring`, folded into create: it now depends on create.
    expect(index.get('configure')).toMatchObject({ kind: 'operation', dependencies: ['create'] });
    expect(index.get('configure')!.after.map((t) => t.id)).toEqual(['configured']);
    expect(index.get(END_TASK)).toMatchObject({ kind: 'sink', dependencies: ['configure'], dependents: [] });
    expect(index.get('initializing')!.dependents).toEqual([['create', 1, false]]);
    expect(index.get('create')!.dependents).toEqual([['configure', 1, false]]);
    expect(index.get('configure')!.dependents).toEqual([[END_TASK, 1, true]]);
  });

  it('fuses a chain of central operations into one segment led by its local head, steps in order with their local steps', () => {
    const tasks = persistGraph(graph([state('initializing'), operation('create', ['initializing']), state('created', ['create']), operation('configure', ['created']), state('configured', ['configure']), operation('start', ['configured'])]));
    const index = byId(tasks);
    expect([...index.keys()]).toEqual(['initializing', END_TASK]);
    const segment = index.get('initializing')!;
    // Step 0 is the head's local steps only; then each operation with the local steps folded after it.
    expect(segment).toMatchObject({ kind: 'operation', dependencies: [], after: [] });
    expect(isLocalStep(segment, 0)).toBe(true);
    expect(localStepsOf(segment, 0).map((t) => t.id)).toEqual(['initializing']);
    expect(segment.steps!.map((step) => [step.task.id, step.after.map((t) => t.id)])).toEqual([['create', ['created']], ['configure', ['configured']], ['start', []]]);
    expect(segment.dependents).toEqual([[END_TASK, 1, true]]);
    expect(runsInline(segment)).toBe(false);
    expect(stepCount(segment)).toBe(4);
    expect([0, 1, 2, 3].map((step) => operationsThrough(segment, step))).toEqual([0, 1, 2, 3]);
    expect(operationCount(tasks)).toBe(3);
    expect(stepOf(segment, 3).task!.id).toBe('start');
  });

  it('a chain that starts with an operation is a segment of operations only', () => {
    const tasks = persistGraph(graph([operation('create'), state('created', ['create']), operation('configure', ['created'])]));
    const segment = byId(tasks).get('create')!;
    expect(isLocalStep(segment, 0)).toBe(false);
    expect(segment.steps!.map((step) => step.task.id)).toEqual(['configure']);
    expect([0, 1].map((step) => operationsThrough(segment, step))).toEqual([1, 2]);
    expect(operationCount(tasks)).toBe(2);
  });

  it('does not fuse across a fork or a join, host-agent operations, differing ignore_failure, or past maxSteps', () => {
    const agent = (id: string, deps: string[]): GraphTask => {
      const op = operation(id, deps) as Extract<GraphTask, { kind: 'operation' }>;
      return { ...op, call: { ...op.call, executor: 'host_agent', host_id: 'h' } };
    };
    const tasks = persistGraph(
      graph([
        operation('a'),
        operation('b', ['a']),
        operation('c', ['a']), // a forks: neither b nor c joins a
        operation('d', ['b', 'c']), // a join
        agent('e', ['d']),
        operation('f', ['e']), // after an agent operation
        { ...operation('g', ['f']), ignore_failure: true },
        operation('h1'),
        operation('h2', ['h1']),
        operation('h3', ['h2']),
      ]),
      undefined,
      { maxSteps: 2 },
    );
    const index = byId(tasks);
    expect([...index.keys()].filter((id) => id !== END_TASK && !id.startsWith('__sink')).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h1', 'h3']);
    expect(index.get('h1')!.steps!.map((step) => step.task.id)).toEqual(['h2']);
    expect(index.get('h3')!.dependencies).toEqual(['h1']);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) expect(index.get(id)!.steps).toBeUndefined();
    expect(operationCount(tasks)).toBe(10);
  });

  it('keeps a local step with several dependencies (a join) as an inline head without fusion, and dedupes dependencies', () => {
    const tasks = persistGraph(graph([operation('a'), operation('b'), marker('join', ['a', 'b', 'a']), operation('c', ['join'])]), undefined, { maxSteps: 1 });
    const index = byId(tasks);
    expect(index.get('join')).toMatchObject({ kind: 'local', dependencies: ['a', 'b'] });
    expect(runsInline(index.get('join')!)).toBe(true);
    expect(index.get('a')!.dependents).toEqual([['join', 2, true]]);
    expect(index.get('c')).toMatchObject({ dependencies: ['join'] });
    expect(operationCount(tasks)).toBe(3);
  });

  it('a join head whose only dependent is a central operation leads its segment (dispatched, not inline)', () => {
    const tasks = persistGraph(graph([operation('a'), operation('b'), marker('join', ['a', 'b', 'a']), operation('c', ['join'])]));
    const index = byId(tasks);
    expect(index.get('join')).toMatchObject({ kind: 'operation', dependencies: ['a', 'b'] });
    expect(index.get('join')!.steps!.map((step) => step.task.id)).toEqual(['c']);
    expect(index.has('c')).toBe(false);
    expect(index.get('a')!.dependents).toEqual([['join', 2, false]]);
    expect(operationCount(tasks)).toBe(3);
    // With two dependents the head stays an inline local task.
    const forked = byId(persistGraph(graph([operation('a'), marker('join', ['a']), operation('c', ['join']), operation('d', ['join'])])));
    expect(forked.get('a')!.after.map((t) => t.id)).toEqual(['join']);
    expect(forked.get('c')!.dependencies).toEqual(['a']);
  });

  it('two folded steps leading to one task count as one dependency on their owner', () => {
    const tasks = persistGraph(graph([operation('a'), state('s1', ['a']), state('s2', ['a']), operation('b', ['s1', 's2'])]), undefined, { maxSteps: 1 });
    const index = byId(tasks);
    expect(index.get('a')!.after.map((t) => t.id)).toEqual(['s1', 's2']);
    expect(index.get('b')!.dependencies).toEqual(['a']);
    expect(index.get('a')!.dependents).toEqual([['b', 1, false]]);
  });

  it('feeds more than 50 leaves into sinks of at most 50, then the end', () => {
    const leaves = Array.from({ length: 120 }, (_, i) => operation(`op${i}`));
    const tasks = persistGraph(graph(leaves));
    const sinks = tasks.filter((task) => task.kind === 'sink' && task.id !== END_TASK);
    expect(sinks.map((task) => task.dependencies.length)).toEqual([50, 50, 20]);
    expect(byId(tasks).get(END_TASK)!.dependencies).toEqual(sinks.map((task) => task.id));
    for (const leaf of leaves) expect(byId(tasks).get(leaf.id)!.dependents).toHaveLength(1);
  });

  it('an empty graph is just the end', () => {
    expect(persistGraph(graph([]))).toEqual([{ id: END_TASK, kind: 'sink', task: null, after: [], dependencies: [], dependents: [], ignore_failure: false }]);
  });

  it('carries ignore_failure of the task', () => {
    const tasks = persistGraph(graph([{ ...operation('a'), ignore_failure: true }]));
    expect(byId(tasks).get('a')!.ignore_failure).toBe(true);
  });
});

/** Which persisted task runs each builder task, and where in its sequence (0 = the task itself). */
function placement(tasks: PersistedTask[]): Map<string, { owner: string; position: number }> {
  const at = new Map<string, { owner: string; position: number }>();
  for (const task of tasks) {
    let position = 0;
    // A segment runs its steps in order: each operation, then its local steps.
    for (const step of [{ task: task.task, after: task.after }, ...(task.steps ?? [])]) {
      if (step.task) at.set(step.task.id, { owner: task.id, position: position++ });
      for (const local of step.after) at.set(local.id, { owner: task.id, position: position++ });
    }
  }
  return at;
}

function ancestors(tasks: PersistedTask[]): (id: string) => Set<string> {
  const index = byId(tasks);
  const memo = new Map<string, Set<string>>();
  const of = (id: string): Set<string> => {
    let found = memo.get(id);
    if (found) return found;
    found = new Set();
    for (const dep of index.get(id)!.dependencies) {
      found.add(dep);
      for (const a of of(dep)) found.add(a);
    }
    memo.set(id, found);
    return found;
  };
  return of;
}

const BLUEPRINT = `node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: 2}}}
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, start: p.l.start, stop: p.l.stop, delete: p.l.delete}}
  db:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, configure: p.l.configure, delete: p.l.delete}}
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 3}}}
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, start: p.l.start, stop: p.l.stop}}
    relationships:
      - {type: cloudify.relationships.contained_in, target: host}
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: p.r.pre, unlink: p.r.unlink}}
        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.est}}
`;

/** A second shape: depends_on and depends_on_lifecycle_operation, host-agent operations among central ones, a scaling group. */
const MIXED = `node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: provided}}
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, start: p.l.start, stop: p.l.stop, delete: p.l.delete}}
  web:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.contained_in, target: vm}]
    interfaces: {cloudify.interfaces.lifecycle: {create: h.l.create, configure: h.l.configure, start: p.l.start, stop: h.l.stop, delete: p.l.delete}}
  queue:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, configure: p.l.configure, start: p.l.start, stop: p.l.stop, delete: p.l.delete}}
  worker:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, configure: p.l.configure, start: p.l.start, stop: p.l.stop, delete: p.l.delete}}
    relationships:
      - {type: cloudify.relationships.depends_on, target: queue}
      - type: cloudify.relationships.depends_on_lifecycle_operation
        target: web
        properties: {operation: configure}
groups:
  tier:
    members: [vm]
policies:
  tier_policy:
    type: cloudify.policies.scaling
    properties: {default_instances: 2}
    targets: [tier]
`;

const GRAPHS: [string, string, (d: Awaited<ReturnType<typeof deployment>>) => WorkflowGraph][] = [
  ['install', BLUEPRINT, (d) => buildInstallGraph(d)],
  ['uninstall', BLUEPRINT, (d) => buildUninstallGraph(d.withStates('started'), {})],
  ['install (mixed)', MIXED, (d) => buildInstallGraph(d)],
  ['uninstall (mixed)', MIXED, (d) => buildUninstallGraph(d.withStates('started'), {})],
  ['reinstall (mixed)', MIXED, (d) => buildReinstallGraph(d.withStates('started'), {})],
  ['restart (mixed)', MIXED, (d) => buildRestartGraph(d.withStates('started'), {})],
  ['execute_operation by dependency order (mixed)', MIXED, (d) => buildExecuteOperationGraph(d.withStates('started'), { operation: 'cloudify.interfaces.lifecycle.start', run_by_dependency_order: true })],
];

describe('persistGraph on real workflow graphs', () => {
  it.each(GRAPHS)('%s: every builder task runs exactly once and every builder edge is still enforced', async (_name, blueprint, build) => {
    const g = build(await deployment(blueprint));
    const tasks = persistGraph(g);
    const at = placement(tasks);
    expect([...at.keys()].sort()).toEqual(g.tasks.map((t) => t.id).sort());
    expect(operationCount(tasks)).toBe(countOperations(g));
    // Far fewer items than builder tasks: that is the point.
    expect(tasks.length).toBeLessThan(g.tasks.length / 2);
    // A segment runs central operations only; host-agent operations stay tasks of their own.
    expect(tasks.some((task) => task.steps)).toBe(true);
    for (const task of tasks) {
      const ops = [task.task, ...(task.steps ?? []).map((step) => step.task)].filter((op) => op?.kind === 'operation') as OperationTask[];
      if (ops.length > 1) expect(ops.every((op) => op.call.executor !== 'host_agent')).toBe(true);
    }
    const before = ancestors(tasks);
    for (const task of g.tasks) {
      for (const dep of task.dependencies) {
        const a = at.get(dep)!;
        const b = at.get(task.id)!;
        if (a.owner === b.owner) expect(a.position).toBeLessThan(b.position);
        else expect(before(b.owner).has(a.owner)).toBe(true);
      }
    }
    // Persisted heads are never single-dependency local steps (those fold), and operations keep kind.
    for (const task of tasks) {
      if (task.kind === 'local') expect(task.dependencies.length).not.toBe(1);
      if (task.task?.kind === 'operation') expect(task.kind).toBe('operation');
    }
    // Dependents mirror dependencies with the dependent's count and inline flag.
    const index = byId(tasks);
    for (const task of tasks) {
      for (const [id, count, inline] of task.dependents) {
        expect(index.get(id)!.dependencies).toContain(task.id);
        expect(count).toBe(index.get(id)!.dependencies.length);
        expect(inline).toBe(runsInline(index.get(id)!));
      }
    }
    // Everything leads to the end.
    const end = before(END_TASK);
    for (const task of tasks) if (task.id !== END_TASK) expect(end.has(task.id)).toBe(true);
  });
});
