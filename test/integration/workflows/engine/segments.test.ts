/**
 * Segments on the real local runtime: a chain of central operations (an instance's create →
 * configure → start) is one persisted task whose steps one worker runs in order, recording each
 * step before the next (persisted.ts, engine.ts). Checked here: retries count per step and never
 * repeat earlier steps; cancel between steps and resume go on at the step reached; a worker lost
 * between steps is recovered at the next step; with no direct-run budget every step goes through
 * the queue, also under duplicate delivery. Every operation runs exactly once (task_started events
 * are emitted only by a successful claim or step write) and finished_operations never exceeds the total.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createTaskWorkerHandler, taskMessageHandlers } from '../../../../lambdas/task-worker';
import { createEngine } from '../../../../lambdas/support/engine-container';
import { OperationRegistry } from '../../../../src/operations/registry';
import type { TaskRecord } from '../../../../src/ports/operation-store';
import type { OperationTask } from '../../../../src/workflows';
import { isLocalStep, stepCount, stepOf } from '../../../../src/workflows/engine/persisted';
import { deploy, events, HEADER, instances, run, starts, startHarness, waitFor, waitForEnd } from './harness';
import type { Harness } from './harness';

const LC = 'cloudify.interfaces.lifecycle';

type Lifecycle = { create?: string; configure?: string; start?: string };

function blueprint(app: Lifecycle = {}, base: Lifecycle = {}): string {
  return `${HEADER}
node_templates:
  base:
    type: cloudify.nodes.Root
    interfaces:
      ${LC}: {create: ${base.create ?? 'stratus.ops.noop'}, configure: stratus.ops.noop, start: stratus.ops.noop, stop: stratus.ops.noop, delete: stratus.ops.noop}
  app:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.depends_on, target: base}]
    interfaces:
      ${LC}:
        create: ${app.create ?? 'stratus.ops.noop'}
        configure: ${app.configure ?? 'stratus.ops.noop'}
        start: ${app.start ?? 'stratus.ops.noop'}
        stop: stratus.ops.noop
        delete: stratus.ops.noop
`;
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function appId(harness: Harness, deploymentId: string): Promise<string> {
  return (await instances(harness, deploymentId)).find((i) => i.node_id === 'app')!.id as string;
}

/** The operations a persisted task runs, in order (a segment: its first operation, then its further steps). */
function stepsOf(task: TaskRecord): OperationTask[] {
  return [task.spec.task, ...(task.spec.steps ?? []).map((step) => step.task)].filter((op): op is OperationTask => op?.kind === 'operation');
}

/** `node operation` of a task's step (a segment's local step 0 has none). */
function stepName(task: TaskRecord, step: number): string | undefined {
  const op = stepOf(task.spec, step).task;
  return op?.kind === 'operation' ? `${op.node_id} ${op.name}` : undefined;
}

/** The one persisted task (a segment) that runs the operations of an instance. */
async function segmentOf(harness: Harness, executionId: string, instanceId: string): Promise<TaskRecord> {
  const tasks = await harness.operations.listTasks({ tenant: 'default_tenant', executionId });
  const running = tasks.filter((task) => task.spec.kind === 'operation' && stepsOf(task).some((op) => op.context_instance_id === instanceId));
  expect(running).toHaveLength(1);
  return running[0];
}

/**
 * A runtime (lease 2 s) whose task worker dies once, right after recording a segment's move to the
 * app's configure (the lease ends, the sweeper takes it from there); `lost` gets the task's id.
 */
function startLosingAtAppConfigure(lost: Set<string>): Promise<Harness> {
  const abandonAfterStep = (task: TaskRecord) => {
    if (lost.size > 0 || stepName(task, task.step) !== `app ${LC}.configure`) return false;
    lost.add(task.id);
    return true;
  };
  return startHarness({ handlers: { taskWorker: (settings) => createTaskWorkerHandler(settings, taskMessageHandlers(settings, createEngine(settings, { abandonAfterStep }))) } }, { STRATUS_OPERATION_LEASE: '2' });
}

async function expectEveryOperationOnce(harness: Harness, executionId: string, operations: number): Promise<void> {
  const counts = starts(await events(harness, executionId));
  expect(counts.size).toBe(operations);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  const tasks = await harness.operations.listTasks({ tenant: 'default_tenant', executionId });
  expect(tasks.filter((task) => task.state === 'queued' || task.state === 'running')).toEqual([]);
}

