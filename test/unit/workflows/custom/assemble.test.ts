/**
 * From a workflow function's description to the graph the engine runs: operations resolved like
 * the built-ins', sequences and dependencies as edges, embedded built-in workflows, and invalid
 * descriptions (unknown operations, cycles, forged items) refused with a clear message.
 */
import { describe, expect, it } from '@jest/globals';
import { assembleGraph } from '../../../../src/workflows/custom/assemble';
import { runWorkflowFunction } from '../../../../src/workflows/custom/sandbox';
import type { Description } from '../../../../src/workflows/custom/sandbox';
import { findGraphProblems } from '../../../../src/workflows';
import type { OperationTask } from '../../../../src/workflows';
import { deployment, HappensBefore, LC } from './../helpers';

const BODY = `
node_templates:
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 3}}}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: p.m.create
        start: {implementation: p.m.start, inputs: {password: {get_secret: pw}}}
        stop: p.m.stop
      custom:
        upgrade: {implementation: p.m.upgrade, inputs: {version: '1'}}
`;

async function graphOf(source: string) {
  const d = await deployment(BODY);
  const view = { workflowId: 'rolling', deploymentId: 'd', parameters: { version: '2' }, nodes: d.nodes.map((n) => ({ id: n.id, operations: Object.keys(n.operations) })), instances: d.instances };
  const description = await runWorkflowFunction(source, view, 'w.js');
  return { d, graph: assembleGraph('rolling', d, description, 1000) };
}

const ROLLING = `export default function (wf) {
  let previous = null;
  for (const app of wf.instancesOf('app')) {
    const step = wf.sequence(
      wf.operation(app, 'cloudify.interfaces.lifecycle.stop'),
      wf.operation(app, 'custom.upgrade', { version: wf.parameters.version }),
      wf.operation(app, 'cloudify.interfaces.lifecycle.start'),
    );
    if (previous) wf.dependsOn(step, previous);
    previous = step;
  }
}`;

describe('assembleGraph', () => {
  it('orders a rolling upgrade one instance after the other, operations resolved with kwargs', async () => {
    const { d, graph } = await graphOf(ROLLING);
    expect(findGraphProblems(graph)).toEqual([]);
    const [a, b, c] = d.of('app').map((i) => i.id);
    const ops = graph.tasks.filter((t): t is OperationTask => t.kind === 'operation');
    expect(ops).toHaveLength(9);
    const find = (instance: string, name: string) => ops.find((t) => t.instance_id === instance && t.name === name)!;
    const hb = new HappensBefore(graph);
    expect(hb.chain(find(a, `${LC}.stop`), find(a, 'custom.upgrade'), find(a, `${LC}.start`), find(b, `${LC}.stop`), find(b, `${LC}.start`), find(c, `${LC}.stop`))).toBe(true);
    const upgrade = find(a, 'custom.upgrade');
    expect(upgrade.call).toMatchObject({ plugin: 'p', operation: 'm.upgrade', executor: 'central_deployment_agent', inputs: { version: '2' } });
    expect(upgrade.id).toBe(`custom_${a}/1.custom.upgrade`);
    // The plan's get_secret stays an expression in the graph: evaluated at dispatch.
    expect(find(a, `${LC}.start`).call).toMatchObject({ inputs: { password: { get_secret: 'pw' } }, has_intrinsic_functions: true });
  });

  it('builds the same ids every time', async () => {
    const one = await graphOf(ROLLING);
    const two = await graphOf(ROLLING);
    expect(two.graph.tasks.map((t) => t.id)).toEqual(one.graph.tasks.map((t) => t.id));
  });

  it('marks kwargs with intrinsic functions for evaluation at dispatch', async () => {
    const { graph } = await graphOf(`export default (wf) => { wf.operation(wf.instances[0], 'custom.upgrade', { version: { get_secret: 'v' } }); }`);
    expect((graph.tasks[0] as OperationTask).call).toMatchObject({ inputs: { version: { get_secret: 'v' } }, has_intrinsic_functions: true });
  });

  it('runs parallel members side by side and joins them before what follows', async () => {
    const { graph } = await graphOf(`export default (wf) => {
      const all = wf.instances.map((i) => wf.operation(i, 'cloudify.interfaces.lifecycle.stop'));
      const again = wf.instances.map((i) => wf.operation(i, 'cloudify.interfaces.lifecycle.start'));
      wf.sequence(wf.parallel(all), wf.parallel(again), wf.event('done'));
    }`);
    const hb = new HappensBefore(graph);
    const stops = graph.tasks.filter((t) => t.kind === 'operation' && t.name.endsWith('stop'));
    const starts = graph.tasks.filter((t) => t.kind === 'operation' && t.name.endsWith('start'));
    expect(hb.concurrent(stops[0], stops[1])).toBe(true);
    for (const stop of stops) for (const start of starts) expect(hb.before(stop, start)).toBe(true);
    expect(graph.tasks.some((t) => t.kind === 'marker' && t.label === 'join')).toBe(true);
    expect(hb.before(starts[2], graph.tasks.find((t) => t.kind === 'send_event')!)).toBe(true);
  });

  it('embeds a built-in install of some instances under its own prefix', async () => {
    const { d, graph } = await graphOf(`export default (wf) => { wf.sequence(wf.event('before'), wf.install([wf.instances[0]]), wf.event('after')); }`);
    const a = d.of('app')[0].id;
    const create = graph.tasks.find((t) => t.kind === 'operation' && t.name === `${LC}.create`)!;
    expect(create.id.startsWith(`b1.install_${a}/`)).toBe(true);
    expect(graph.tasks.filter((t) => t.kind === 'operation' && t.name === `${LC}.create`)).toHaveLength(1);
    const hb = new HappensBefore(graph);
    const [before, after] = graph.tasks.filter((t) => t.kind === 'send_event' && t.subgraph === 'custom');
    expect(hb.chain(before, create, after)).toBe(true);
  });

  it.each([
    ['an operation the node does not declare', `export default (wf) => { wf.operation(wf.instances[0], 'lifecycle.start'); }`, /node app has no operation "lifecycle.start"/],
    ['a cycle', `export default (wf) => { const a = wf.event('a'); const b = wf.event('b'); wf.dependsOn(a, b); wf.dependsOn(b, a); }`, /wait for each other in a cycle/],
    ['an unknown built-in', `export default (wf) => { wf.builtin('scale_everything'); }`, /unknown workflow "scale_everything"/],
    ['a built-in with bad parameters', `export default (wf) => { wf.builtin('install', { node_ids: 'a' }); }`, /wf.builtin\('install'\): .*node_ids/],
  ])('refuses %s', async (_what, source, message) => {
    await expect(graphOf(source)).rejects.toThrow(message);
  });

  it('checks a description it did not build itself', async () => {
    const d = await deployment(BODY);
    const forged = (description: unknown) => () => assembleGraph('w', d, description as Description, 1000);
    expect(forged({ items: [{ t: 'seq', members: [0] }], edges: [] })).toThrow('do not precede it');
    expect(forged({ items: [{ t: 'rm -rf' }], edges: [] })).toThrow('is not a task');
    expect(forged({ items: [{ t: 'event', instance: null, message: 'x' }], edges: [[0, 7]] })).toThrow('invalid dependency');
    expect(forged({ items: [{ t: 'op', instance: 'ghost', name: 'x' }], edges: [] })).toThrow('unknown node instance "ghost"');
    expect(forged({ items: Array.from({ length: 1001 }, () => ({ t: 'event', instance: null, message: 'x' })), edges: [] })).toThrow('more than 1000 tasks');
  });
});
