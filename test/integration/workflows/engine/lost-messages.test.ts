/**
 * Workflow-queue messages lost before any worker saw them (fauxqs loses its queues on a local
 * restart; in AWS a message dead-lettered after its redeliveries), on the real local runtime: the
 * execution's wake-up, written by whoever sent the message, makes the sweeper send again what the
 * execution still waits for (lifecycle.wake/kick), so no execution is left stuck:
 * - the start of a scheduled execution (it still runs when its time comes);
 * - a cancel (the execution still ends cancelled);
 * - the check after a terminal failure (the execution still ends failed);
 * - the next slice of a deployment deletion the REST API handed over (it still finishes).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXECUTION_START_KIND } from '../../../../src/executions/queue';
import { EXECUTION_CANCEL_KIND } from '../../../../src/workflows/engine';
import { createEngine } from '../../../../lambdas/support/engine-container';
import { createWorkflowWorkerHandler, workflowMessageHandlers } from '../../../../lambdas/workflow-worker';
import { EXECUTION_CHECK_KIND } from '../../../../src/workflows/engine/messages';
import { deploy, events, execution, handOverDeletion, HEADER, instances, run, starts, startHarness, waitFor, waitForEnd } from './harness';
import type { Harness } from './harness';

const RESEND_AFTER_SECONDS = 3;
const LC = 'cloudify.interfaces.lifecycle';

/** How many more messages of a kind to drop, per execution id (starts: per deployment id); and what was dropped. */
const drops = new Map<string, number>();
const dropped: string[] = [];
const dropKey = (kind: string, executionId: string) => `${kind} ${executionId}`;
/** Deletion starts to drop after the first one of an execution (the slices' re-sends). */
const dropSliceStarts = new Map<string, number>();
const sliceStarts = new Map<string, number>();

function shouldDrop(kind: string, message: Record<string, unknown>): boolean {
  const id = message.execution_id as string;
  if (kind === EXECUTION_START_KIND && message.workflow_id === 'delete_deployment_environment') {
    const seen = (sliceStarts.get(id) ?? 0) + 1;
    sliceStarts.set(id, seen);
    const left = dropSliceStarts.get(id) ?? 0;
    if (seen < 2 || left === 0) return false;
    dropSliceStarts.set(id, left - 1);
    dropped.push(dropKey(kind, id));
    return true;
  }
  const key = dropKey(kind, kind === EXECUTION_START_KIND ? (message.deployment_id as string) : id);
  const left = drops.get(key) ?? 0;
  if (left === 0) return false;
  drops.set(key, left - 1);
  dropped.push(dropKey(kind, id));
  return true;
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness(
    {
      handlers: {
        workflowWorker: (settings) => {
          const handlers = workflowMessageHandlers(settings, createEngine(settings));
          for (const kind of [EXECUTION_START_KIND, EXECUTION_CANCEL_KIND, EXECUTION_CHECK_KIND]) {
            const handle = handlers[kind];
            // Acknowledged unseen: the message is gone.
            handlers[kind] = async (message, record) => (shouldDrop(kind, message) ? undefined : handle(message, record));
          }
          return createWorkflowWorkerHandler(settings, handlers);
        },
      },
    },
    // Deletion slices of a millisecond: a few hundred records take several messages.
    { STRATUS_RESEND_AFTER: String(RESEND_AFTER_SECONDS), STRATUS_DELETE_SLICE: '0.001' },
  );
}, 180000);

afterAll(async () => {
  await h?.stop();
});

function chain(ops: { create: string; configure: string; start: string }): string {
  return `${HEADER}
node_templates:
  app:
    type: cloudify.nodes.Root
    interfaces:
      ${LC}: {create: ${ops.create}, configure: ${ops.configure}, start: ${ops.start}}
`;
}

const SLEEP = '{implementation: stratus.ops.sleep, inputs: {seconds: 2}}';

describe('lost workflow messages', () => {
  it('the start of a scheduled execution was lost: it still runs when its time comes', async () => {
    await deploy(h, 'scheduled', chain({ create: 'stratus.ops.noop', configure: 'stratus.ops.noop', start: 'stratus.ops.noop' }));
    // The REST API sends the start at once; the worker would register the wake-up for the scheduled time.
    drops.set(dropKey(EXECUTION_START_KIND, 'scheduled'), 1);
    const scheduled = await h.rest.ok('POST', '/api/v3.1/executions', 201, { body: { deployment_id: 'scheduled', workflow_id: 'install', scheduled_time: new Date(Date.now() + 2000).toISOString() } });
    const id = scheduled.id as string;
    expect(scheduled.status).toBe('scheduled');
    const done = await waitForEnd(h, id, 30000);
    expect(done).toMatchObject({ status: 'terminated', finished_operations: 3 });
    expect(dropped).toContain(dropKey(EXECUTION_START_KIND, id));
    expect(Date.parse(done.started_at as string)).toBeGreaterThanOrEqual(Date.parse(scheduled.scheduled_for as string));
  }, 60000);

  it('a cancel was lost: it is sent again and the execution ends cancelled', async () => {
    const slow = '{implementation: stratus.ops.sleep, inputs: {seconds: 4}}';
    await deploy(h, 'cancel', chain({ create: slow, configure: slow, start: slow }));
    const id = (await run(h, 'cancel', 'install')).id as string;
    drops.set(dropKey(EXECUTION_CANCEL_KIND, id), 1);
    await waitFor('the install to start', async () => ((await execution(h, id)).status === 'started' ? true : undefined));
    await h.rest.ok('POST', `/api/v3.1/executions/${id}`, 200, { body: { action: 'cancel' } });
    const done = await waitForEnd(h, id, 30000);
    expect(done.status).toBe('cancelled');
    expect(dropped).toContain(dropKey(EXECUTION_CANCEL_KIND, id));
    // The re-sent cancel stopped the chain before start (each step takes 4 s, the re-send comes 3-4 s after the cancel).
    const app = (await instances(h, 'cancel')).find((i) => i.node_id === 'app')!.id as string;
    expect(starts(await events(h, id)).get(`${app} ${LC}.start`)).toBeUndefined();
  }, 60000);

  it('the check after a terminal failure was lost: it is sent again and the execution ends failed', async () => {
    await deploy(h, 'failing', chain({ create: SLEEP, configure: '{implementation: stratus.ops.fail, inputs: {recoverable: false, message: broken}}', start: 'stratus.ops.noop' }));
    const id = (await run(h, 'failing', 'install')).id as string;
    // The failure's check (2 s after the start) and the first one the wake-up re-sends: it fires again.
    drops.set(dropKey(EXECUTION_CHECK_KIND, id), 2);
    const done = await waitForEnd(h, id, 30000);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('broken');
    expect(dropped.filter((d) => d === dropKey(EXECUTION_CHECK_KIND, id))).toHaveLength(2);
  }, 60000);

  it('the next slice of a deletion the REST API handed over was lost: it is sent again and the deletion finishes', async () => {
    await deploy(h, 'big', `${HEADER}
node_templates:
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 400}}}
`);
    const id = await handOverDeletion(h, 'big', (executionId) => dropSliceStarts.set(executionId, 1));
    const done = await waitForEnd(h, id, 60000);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'terminated', error: '' });
    expect(dropped).toContain(dropKey(EXECUTION_START_KIND, id));
    await h.rest.error('GET', '/api/v3.1/deployments/big', 404, 'not_found_error');
  }, 90000);
});
