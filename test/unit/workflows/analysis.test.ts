import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  buildInstallGraph,
  buildUninstallGraph,
  countOperations,
  describeGraph,
  findGraphProblems,
  formatDryRun,
  topologicalOrder,
  waves,
  type GraphTask,
  type WorkflowGraph,
} from '../../../src/workflows';
import { HappensBefore, deployment, first, last, linearise, seededRandom } from './helpers';

const marker = (id: string, dependencies: string[] = []): GraphTask => ({ id, kind: 'marker', label: id, dependencies, subgraph: 's', instance_id: null, node_id: null, ignore_failure: false });
const graph = (...tasks: GraphTask[]): WorkflowGraph => ({ workflow: 'test', tasks });

describe('graph validation', () => {
  it('accepts a DAG and reports every structural problem', () => {
    expect(findGraphProblems(graph(marker('a'), marker('b', ['a']), marker('c', ['a', 'b'])))).toEqual([]);
    expect(findGraphProblems(graph(marker('a'), marker('a')))).toEqual(['duplicate task id a']);
    expect(findGraphProblems(graph(marker('a', ['x'])))).toEqual(['task a waits for x, which does not exist']);
    expect(findGraphProblems(graph(marker('a', ['a'])))).toEqual(['task a waits for itself']);
    expect(findGraphProblems(graph(marker('root'), marker('a', ['root', 'c']), marker('b', ['a']), marker('c', ['b'])))).toEqual([
      expect.stringMatching(/^the tasks wait for each other in a cycle: (a -> c -> b -> a|b -> a -> c -> b|c -> b -> a -> c)$/),
    ]);
    expect(() => waves(graph(marker('a', ['b']), marker('b', ['a'])))).toThrow(/Invalid workflow graph: the tasks wait for each other in a cycle/);
  });

  it('orders by waves, then construction order', () => {
    const g = graph(marker('late', ['mid']), marker('mid', ['root']), marker('root'), marker('other'));
    expect(topologicalOrder(g).map((t) => t.id)).toEqual(['root', 'other', 'mid', 'late']);
    expect([...waves(g)].sort()).toEqual([['late', 2], ['mid', 1], ['other', 0], ['root', 0]]);
  });
});

describe('progress and dry run', () => {
  it('counts operation tasks only and lists the graph in an executable order', async () => {
    const d = await deployment(`node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: provided}}
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create}}
  app:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: scripts/run.sh}}
    relationships: [{type: cloudify.relationships.contained_in, target: vm}]
`);
    const g = buildInstallGraph(d);
    // vm: create + agent create; app: create. The agent wait, states and events are not operations.
    expect(countOperations(g)).toBe(3);
    const entries = describeGraph(g);
    expect(entries).toHaveLength(g.tasks.length);
    const position = new Map(entries.map((e) => [e.id, e.position]));
    for (const e of entries) for (const dep of e.dependencies) expect(position.get(dep)!).toBeLessThan(e.position);
    const vm = d.one('vm').id;
    const app = d.one('app').id;
    const text = formatDryRun(entries);
    expect(text.split('\n')[0]).toBe('wave 0:');
    expect(text).toContain(`[operation] cloudify.interfaces.lifecycle.create on ${app}: script.script_runner.tasks.run [agent of ${vm}]  (install_${app}/lifecycle.create)`);
    expect(text).toContain(`[wait_for_agent] wait for the agent of ${vm} to connect (install_method provided)`);
    expect(text).toContain(`[set_state] state of ${vm} -> creating ("Creating node instance")`);
    expect(text.indexOf(`install_${vm}/state:started`)).toBeLessThan(text.indexOf(`install_${app}/state:initializing`));
  });
});

/** A random topology: node i may be contained in one earlier node and connected to / depend on others. */
const topology = fc
  .integer({ min: 2, max: 6 })
  .chain((n) =>
    fc.record({
      counts: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: n, maxLength: n }),
      container: fc.array(fc.option(fc.nat(), { nil: null }), { minLength: n, maxLength: n }),
      links: fc.array(fc.array(fc.tuple(fc.nat(), fc.constantFrom('connected_to', 'depends_on')), { maxLength: 2 }), { minLength: n, maxLength: n }),
      ops: fc.array(fc.subarray(['create', 'configure', 'start', 'stop', 'delete']), { minLength: n, maxLength: n }),
      seed: fc.integer({ min: 1, max: 1000 }),
    }),
  );

interface Topology {
  counts: number[];
  container: (number | null)[];
  links: [number, string][][];
  ops: string[][];
}

function blueprint(t: Topology): string {
  const lines = ['node_templates:'];
  t.counts.forEach((count, i) => {
    lines.push(`  n${i}:`, '    type: cloudify.nodes.Root', `    capabilities: {scalable: {properties: {default_instances: ${count}}}}`);
    if (t.ops[i].length) lines.push(`    interfaces: {cloudify.interfaces.lifecycle: {${t.ops[i].map((o) => `${o}: p.l.${o}`).join(', ')}}}`);
    const rels: string[] = [];
    const container = t.container[i];
    if (i > 0 && container !== null) rels.push(`{type: cloudify.relationships.contained_in, target: n${container % i}}`);
    for (const [target, type] of t.links[i]) {
      if (i > 0) rels.push(`{type: cloudify.relationships.${type}, target: n${target % i}, source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: p.r.est, unlink: p.r.unl}}, target_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: p.r.pre}}}`);
    }
    if (rels.length) lines.push(`    relationships: [${rels.join(', ')}]`);
  });
  return lines.join('\n') + '\n';
}

describe('ordering properties on random topologies', () => {
  it('install: every source starts after its targets finished; uninstall: the reverse; on every linearisation', async () => {
    await fc.assert(
      fc.asyncProperty(topology, async (t) => {
        const d = (await deployment(blueprint(t), t.seed)).withStates('started');
        const install = buildInstallGraph(d.withStates('uninitialized'));
        const uninstall = buildUninstallGraph(d);
        const [hi, hu] = [new HappensBefore(install), new HappensBefore(uninstall)];
        for (const source of d.instances) {
          for (const rel of source.relationships) {
            expect(hi.before(last(install, `install_${rel.target_id}`), first(install, `install_${source.id}`))).toBe(true);
            expect(hu.before(last(uninstall, `uninstall_${source.id}`), first(uninstall, `uninstall_${rel.target_id}`))).toBe(true);
          }
        }
        // Per instance, states change in lifecycle order on any order the engine may pick.
        const order = linearise(install, seededRandom(t.seed));
        const lifecycle = ['initializing', 'creating', 'created', 'configuring', 'configured', 'starting', 'started'];
        for (const instance of d.instances) {
          const states = order.filter((x) => x.kind === 'set_state' && x.instance_id === instance.id).map((x) => lifecycle.indexOf((x as { state: string }).state));
          expect(states).toEqual([...states].sort((a, b) => a - b));
          expect(states[states.length - 1]).toBe(lifecycle.indexOf('started'));
        }
        // The same input gives the same graph.
        expect(buildInstallGraph(d.withStates('uninitialized'))).toEqual(install);
      }),
      { numRuns: 25, seed: 20261101 },
    );
  });
});
