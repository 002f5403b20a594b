/**
 * Starts that no worker took, on the real local runtime (issue #5): an `execution.start` lost
 * before any worker wrote the execution's header (fauxqs losing its queues on a restart, a start
 * dead-lettered in AWS) is re-sent by the sweeper through the wake-up the REST API wrote with it;
 * a start that was taken leaves no wake-up behind and is never re-sent. And a build taken over
 * after its builder crashed while writing its tasks drops tasks the new graph does not have.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AwsClients } from '../../../../adapters/aws-clients';
import { DynamoOperationStore } from '../../../../adapters/dynamodb/operation-store';
import { EXECUTION_START_KIND } from '../../../../src/executions/queue';
import { createEngine } from '../../../../lambdas/support/engine-container';
import { createWorkflowWorkerHandler, workflowMessageHandlers } from '../../../../lambdas/workflow-worker';
import type { ExecutionKey } from '../../../../src/ports/operation-store';
import type { PersistedTask } from '../../../../src/workflows/engine/persisted';
import { deploy, events, execution, HEADER, run, starts, startHarness, waitFor, waitForEnd } from './harness';
import type { Harness } from './harness';

const TENANT = 'default_tenant';
const RESEND_AFTER_SECONDS = 4;
const APP = `${HEADER}
node_templates:
  host:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
    interfaces:
      cloudify.interfaces.lifecycle: {create: stratus.ops.noop, configure: stratus.ops.noop, start: stratus.ops.noop}
`;
const STALE_TASK = 'stale-task-of-an-older-graph';

/** Starts of these deployments' `install` to drop (as if lost) before any worker sees them. */
const dropStarts = new Map<string, number>();
/** execution.start messages a worker received, per execution. */
const received = new Map<string, number>();
/** The next build crashes while writing its tasks (after writing them and a task of an older graph); its execution. */
let crashNextWrite = false;
let crashed: string | undefined;

/**
 * The real operation store; with crashNextWrite, a build writes its tasks plus a task its graph
 * does not have (what a build of the deployment before it changed would have left), then its worker
 * "crashes" holding the build claim.
 */
class CrashingOperations extends DynamoOperationStore {
  override async putTasks(key: ExecutionKey, tasks: PersistedTask[]): Promise<void> {
    if (!crashNextWrite) return super.putTasks(key, tasks);
    crashNextWrite = false;
    crashed = key.executionId;
    const root = tasks.find((task) => task.kind === 'operation' && task.dependencies.length === 0)!;
    await super.putTasks(key, [...tasks, { ...root, id: STALE_TASK, dependencies: [], dependents: [] }]);
    throw new Error('workflow worker crashed while writing the tasks');
  }
}

describe('starts no worker took', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(
      {
        handlers: {
          workflowWorker: (settings) => {
            const operations = new CrashingOperations({ client: new AwsClients(settings.aws).documents, tableName: settings.config.tables.operations! });
            const handlers = workflowMessageHandlers(settings, createEngine(settings, { operations }));
            const start = handlers[EXECUTION_START_KIND];
            handlers[EXECUTION_START_KIND] = async (message, record) => {
              const id = message.execution_id as string;
              received.set(id, (received.get(id) ?? 0) + 1);
              const drops = message.workflow_id === 'install' ? (dropStarts.get(message.deployment_id as string) ?? 0) : 0;
              if (drops > 0) {
                dropStarts.set(message.deployment_id as string, drops - 1);
                return; // acknowledged unseen: the message is gone
              }
              return start(message, record);
            };
            return createWorkflowWorkerHandler(settings, handlers);
          },
        },
      },
      { STRATUS_RESEND_AFTER: String(RESEND_AFTER_SECONDS), STRATUS_BUILD_CLAIM: '8' },
    );
    await deploy(h, 'lost', APP);
    await deploy(h, 'taken', APP);
    await deploy(h, 'changed', APP);
  }, 120000);

  afterAll(async () => {
    await h?.stop();
  });

  async function wakeOf(id: string): Promise<boolean> {
    return (await h.operations.dueWakes(Date.now() + 3600000, 1000)).some((due) => due.executionId === id);
  }

  function workflowStarted(list: { event_type?: string }[]): number {
    return list.filter((event) => event.event_type === 'workflow_started').length;
  }

  it('a start lost before any worker took it: the sweeper re-sends it after the re-send period, the execution runs once', async () => {
    dropStarts.set('lost', 1);
    const id = (await run(h, 'lost', 'install')).id as string;
    const key = { tenant: TENANT, executionId: id };
    await waitFor('the start to be dropped', async () => (dropStarts.get('lost') === 0 ? true : undefined), 30000);
    // Nothing took it: no header, still pending, and its wake-up is there.
    expect(await h.operations.getHeader(key)).toBeUndefined();
    expect((await execution(h, id)).status).toBe('pending');
    expect(await wakeOf(id)).toBe(true);
    const done = await waitForEnd(h, id, 60000);
    expect(done).toMatchObject({ status: 'terminated', total_operations: 6, finished_operations: 6 });
    expect(received.get(id)).toBeGreaterThanOrEqual(2);
    const list = await events(h, id);
    expect(workflowStarted(list)).toBe(1);
    const counts = starts(list);
    expect(counts.size).toBe(6);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    await waitFor('the wake-up to be cleared', async () => ((await wakeOf(id)) ? undefined : true), 4 * RESEND_AFTER_SECONDS * 1000);
  }, 120000);

  it('a start a worker took: its wake-up is cleared and the start is never re-sent', async () => {
    const id = (await run(h, 'taken', 'install')).id as string;
    expect(await wakeOf(id)).toBe(true);
    const done = await waitForEnd(h, id, 60000);
    expect(done).toMatchObject({ status: 'terminated', total_operations: 6, finished_operations: 6 });
    await waitFor('the wake-up to be cleared', async () => ((await wakeOf(id)) ? undefined : true), 4 * RESEND_AFTER_SECONDS * 1000);
    // Two more re-send periods: nothing is re-sent, nothing runs again.
    await new Promise((resolve) => setTimeout(resolve, 2 * RESEND_AFTER_SECONDS * 1000));
    expect(received.get(id)).toBe(1);
    expect(await wakeOf(id)).toBe(false);
    const list = await events(h, id);
    expect(workflowStarted(list)).toBe(1);
    expect([...starts(list).values()]).toEqual([1, 1, 1, 1, 1, 1]);
  }, 120000);

  it('a build taken over after its worker crashed while writing its tasks drops tasks its graph does not have', async () => {
    crashNextWrite = true;
    const id = (await run(h, 'changed', 'install')).id as string;
    const key = { tenant: TENANT, executionId: id };
    await waitFor('the crash', async () => (crashed === id ? true : undefined), 30000);
    expect((await h.operations.getHeader(key))!.status).toBe('building');
    expect((await h.operations.listTasks(key)).map((task) => task.id)).toContain(STALE_TASK);
    // The claim ends, the start (redelivered or re-sent by the sweeper) takes the build over.
    const done = await waitForEnd(h, id, 60000);
    expect(done).toMatchObject({ status: 'terminated', total_operations: 6, finished_operations: 6 });
    const tasks = await h.operations.listTasks(key);
    expect(tasks.map((task) => task.id)).not.toContain(STALE_TASK);
    expect(tasks.filter((task) => task.state === 'waiting')).toEqual([]);
    const list = await events(h, id);
    expect(workflowStarted(list)).toBe(1);
    expect([...starts(list).values()]).toEqual([1, 1, 1, 1, 1, 1]);
  }, 120000);
});
