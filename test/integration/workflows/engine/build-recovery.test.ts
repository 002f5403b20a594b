/**
 * Builds that never finish, on the real local runtime (issue #5): a workflow worker that crashes
 * while it holds the build claim, with a 1 s visibility timeout, gets its start message
 * dead-lettered (5 receives) long before the claim ends; the sweeper finds the build through its
 * due entry once the claim ended and re-sends the start, which takes the build over: the execution
 * finishes with every operation run once. A kill during the build ends the execution and the
 * engine header cancelled, and nothing runs afterwards (nor after the claim ends).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createEngine } from '../../../../lambdas/support/engine-container';
import { createWorkflowWorkerHandler, workflowMessageHandlers } from '../../../../lambdas/workflow-worker';
import type { ExecutionKey } from '../../../../src/ports/operation-store';
import { deploy, events, HEADER, run, starts, startHarness, waitFor, waitForEnd } from './harness';
import type { Harness } from './harness';

const TENANT = 'default_tenant';
const APP = `${HEADER}
node_templates:
  host:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
    interfaces:
      cloudify.interfaces.lifecycle: {create: stratus.ops.noop, configure: stratus.ops.noop, start: stratus.ops.noop}
`;

describe('builds that never finish', () => {
  let h: Harness;
  let sqs: SQSClient;
  /** Executions whose build crashes (every attempt) and how many build attempts crashed. */
  const crashing = new Map<string, number>();
  let crashFirst = false;

  const faultDuringBuild = (key: ExecutionKey) => {
    if (crashFirst) {
      crashFirst = false;
      crashing.set(key.executionId, 0);
    }
    const crashes = crashing.get(key.executionId);
    if (crashes === undefined || crashes < 0) return;
    crashing.set(key.executionId, crashes + 1);
    throw new Error('workflow worker crashed during the build');
  };

  async function deadLettered(): Promise<number> {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: h.runtime.resources.queues.workflow.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  beforeAll(async () => {
    h = await startHarness(
      { visibilityTimeoutSeconds: 1, handlers: { workflowWorker: (settings) => createWorkflowWorkerHandler(settings, workflowMessageHandlers(settings, createEngine(settings, { faultDuringBuild }))) } },
      { STRATUS_BUILD_CLAIM: '10' },
    );
    sqs = new SQSClient({ region: h.runtime.settings.aws.region, credentials: h.runtime.settings.aws.credentials, endpoint: h.runtime.endpoints.sqs });
    await deploy(h, 'app', APP);
  }, 120000);

  afterAll(async () => {
    sqs?.destroy();
    await h?.stop();
  });

  it('a worker killed mid-build: the start dead-letters, the sweeper re-sends it after the claim, every operation runs once', async () => {
    const before = await deadLettered();
    crashFirst = true;
    const started = await run(h, 'app', 'install');
    const id = started.id as string;
    const key = { tenant: TENANT, executionId: id };
    await waitFor('the crash', async () => (crashing.get(id) ? true : undefined), 30000);
    // Redeliveries find the claim held and fail: 5 receives and the message is dead-lettered.
    await waitFor('the start message to be dead-lettered', async () => ((await deadLettered()) > before ? true : undefined), 30000);
    expect((await h.operations.getHeader(key))!.status).toBe('building');
    crashing.set(id, -1); // the next worker survives
    const done = await waitForEnd(h, id, 60000);
    expect(done).toMatchObject({ status: 'terminated', total_operations: 6, finished_operations: 6 });
    const counts = starts(await events(h, id));
    expect(counts.size).toBe(6);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await h.operations.getHeader(key)).toMatchObject({ status: 'done', outcome: 'terminated' });
    // Nothing is left due: finishing the build removed the header's due entry.
    expect((await h.operations.dueBuilds(Date.now() + 3600000, 1000)).some((due) => due.executionId === id)).toBe(false);
  }, 120000);

  it('a kill during the build ends the execution and the header cancelled; nothing runs afterwards', async () => {
    crashFirst = true; // every build attempt of this execution crashes: it stays building
    const started = await run(h, 'app', 'install');
    const id = started.id as string;
    const key = { tenant: TENANT, executionId: id };
    await waitFor('the crash', async () => (crashing.get(id) ? true : undefined), 30000);
    expect((await h.operations.getHeader(key))!.status).toBe('building');
    await h.rest.ok('POST', `/api/v3.1/executions/${id}`, 200, { body: { action: 'kill' } });
    const done = await waitForEnd(h, id, 30000);
    expect(done.status).toBe('cancelled');
    await waitFor('the header to end', async () => ((await h.operations.getHeader(key))!.status === 'done' ? true : undefined), 30000);
    expect(await h.operations.getHeader(key)).toMatchObject({ status: 'done', outcome: 'cancelled', unbuilt: true });
    // Past the claim and a re-send period: the sweeper re-sends nothing, no build runs, no task starts.
    crashing.set(id, -1);
    await new Promise((resolve) => setTimeout(resolve, 15000));
    expect((await h.operations.dueBuilds(Date.now() + 3600000, 1000)).some((due) => due.executionId === id)).toBe(false);
    expect(starts(await events(h, id)).size).toBe(0);
    expect((await h.operations.listTasks(key)).filter((task) => task.state !== 'waiting')).toEqual([]);
    expect((await waitForEnd(h, id)).status).toBe('cancelled');
  }, 120000);
});
