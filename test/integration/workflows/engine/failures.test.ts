/**
 * Retries, failures, cancel, resume, queueing and dry runs through the REST API on the real local
 * runtime (STRATUS_TASK_RETRIES=3, interval 0 s: see harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deploy, events, execution, HEADER, instances, run, starts, startHarness, waitFor, waitForEnd } from './harness';
import type { Harness } from './harness';

let h: Harness;

function blueprint(ops: { first: string; second: string; independent: string }): string {
  return `${HEADER}
node_templates:
  first:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle:
        create: ${ops.first}
  second:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.depends_on, target: first}]
    interfaces:
      cloudify.interfaces.lifecycle:
        create: ${ops.second}
  independent:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle:
        create: ${ops.independent}
`;
}

const CREATE = 'cloudify.interfaces.lifecycle.create';

beforeAll(async () => {
  h = await startHarness();
  await deploy(h, 'retry', blueprint({ first: '{implementation: stratus.ops.fail, inputs: {times: 2}}', second: 'stratus.ops.noop', independent: 'stratus.ops.noop' }));
  await deploy(h, 'fatal', blueprint({ first: '{implementation: stratus.ops.fail, inputs: {recoverable: false, message: boom}}', second: 'stratus.ops.noop', independent: '{implementation: stratus.ops.sleep, inputs: {seconds: 1}}' }));
  await deploy(h, 'slow', blueprint({ first: '{implementation: stratus.ops.sleep, inputs: {seconds: 2}}', second: 'stratus.ops.noop', independent: 'stratus.ops.noop' }));
}, 180000);

afterAll(async () => {
  await h?.stop();
});

describe('retries and failures', () => {
  it('retries a recoverable failure and then succeeds', async () => {
    const started = await run(h, 'retry', 'install');
    const done = await waitForEnd(h, started.id as string);
    expect(done.status).toBe('terminated');
    const list = await events(h, started.id as string);
    const first = (await instances(h, 'retry')).find((i) => i.node_id === 'first')!.id as string;
    expect(starts(list).get(`${first} ${CREATE}`)).toBe(3);
    expect(list.filter((e) => e.event_type === 'task_rescheduled' && e.node_instance_id === first)).toHaveLength(2);
    expect(list.filter((e) => e.event_type === 'task_failed' && e.node_instance_id === first)).toHaveLength(2);
  }, 60000);

  it('fails at once on a non-recoverable error, never runs dependents, lets independent branches finish', async () => {
    const started = await run(h, 'fatal', 'install');
    const done = await waitForEnd(h, started.id as string);
    const all = await instances(h, 'fatal');
    const id = (node: string) => all.find((i) => i.node_id === node)!.id as string;
    expect(done.status).toBe('failed');
    expect(done.error).toContain(`Task failed '${CREATE}' on node instance ${id('first')}: boom`);
    const counts = starts(await events(h, started.id as string));
    expect(counts.get(`${id('first')} ${CREATE}`)).toBe(1);
    expect(counts.has(`${id('second')} ${CREATE}`)).toBe(false);
    expect(counts.get(`${id('independent')} ${CREATE}`)).toBe(1);
    expect(all.find((i) => i.node_id === 'independent')!.state).toBe('started');
    expect(all.find((i) => i.node_id === 'second')!.state).toBe('uninitialized');
    const deployment = await h.rest.ok('GET', '/api/v3.1/deployments/fatal', 200);
    expect(deployment.latest_execution_status).toBe('failed');
  }, 60000);

  it('resumes a failed execution: only the unfinished operations run again', async () => {
    const list = await h.rest.list('/api/v3.1/executions?deployment_id=fatal&workflow_id=install');
    const id = list.items[0].id as string;
    const resumed = await h.rest.ok('POST', `/api/v3.1/executions/${id}`, 200, { body: { action: 'resume' } });
    expect(resumed).toMatchObject({ status: 'pending', resume: true });
    // Still non-recoverable: it fails again, but the independent branch is not run twice.
    const done = await waitForEnd(h, id);
    expect(done.status).toBe('failed');
    const all = await instances(h, 'fatal');
    const independent = all.find((i) => i.node_id === 'independent')!.id as string;
    const first = all.find((i) => i.node_id === 'first')!.id as string;
    const counts = starts(await events(h, id));
    expect(counts.get(`${independent} ${CREATE}`)).toBe(1);
    expect(counts.get(`${first} ${CREATE}`)).toBe(2);
    await h.rest.error('POST', `/api/v3.1/executions/${id}`, 400, 'illegal_action_error', { body: { action: 'cancel' } });
  }, 60000);
});

describe('cancel, queue, dry run', () => {
  it('queues a second execution while one runs, then cancels the running one and starts the queued one', async () => {
    const first = await run(h, 'slow', 'install');
    await h.rest.error('POST', '/api/v3.1/executions', 400, 'existing_running_execution_error', { body: { deployment_id: 'slow', workflow_id: 'install' } });
    const queued = await run(h, 'slow', 'install', { queue: true });
    expect(queued.status).toBe('queued');
    await waitFor('the first to start', async () => ((await execution(h, first.id as string)).status === 'started' ? true : undefined));
    const cancelling = await h.rest.ok('POST', `/api/v3.1/executions/${first.id}`, 200, { body: { action: 'cancel' } });
    expect(cancelling.status).toBe('cancelling');
    expect((await waitForEnd(h, first.id as string)).status).toBe('cancelled');
    const second = await waitForEnd(h, queued.id as string);
    expect(second.status).toBe('terminated');
    const list = await events(h, first.id as string);
    expect(list.some((e) => e.event_type === 'workflow_cancelled')).toBe(true);
  }, 90000);

  it('dry run builds and reports the graph without running operations', async () => {
    const started = await run(h, 'slow', 'execute_operation', { dry_run: true, parameters: { operation: CREATE } });
    const done = await waitForEnd(h, started.id as string);
    expect(done).toMatchObject({ status: 'terminated', is_dry_run: true, total_operations: 3 });
    const list = await events(h, started.id as string);
    expect(list.some((e) => e.event_type === 'task_started')).toBe(false);
    expect(list.filter((e) => e.type === 'cloudify_log').length).toBeGreaterThan(0);
    expect((await instances(h, 'slow')).every((i) => i.state === 'started')).toBe(true);
  }, 60000);

  it('checks parameters and workflows', async () => {
    await h.rest.error('POST', '/api/v3.1/executions', 400, 'illegal_execution_parameters_error', { body: { deployment_id: 'slow', workflow_id: 'install', parameters: { colour: 'red' } } });
    await h.rest.error('POST', '/api/v3.1/executions', 400, 'nonexistent_workflow_error', { body: { deployment_id: 'slow', workflow_id: 'nope' } });
    await h.rest.error('POST', '/api/v3.1/executions/x', 400, 'bad_parameters_error', { body: { action: 'explode' } });
  }, 30000);
});