describe('segments', () => {
  it("runs an instance's lifecycle chain as one task; a step's retries count from 1 and never repeat earlier steps", async () => {
    h = await startHarness();
    await deploy(h, 'retry', blueprint({ configure: '{implementation: stratus.ops.fail, inputs: {times: 2}}' }));
    const started = await run(h, 'retry', 'install');
    const done = await waitForEnd(h, started.id as string);
    expect(done).toMatchObject({ status: 'terminated', total_operations: 6, finished_operations: 6 });
    const app = await appId(h, 'retry');
    // base's chain and app's (which depends on all of base) are one segment: six steps, one task.
    const segment = await segmentOf(h, started.id as string, app);
    expect(stepsOf(segment).map((op) => `${op.node_id} ${op.name}`)).toEqual(['base', 'app'].flatMap((node) => ['create', 'configure', 'start'].map((op) => `${node} ${LC}.${op}`)));
    const list = await events(h, started.id as string);
    const counts = starts(list);
    expect([counts.get(`${app} ${LC}.create`), counts.get(`${app} ${LC}.configure`), counts.get(`${app} ${LC}.start`)]).toEqual([1, 3, 1]);
    const startedMessages = (operation: string) => list.filter((e) => e.event_type === 'task_started' && e.node_instance_id === app && e.operation === `${LC}.${operation}`).map((e) => e.message);
    expect(startedMessages('configure').filter((m) => /\(attempt [23]\)/.test(m))).toHaveLength(2);
    expect(startedMessages('start').some((m) => m.includes('(attempt'))).toBe(false);
    expect(list.filter((e) => e.event_type === 'task_rescheduled' && e.node_instance_id === app)).toHaveLength(2);
    expect((await instances(h, 'retry')).every((i) => i.state === 'started')).toBe(true);
  }, 120000);

  it("the first operation after the segment's local step 0 counts its retries too (the retry records the step)", async () => {
    h = await startHarness();
    // base's initializing leads the segment as a local step 0, which is not recorded on its own.
    await deploy(h, 'first', blueprint({}, { create: '{implementation: stratus.ops.fail, inputs: {times: 5}, max_retries: 1}' }));
    const started = await run(h, 'first', 'install');
    const done = await waitForEnd(h, started.id as string, 60000);
    expect(done).toMatchObject({ status: 'failed', finished_operations: 1 });
    expect(done.error).toContain('retries exhausted: 1/1');
    const list = await events(h, started.id as string);
    const base = (await instances(h, 'first')).find((i) => i.node_id === 'base')!.id as string;
    const shown = list.filter((e) => e.event_type === 'task_started' && e.node_instance_id === base).map((e) => e.message);
    expect(shown).toEqual([`'${LC}.create' started on ${base}`, `'${LC}.create' started on ${base} (attempt 2)`]);
    // The states the segment set before the failure are written: base is being created.
    expect(Object.fromEntries((await instances(h, 'first')).map((i) => [i.node_id, i.state]))).toEqual({ base: 'creating', app: 'uninitialized' });
  }, 120000);

  it("an operation's context shows its instance's state as the steps before it left it (not written yet)", async () => {
    const seen: string[] = [];
    const registry = new OperationRegistry().register('stratus.ops.probe_state', async (ctx) => {
      seen.push(`${ctx.operation} ${(await ctx.instance()).state}`);
    });
    h = await startHarness({ handlers: { taskWorker: (settings) => createTaskWorkerHandler(settings, taskMessageHandlers(settings, createEngine(settings, { registry }))) } });
    await deploy(h, 'probe', blueprint({ create: 'stratus.ops.probe_state', configure: 'stratus.ops.probe_state', start: 'stratus.ops.probe_state' }));
    expect((await waitForEnd(h, (await run(h, 'probe', 'install')).id as string)).status).toBe('terminated');
    expect(seen).toEqual([`${LC}.create creating`, `${LC}.configure configuring`, `${LC}.start starting`]);
  }, 120000);

  it('a step that runs long shows the states the steps before it set (written while it runs)', async () => {
    const harness = (h = await startHarness());
    await deploy(harness, 'long', blueprint({ create: '{implementation: stratus.ops.sleep, inputs: {seconds: 3}}' }));
    const started = await run(harness, 'long', 'install');
    // While app's create sleeps, base's chain (steps before it in the same segment) is done.
    const seen = await waitFor('the states before the long step', async () => {
      const states = new Map((await instances(harness, 'long')).map((i) => [i.node_id as string, i.state as string]));
      return states.get('base') === 'started' && states.get('app') === 'creating' ? states : undefined;
    }, 20000);
    expect(seen.size).toBe(2);
    expect((await waitForEnd(harness, started.id as string)).status).toBe('terminated');
    expect((await instances(harness, 'long')).map((i) => i.state)).toEqual(['started', 'started']);
  }, 120000);

  it('cancel between steps ends the execution; resume goes on at the step it reached and counts nothing twice', async () => {
    const harness = (h = await startHarness());
    await deploy(harness, 'slow', blueprint({ configure: '{implementation: stratus.ops.sleep, inputs: {seconds: 3}}' }));
    const started = await run(h, 'slow', 'install');
    const id = started.id as string;
    const app = await appId(h, 'slow');
    await waitFor('configure to start', async () => ((await events(harness, id)).some((e) => e.event_type === 'task_started' && e.node_instance_id === app && e.operation === `${LC}.configure`) ? true : undefined));
    await h.rest.ok('POST', `/api/v3.1/executions/${id}`, 200, { body: { action: 'cancel' } });
    // Cancel waits for the running step (configure), then the segment stops before start.
    expect((await waitForEnd(h, id)).status).toBe('cancelled');
    const afterCancel = starts(await events(h, id));
    expect([afterCancel.get(`${app} ${LC}.configure`), afterCancel.get(`${app} ${LC}.start`)]).toEqual([1, undefined]);
    const segment = await segmentOf(harness, id, app);
    expect(segment.state).toBe('failed');
    expect(stepName(segment, segment.step)).toBe(`app ${LC}.start`);

    await h.rest.ok('POST', `/api/v3.1/executions/${id}`, 200, { body: { action: 'resume' } });
    const done = await waitForEnd(h, id);
    expect(done).toMatchObject({ status: 'terminated', total_operations: 6, finished_operations: 6 });
    await expectEveryOperationOnce(h, id, 6);
  }, 120000);

  it('a step that failed is run again by resume, which goes on from there; finished_operations ends at the total', async () => {
    h = await startHarness();
    // Fails its first attempt for good; the attempt resume makes succeeds.
    await deploy(h, 'fatal', blueprint({ configure: '{implementation: stratus.ops.fail, inputs: {recoverable: false, times: 1, message: boom}}' }));
    const started = await run(h, 'fatal', 'install');
    const id = started.id as string;
    const failed = await waitForEnd(h, id);
    expect(failed).toMatchObject({ status: 'failed', finished_operations: 5 });
    expect(failed.error).toContain('boom');
    await h.rest.ok('POST', `/api/v3.1/executions/${id}`, 200, { body: { action: 'resume' } });
    expect(await waitForEnd(h, id)).toMatchObject({ status: 'terminated', total_operations: 6, finished_operations: 6 });
    const app = await appId(h, 'fatal');
    const counts = starts(await events(h, id));
    expect([counts.get(`${app} ${LC}.create`), counts.get(`${app} ${LC}.configure`), counts.get(`${app} ${LC}.start`)]).toEqual([1, 2, 1]);
  }, 120000);

  it('uninstall with ignore_failure: a failed step is logged, its state changes still happen and the chain goes on', async () => {
    h = await startHarness();
    await deploy(h, 'ignore', blueprint().replace(/(app:[\s\S]*?)delete: stratus.ops.noop/, '$1delete: {implementation: stratus.ops.fail, inputs: {recoverable: false, message: gone}}'));
    expect((await waitForEnd(h, (await run(h, 'ignore', 'install')).id as string)).status).toBe('terminated');
    const started = await run(h, 'ignore', 'uninstall', { parameters: { ignore_failure: true } });
    expect(await waitForEnd(h, started.id as string)).toMatchObject({ status: 'terminated', total_operations: 4, finished_operations: 4 });
    const app = await appId(h, 'ignore');
    const list = await events(h, started.id as string);
    expect(list.filter((e) => e.event_type === 'task_failed').map((e) => [e.node_instance_id, e.message])).toEqual([[app, `'${LC}.delete' on ${app} failed (ignored): gone`]]);
    // The set_state after the failed delete ran, and base (after app) was uninstalled.
    expect((await instances(h, 'ignore')).map((i) => i.state)).toEqual(['deleted', 'deleted']);
    await expectEveryOperationOnce(h, started.id as string, 4);
  }, 120000);

  it('every step runs under a full lease: a step that outlasts what was left of the previous one is not taken for lost', async () => {
    // Lease 10 s: create takes 4.5 s, then configure 7.9 s (an operation may use 80 % of a lease).
    // Under the lease create started with, configure would end about 2.5 s after it ran out.
    h = await startHarness({}, { STRATUS_OPERATION_LEASE: '10' });
    await deploy(h, 'long', blueprint({ create: '{implementation: stratus.ops.sleep, inputs: {seconds: 4.5}}', configure: '{implementation: stratus.ops.sleep, inputs: {seconds: 7.9}}' }));
    const started = await run(h, 'long', 'install');
    expect(await waitForEnd(h, started.id as string, 60000)).toMatchObject({ status: 'terminated', finished_operations: 6 });
    await expectEveryOperationOnce(h, started.id as string, 6);
    expect((await events(h, started.id as string)).filter((e) => e.event_type === 'task_rescheduled')).toEqual([]);
  }, 120000);

  it('a worker lost between steps: the sweeper recovers the segment at the step it recorded', async () => {
    const lost = new Set<string>();
    h = await startLosingAtAppConfigure(lost);
    await deploy(h, 'lost', blueprint());
    const started = await run(h, 'lost', 'install');
    const done = await waitForEnd(h, started.id as string, 90000);
    expect(done).toMatchObject({ status: 'terminated', finished_operations: 6 });
    expect(lost.size).toBe(1);
    await expectEveryOperationOnce(h, started.id as string, 6);
    const segment = await segmentOf(h, started.id as string, await appId(h, 'lost'));
    // Recovered once: the lost attempt, then the sweeper's.
    expect(segment).toMatchObject({ state: 'succeeded', attempt: 2 });
    const list = await events(h, started.id as string);
    expect(list.some((e) => e.event_type === 'task_rescheduled' && e.operation === `${LC}.configure`)).toBe(true);
    // base's states were set by steps the lost worker ran and had not written yet: the recovery wrote them.
    expect(Object.fromEntries((await instances(h, 'lost')).map((i) => [i.node_id, i.state]))).toEqual({ base: 'started', app: 'started' });
  }, 150000);

  it('a worker lost between steps of an execution force-cancelled meanwhile: the sweeper retires the segment and writes the states of the steps it recorded', async () => {
    const lost = new Set<string>();
    const harness = (h = await startLosingAtAppConfigure(lost));
    await deploy(harness, 'ended', blueprint());
    const started = await run(harness, 'ended', 'install');
    const id = started.id as string;
    await waitFor('the worker to be lost', async () => (lost.size > 0 ? true : undefined));
    await harness.rest.ok('POST', `/api/v3.1/executions/${id}`, 200, { body: { action: 'force-cancel' } });
    expect((await waitForEnd(harness, id)).status).toBe('cancelled');
    // The lease ends, the sweeper finds the execution ended: the segment is retired, not run on,
    // and the states of the steps before the one it recorded are written.
    const states = await waitFor('the states of the recorded steps', async () => {
      const found = Object.fromEntries((await instances(harness, 'ended')).map((i) => [i.node_id, i.state]));
      return found.base === 'started' ? found : undefined;
    }, 30000);
    expect(states).toEqual({ base: 'started', app: 'configuring' });
    expect(starts(await events(harness, id)).get(`${await appId(harness, 'ended')} ${LC}.configure`)).toBeUndefined();
  }, 150000);

  it('with no direct-run budget every step goes through the queue, also with every message delivered twice and out of order', async () => {
    h = await startHarness({ duplicateDelivery: true }, { STRATUS_DIRECT_RUN_BUDGET: '0' });
    await deploy(h, 'handoff', blueprint());
    for (const [workflow, operations] of [['install', 6], ['uninstall', 4]] as const) {
      const started = await run(h, 'handoff', workflow);
      const done = await waitForEnd(h, started.id as string, 90000);
      expect(done).toMatchObject({ status: 'terminated', total_operations: operations, finished_operations: operations });
      await expectEveryOperationOnce(h, started.id as string, operations);
      // Each step of the segment (all the operations here, led by the first instance's local head)
      // was claimed from a message: one attempt per step.
      const segment = await segmentOf(h, started.id as string, await appId(h, 'handoff'));
      expect(stepsOf(segment)).toHaveLength(operations);
      expect(isLocalStep(segment.spec, 0)).toBe(true);
      expect(segment.attempt).toBe(stepCount(segment.spec));
    }
    expect((await instances(h, 'handoff')).every((i) => i.state === 'deleted')).toBe(true);
  }, 150000);
});
