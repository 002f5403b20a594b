/**
 * The workflow-function sandbox: the API a function sees, and what blueprint code cannot do —
 * reach require/process/fetch (directly or through constructor tricks on the API or globalThis),
 * loop forever, crash the process with an unhandled rejection, or exhaust the heap.
 */
import { describe, expect, it } from '@jest/globals';
import { CustomWorkflowError } from '../../../../src/workflows/custom';
import { DEFAULT_LIMITS, runWorkflowFunction, toScript } from '../../../../src/workflows/custom/sandbox';

const INPUT = {
  workflowId: 'w',
  deploymentId: 'd',
  parameters: { version: '2' },
  nodes: [{ id: 'app', type: 'cloudify.nodes.Root', type_hierarchy: [], properties: {}, operations: [], host_id: null, number_of_instances: 2 }],
  instances: [
    { id: 'app_1', node_id: 'app', host_id: null, state: 'started', runtime_properties: { ip: '10.0.0.1' }, relationships: [] },
    { id: 'app_2', node_id: 'app', host_id: null, state: 'started', runtime_properties: {}, relationships: [] },
  ],
};
const LIMITS = { ...DEFAULT_LIMITS, timeoutMs: 500 };
const run = (source: string, limits = LIMITS) => runWorkflowFunction(source, INPUT, 'workflows/w.js', limits);
const refusal = async (source: string): Promise<string> => {
  try {
    await run(source);
  } catch (err) {
    expect(err).toBeInstanceOf(CustomWorkflowError);
    return (err as Error).message;
  }
  throw new Error('the function ran');
};

describe('the workflow API', () => {
  it('describes operations, events, sequences, parallel groups and dependencies', async () => {
    const description = await run(`
      export default function (wf) {
        const [a, b] = wf.instancesOf('app');
        const first = wf.sequence(wf.event('go ' + wf.parameters.version), wf.operation(a, 'x.stop', { v: wf.parameters.version }));
        const second = wf.parallel(wf.operation('app_2', 'x.stop', {}, { ignoreFailure: true }), wf.setState(b, 'stopped'));
        wf.dependsOn(second, first);
      }`);
    expect(description.items).toEqual([
      { t: 'event', instance: null, message: 'go 2' },
      { t: 'op', instance: 'app_1', name: 'x.stop', kwargs: { v: '2' }, ignoreFailure: false },
      { t: 'seq', members: [0, 1] },
      { t: 'op', instance: 'app_2', name: 'x.stop', kwargs: {}, ignoreFailure: true },
      { t: 'state', instance: 'app_2', state: 'stopped' },
      { t: 'par', members: [3, 4] },
    ]);
    expect(description.edges).toEqual([[5, 2]]);
    expect(description.roots).toEqual([2, 5]);
  });

  it('exposes the deployment read-only and accepts module.exports', async () => {
    const description = await run(`
      module.exports = (wf) => {
        const i = wf.instance('app_1');
        try { i.runtime_properties.ip = 'x'; wf.instances.push({}); } catch (e) { wf.event('refused'); }
        wf.event(wf.instance('app_1').runtime_properties.ip + ' ' + wf.nodes.length + ' ' + wf.deploymentId);
      };`);
    expect(description.items.map((i) => (i as { message: string }).message)).toEqual(['refused', '10.0.0.1 1 d']);
  });

  it('offers install/uninstall of a set of instances and any built-in workflow', async () => {
    const description = await run(`export default (wf) => { wf.sequence(wf.uninstall([wf.instances[0]], { ignoreFailure: true }), wf.install(['app_1']), wf.builtin('execute_operation', { operation: 'x' })); }`);
    expect(description.items.slice(0, 3)).toEqual([
      { t: 'builtin', workflow: 'uninstall', parameters: { node_instance_ids: ['app_1'], ignore_failure: true } },
      { t: 'builtin', workflow: 'install', parameters: { node_instance_ids: ['app_1'] } },
      { t: 'builtin', workflow: 'execute_operation', parameters: { operation: 'x' } },
    ]);
  });

  it.each([
    ['an unknown instance', `export default (wf) => { wf.operation('nope', 'x.y'); }`, /wf.operation: no node instance "nope"/],
    ['a forged handle', `export default (wf) => { wf.sequence({ kind: 'op' }); }`, /must be a task or group made by this wf/],
    ['a task placed twice', `export default (wf) => { const a = wf.event('a'); wf.sequence(a); wf.parallel(a); }`, /only one sequence or parallel group/],
    ['no default export', `const x = 1;`, /must export a function as its default export/],
    ['an async function', `export default async (wf) => {}`, /synchronously/],
    ['a throwing function', `export default () => { throw new Error('boom') }`, /threw Error: boom/],
    ['a syntax error', `export default (wf) => {`, /not valid JavaScript/],
    ['an import statement', `import fs from 'fs';\nexport default () => {}`, /may not use import or export/],
    ['a dynamic import', `export default () => { import('fs') }`, /may not use import or export/],
    ['Math.random', `export default () => { Math.random() }`, /Math.random is not available/],
    ['Date', `export default () => { new Date() }`, /Date is not available/],
  ])('refuses %s with a clear message', async (_what, source, message) => {
    expect(await refusal(source)).toMatch(message);
  });

  it('limits how many items a function adds', async () => {
    await expect(run(`export default (wf) => { for (;;) wf.event('x'); }`, { ...LIMITS, maxItems: 100 })).rejects.toThrow('more than 100 tasks and groups');
  });
});

