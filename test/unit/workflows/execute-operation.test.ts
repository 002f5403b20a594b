import { describe, expect, it } from '@jest/globals';
import { BUILTIN_WORKFLOWS, buildExecuteOperationGraph, buildLifecycleOperationGraph, buildRestartGraph, builtinWorkflow } from '../../../src/workflows';
import { HappensBefore, LC, deployment, first, hasOp, op, operations, sequenceOf, subgraphTasks } from './helpers';

// a -> b -> c (connected_to); b does not implement the custom operation.
const body = `node_templates:
  c:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle: {start: p.l.start, stop: p.l.stop}
      custom: {run: {implementation: p.c.run, inputs: {level: 1, mode: fast}}}
  b:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle: {start: p.l.start, stop: p.l.stop}
    relationships: [{type: cloudify.relationships.connected_to, target: c}]
  a:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    interfaces:
      cloudify.interfaces.lifecycle: {start: p.l.start, stop: p.l.stop}
      custom: {run: {implementation: p.c.run, inputs: {level: 2}}}
    relationships: [{type: cloudify.relationships.connected_to, target: b}]
`;

describe('execute_operation', () => {
  it('runs the operation on every instance that implements it, in parallel by default', async () => {
    const d = await deployment(body);
    const g = buildExecuteOperationGraph(d, { operation: 'custom.run' });
    const [a, c] = [d.one('a').id, d.one('c').id];
    expect(operations(g).map((t) => t.context_instance_id).sort()).toEqual([a, c].sort());
    expect(sequenceOf(g, `execute_operation_${a}`)).toEqual(['event:Starting operation custom.run', 'custom.run', 'event:Finished operation custom.run']);
    expect(new HappensBefore(g).concurrent(op(g, 'custom.run', a), op(g, 'custom.run', c))).toBe(true);
    expect(g.tasks.some((t) => t.kind === 'marker')).toBe(false);
  });

  it('with run_by_dependency_order, orders through stubs of the instances that do not run it', async () => {
    const d = await deployment(body);
    const g = buildExecuteOperationGraph(d, { operation: 'custom.run', run_by_dependency_order: true });
    const [a, b, c] = ['a', 'b', 'c'].map((n) => d.one(n).id);
    const stub = subgraphTasks(g, `execute_operation-stub_${b}`);
    expect(stub.map((t) => t.kind)).toEqual(['marker']);
    expect(new HappensBefore(g).chain(op(g, 'custom.run', c), stub[0], op(g, 'custom.run', a))).toBe(true);
  });

  it('passes kwargs as inputs, and refuses kwargs that would override inputs unless allowed', async () => {
    const d = await deployment(body);
    const [a, c] = [d.one('a').id, d.one('c').id];
    const g = buildExecuteOperationGraph(d, { operation: 'custom.run', operation_kwargs: { extra: true } });
    expect(op(g, 'custom.run', c).call.inputs).toEqual({ level: 1, mode: 'fast', extra: true });
    expect(first(g, `execute_operation_${c}`)).toMatchObject({ kind: 'send_event', message: 'Starting operation custom.run (Operation parameters: {"extra":true})' });
    expect(() => buildExecuteOperationGraph(d, { operation: 'custom.run', operation_kwargs: { mode: 'slow' } })).toThrow(
      'operation_kwargs mode would override inputs of operation custom.run on node c; set allow_kwargs_override to true to allow it',
    );
    expect(() => buildExecuteOperationGraph(d, { operation: 'custom.run', operation_kwargs: { mode: 'slow' }, allow_kwargs_override: null })).toThrow(/allow_kwargs_override/);
    const allowed = buildExecuteOperationGraph(d, { operation: 'custom.run', operation_kwargs: { mode: 'slow', level: 9 }, allow_kwargs_override: true });
    expect(op(allowed, 'custom.run', c).call.inputs).toEqual({ level: 9, mode: 'slow' });
    expect(op(allowed, 'custom.run', a).call.inputs).toEqual({ level: 9, mode: 'slow' });
    // Collisions are checked on the instances the operation runs on: only c's operation has `mode`.
    expect(op(buildExecuteOperationGraph(d, { operation: 'custom.run', operation_kwargs: { mode: 'x' }, node_ids: ['a'] }), 'custom.run', a).call.inputs).toEqual({ level: 2, mode: 'x' });
  });

  it('filters, and refuses an operation no node defines', async () => {
    const d = await deployment(body);
    const g = buildExecuteOperationGraph(d, { operation: `${LC}.start`, type_names: ['cloudify.nodes.Compute'] });
    expect(operations(g).map((t) => t.node_id)).toEqual(['a']);
    expect(() => buildExecuteOperationGraph(d, { operation: 'custom.nope' })).toThrow('Operation custom.nope is not defined on any node of this deployment');
    // Short names work where they are unambiguous.
    expect(operations(buildExecuteOperationGraph(d, { operation: 'run' }))).toHaveLength(2);
    expect(() => buildExecuteOperationGraph(d, { operation: '' })).toThrow('Parameter operation is required');
  });
});

