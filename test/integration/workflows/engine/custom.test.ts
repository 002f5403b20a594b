/**
 * Workflow functions and get_secret in operation inputs on the real local runtime: a rolling
 * upgrade written in JavaScript runs over stratus.ops.* in the order it describes; workflows that
 * cannot run are refused at POST /executions with the reason; a dry run lists the graph; a secret
 * reaches the operation (runtime properties show it) but no event and no persisted task holds it,
 * and a missing secret fails its operation at once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../../src/events/model';
import { zipOf } from '../../../support/archives/build';
import { blueprintUpload } from '../../../support/rest/client';
import { events, HEADER, instances, run, startHarness, waitFor, waitForEnd } from './harness';
import type { Harness } from './harness';

let h: Harness;
const SECRET = 's3cr3t-Value-42';

const BLUEPRINT = `${HEADER}
workflows:
  rolling:
    mapping: workflows/rolling.js
    parameters:
      version: {default: '2'}
  leaky: workflows/leaky.js
  python: workflows/legacy.py
  plugin_flow: default_workflows.some.function
  throws: workflows/throws.js
  loops: workflows/loops.js
  cyclic: workflows/cyclic.js
node_templates:
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
    interfaces:
      cloudify.interfaces.lifecycle:
        create:
          implementation: stratus.ops.set_runtime_properties
          inputs: {properties: {token: {get_secret: token}, version: '1'}}
        stop: {implementation: stratus.ops.sleep, inputs: {seconds: 0.05}}
        start: stratus.ops.noop
      custom:
        upgrade: {implementation: stratus.ops.set_runtime_properties, inputs: {properties: {}}}
`;

const ROLLING = `// One instance after the other: stop, upgrade, start.
export default function rolling(wf) {
  let previous = null;
  for (const app of wf.instancesOf('app')) {
    const step = wf.sequence(
      wf.event('Upgrading ' + app.id + ' to ' + wf.parameters.version, app),
      wf.operation(app, 'cloudify.interfaces.lifecycle.stop'),
      wf.operation(app, 'custom.upgrade', { properties: { version: wf.parameters.version } }),
      wf.operation(app, 'cloudify.interfaces.lifecycle.start'),
    );
    if (previous) wf.dependsOn(step, previous);
    previous = step;
  }
}
`;

beforeAll(async () => {
  h = await startHarness();
  await h.rest.ok('PUT', '/api/v3.1/secrets/token', 200, { body: { value: SECRET } });
  const archive = zipOf({
    'bp/blueprint.yaml': BLUEPRINT,
    'bp/workflows/rolling.js': ROLLING,
    'bp/workflows/leaky.js': `export default (wf) => { wf.operation(wf.instances[0], 'custom.upgrade', { properties: { v: { get_secret: 'missing' } } }); };`,
    'bp/workflows/legacy.py': 'from cloudify.decorators import workflow\n',
    'bp/workflows/throws.js': `export default (wf) => { if (!wf.parameters.ok) throw new Error('parameter ok is required'); };`,
    'bp/workflows/loops.js': `export default () => { for (;;) {} };`,
    'bp/workflows/cyclic.js': `export default (wf) => { const a = wf.event('a'); const b = wf.event('b'); wf.dependsOn(a, b); wf.dependsOn(b, a); };`,
  });
  await h.rest.ok('PUT', '/api/v3.1/blueprints/custom', 201, blueprintUpload(archive));
  await h.rest.ok('PUT', '/api/v3.1/deployments/custom', 201, { body: { blueprint_id: 'custom' } });
  const list = await h.rest.list('/api/v3.1/executions?deployment_id=custom&workflow_id=create_deployment_environment&_include_system_workflows=true');
  expect((await waitForEnd(h, list.items[0].id as string)).status).toBe('terminated');
}, 120000);

afterAll(async () => {
  await h?.stop();
});

function position(list: StoredEvent[], type: string, instance: string, operation: string): number {
  const index = list.findIndex((e) => e.event_type === type && e.node_instance_id === instance && e.operation === operation);
  if (index < 0) throw new Error(`No ${type} of ${operation} on ${instance}`);
  return index;
}

describe('get_secret in operation inputs', () => {
  it('reaches the operation at dispatch and is never written to events or the persisted graph', async () => {
    const started = await run(h, 'custom', 'install');
    expect((await waitForEnd(h, started.id as string)).status).toBe('terminated');
    const all = await instances(h, 'custom');
    expect(all.map((i) => (i.runtime_properties as Record<string, unknown>).token)).toEqual([SECRET, SECRET]);
    const list = await events(h, started.id as string);
    expect(list.length).toBeGreaterThan(5);
    expect(JSON.stringify(list)).not.toContain(SECRET);
    const tasks = await h.operations.listTasks({ tenant: 'default_tenant', executionId: started.id as string });
    expect(JSON.stringify(tasks)).toContain('get_secret');
    expect(JSON.stringify(tasks)).not.toContain(SECRET);
  }, 90000);
});

describe('workflow functions', () => {
  it('runs a rolling upgrade in the order the function describes', async () => {
    const started = await run(h, 'custom', 'rolling', { parameters: { version: '3' } });
    const done = await waitForEnd(h, started.id as string);
    expect(done).toMatchObject({ status: 'terminated', error: '', total_operations: 6, finished_operations: 6 });
    const list = await events(h, started.id as string);
    const [a, b] = (await instances(h, 'custom')).map((i) => i.id as string).sort();
    const stop = 'cloudify.interfaces.lifecycle.stop';
    const start = 'cloudify.interfaces.lifecycle.start';
    // Which instance goes first follows wf.instancesOf's order; the other waits for its start.
    const firstId = position(list, 'task_started', a, stop) < position(list, 'task_started', b, stop) ? a : b;
    const secondId = firstId === a ? b : a;
    expect(position(list, 'task_succeeded', firstId, stop)).toBeLessThan(position(list, 'task_started', firstId, 'custom.upgrade'));
    expect(position(list, 'task_succeeded', firstId, 'custom.upgrade')).toBeLessThan(position(list, 'task_started', firstId, start));
    expect(position(list, 'task_succeeded', firstId, start)).toBeLessThan(position(list, 'task_started', secondId, stop));
    expect(list.some((e) => e.message === `Upgrading ${secondId} to 3`)).toBe(true);
    const after = await instances(h, 'custom');
    expect(after.map((i) => (i.runtime_properties as Record<string, unknown>).version)).toEqual(['3', '3']);
  }, 90000);

  it('lists the graph on a dry run without running it', async () => {
    const started = await run(h, 'custom', 'rolling', { dry_run: true });
    expect((await waitForEnd(h, started.id as string)).status).toBe('terminated');
    const list = await events(h, started.id as string);
    expect(list.filter((e) => e.event_type === 'task_started')).toHaveLength(0);
    expect(list.some((e) => e.message?.includes('custom.upgrade'))).toBe(true);
  }, 60000);

  it.each([
    ['python', /python .*cannot run on Stratus: its script workflows\/legacy.py is not JavaScript/],
    ['plugin_flow', /plugin_flow .*cannot run on Stratus: it maps to default_workflows.some.function, a Python workflow function/],
    ['throws', /throws .*cannot run on Stratus: the workflow function threw Error: parameter ok is required/],
    ['loops', /loops .*cannot run on Stratus: the workflow function did not finish within \d+ ms/],
    ['cyclic', /cyclic .*cannot run on Stratus: the tasks wait for each other in a cycle/],
  ])('refuses %s at POST /executions with the reason', async (workflow, message) => {
    const reason = await h.rest.error('POST', '/api/v3.1/executions', 400, 'nonexistent_workflow_error', { body: { deployment_id: 'custom', workflow_id: workflow } });
    expect(reason).toMatch(message);
  }, 30000);

  it('fails an operation whose input names a missing secret at once, without retries', async () => {
    const started = await run(h, 'custom', 'leaky');
    const done = await waitForEnd(h, started.id as string);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/Secret "missing" does not exist/);
    const list = await waitFor('the task_failed event', async () => {
      const found = await events(h, started.id as string);
      return found.some((e) => e.event_type === 'task_failed') ? found : undefined;
    });
    expect(list.filter((e) => e.event_type === 'task_rescheduled')).toHaveLength(0);
    expect(list.find((e) => e.event_type === 'task_failed')?.message).toMatch(/Secret "missing" does not exist/);
  }, 60000);
});