describe('the sandbox', () => {
  it.each([
    ['require', `export default () => { require('fs') }`, /require is not defined/],
    ['process', `export default () => { process.exit(1) }`, /process is not defined/],
    ['fetch', `export default () => { fetch('http://example.com') }`, /fetch is not defined/],
    ['setTimeout', `export default () => { setTimeout(() => {}, 1) }`, /setTimeout is not defined/],
    ['globalThis.constructor.constructor', `export default () => { globalThis.constructor.constructor('return process')() }`, /Code generation from strings disallowed/],
    ['this.constructor.constructor at the top level', `this.constructor.constructor('return process')().exit(1)`, /Code generation from strings disallowed|undefined/],
    ['the API functions\u2019 constructor', `export default (wf) => { wf.operation.constructor('return process')().exit(1) }`, /Code generation from strings disallowed/],
    ['an Error\u2019s prototype chain', `export default (wf) => { try { null.x } catch (e) { e.constructor.constructor('return process')().exit(1) } }`, /Code generation from strings disallowed/],
    ['eval', `export default () => { eval('1') }`, /Code generation from strings disallowed/],
  ])('gives no way to the host through %s', async (_what, source, message) => {
    expect(await refusal(source)).toMatch(message);
  });

  it('sees only the ECMAScript globals', async () => {
    const description = await run(`export default (wf) => { wf.event(Object.getOwnPropertyNames(globalThis).filter((n) => /^[a-z]/.test(n)).sort().join(',')); }`);
    const names = (description.items[0] as { message: string }).message.split(',');
    for (const host of ['require', 'process', 'module', 'Buffer', 'fetch', 'console', 'setTimeout', 'global']) expect(names).not.toContain(host);
  });

  it('stops an infinite loop at the time limit, in the function or at the top level', async () => {
    const started = Date.now();
    expect(await refusal(`export default () => { for (;;) {} }`)).toMatch(/did not finish within 500 ms/);
    expect(await refusal(`for (;;) {}`)).toMatch(/did not finish within 500 ms/);
    expect(await refusal(`export default () => { Promise.resolve().then(function loop() { for (;;) {} }); }`)).toMatch(/did not finish within 500 ms/);
    expect(Date.now() - started).toBeLessThan(10000);
  });

  it('survives an unhandled rejection and a thrown object with a looping getter', async () => {
    await expect(run(`export default (wf) => { Promise.reject(new Error('x')); wf.event('after'); }`)).resolves.toMatchObject({ items: [{ message: 'after' }] });
    expect(await refusal(`export default () => { throw { get message() { for (;;) {} } } }`)).toMatch(/thrown value/);
  });

  it('stops a function that allocates without end', async () => {
    expect(await refusal(`export default () => { const a = []; for (;;) a.push(new Array(1e6).fill(1)); }`)).toMatch(/more than \d+ MB of memory|did not finish/);
  }, 30000);
});

describe('toScript', () => {
  it('turns the default export into an assignment', () => {
    expect(toScript('export default function (wf) {}')).toBe('module.exports.default = function (wf) {}');
  });
});