describe('start, stop, restart', () => {
  it('start and stop both run targets first (Cloudify uses the same direction for stop)', async () => {
    const d = await deployment(body);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => d.one(n).id);
    for (const workflow of ['start', 'stop'] as const) {
      const g = buildLifecycleOperationGraph(workflow, d);
      expect(g.workflow).toBe(workflow);
      expect(new HappensBefore(g).chain(op(g, workflow, c), op(g, workflow, b), op(g, workflow, a))).toBe(true);
    }
    const unordered = buildLifecycleOperationGraph('start', d, { run_by_dependency_order: false });
    expect(new HappensBefore(unordered).concurrent(op(unordered, 'start', c), op(unordered, 'start', a))).toBe(true);
  });

  it('lets operation_parms override inputs', async () => {
    const d = await deployment(`node_templates:
  n:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {start: {implementation: p.l.start, inputs: {port: 80}}}}
`);
    const g = buildLifecycleOperationGraph('start', d, { operation_parms: { port: 8080 } });
    expect(op(g, 'start', d.one('n').id).call.inputs).toEqual({ port: 8080 });
  });

  it('restart stops everything, then starts everything', async () => {
    const d = await deployment(body);
    const g = buildRestartGraph(d, { start_parms: { cold: true } });
    const hb = new HappensBefore(g);
    const stops = operations(g).filter((t) => t.name === `${LC}.stop`);
    const starts = operations(g).filter((t) => t.name === `${LC}.start`);
    expect([stops.length, starts.length]).toEqual([3, 3]);
    for (const s of stops) for (const t of starts) expect(hb.before(s, t)).toBe(true);
    expect(starts.every((t) => t.call.inputs.cold === true)).toBe(true);
    expect(stops.some((t) => 'cold' in t.call.inputs)).toBe(false);
  });
});

describe('built-in workflows by mapping', () => {
  it('maps Cloudify default workflow functions to builders and reads raw parameters', async () => {
    const d = await deployment(body);
    expect(builtinWorkflow('default_workflows', 'cloudify.plugins.workflows.execute_operation')).toBe(BUILTIN_WORKFLOWS.execute_operation);
    expect(builtinWorkflow('default_workflows', 'cloudify.plugins.workflows.toString')).toBeUndefined();
    expect(builtinWorkflow('my_plugin', 'cloudify.plugins.workflows.install')).toBeUndefined();
    const g = builtinWorkflow('default_workflows', 'cloudify.plugins.workflows.start')!(d, { operation_parms: {}, run_by_dependency_order: 'false', node_ids: ['a', 'c'] });
    expect(new HappensBefore(g).concurrent(op(g, 'start', d.one('a').id), op(g, 'start', d.one('c').id))).toBe(true);
    expect(hasOp(g, 'start', d.one('b').id)).toBe(false);
    expect(() => BUILTIN_WORKFLOWS.execute_operation(d, { operation: 'custom.run', operation_kwargs: [1] })).toThrow('Parameter operation_kwargs must be a dictionary, got [1]');
    expect(() => BUILTIN_WORKFLOWS.install(d, { node_ids: 'a' })).toThrow('Parameter node_ids must be a list of strings, got "a"');
    expect(() => BUILTIN_WORKFLOWS.uninstall(d, { ignore_failure: 'yes' })).toThrow('Parameter ignore_failure must be a boolean, got "yes"');
  });
});
