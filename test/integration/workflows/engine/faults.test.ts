/**
 * Fault injection on the real local runtime: (1) every queue message delivered twice, concurrently
 * and out of order; (2) a task worker that dies right after claiming an operation (the lease ends,
 * the sweeper recovers it). Executions still finish, every operation runs exactly once (the
 * task_started events are emitted only by a successful claim), and nothing is left active.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createTaskWorkerHandler, taskMessageHandlers } from '../../../../lambdas/task-worker';
import { createEngine } from '../../../../lambdas/support/engine-container';
import type { TaskRecord } from '../../../../src/ports/operation-store';
import { deploy, events, HEADER, instances, run, starts, startHarness, waitForEnd } from './harness';
import type { Harness } from './harness';

const APP = `${HEADER}
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: 2}}}
    interfaces:
      cloudify.interfaces.lifecycle: {create: stratus.ops.noop, configure: stratus.ops.noop, start: stratus.ops.noop, stop: stratus.ops.noop, delete: stratus.ops.noop}
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 3}}}
    relationships: [{type: cloudify.relationships.contained_in, target: host}]
    interfaces:
      cloudify.interfaces.lifecycle: {create: stratus.ops.noop, configure: stratus.ops.noop, start: stratus.ops.noop, stop: stratus.ops.noop, delete: stratus.ops.noop}
`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function installAndUninstall(harness: Harness): Promise<void> {
  await deploy(harness, 'app', APP);
  // 8 instances (2 hosts, 2 x 3 apps): install runs create/configure/start, uninstall stop/delete.
  for (const [workflow, operations] of [['install', 24], ['uninstall', 16]] as const) {
    const started = await run(harness, 'app', workflow);
    const done = await waitForEnd(harness, started.id as string, 90000);
    expect(done.status).toBe('terminated');
    expect(done.finished_operations).toBe(operations);
    const counts = starts(await events(harness, started.id as string));
    expect(counts.size).toBe(operations);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const tasks = await harness.operations.listTasks({ tenant: 'default_tenant', executionId: started.id as string });
    expect(tasks.filter((task) => task.state === 'queued' || task.state === 'running')).toEqual([]);
  }
  expect((await instances(harness, 'app')).every((i) => i.state === 'deleted')).toBe(true);
}

describe('fault injection', () => {
  it('survives every message delivered twice and out of order', async () => {
    h = await startHarness({ duplicateDelivery: true });
    await installAndUninstall(h);
  }, 180000);

  it('recovers operations whose worker died after claiming them', async () => {
    const killed = new Set<string>();
    // The first claim of every third operation dies there: nothing completes it until the lease ends.
    const abandonAfterClaim = (task: TaskRecord) => {
      if (task.spec.kind !== 'operation' || task.attempt > 1 || killed.size >= 4) return false;
      killed.add(task.id);
      return true;
    };
    h = await startHarness({ handlers: { taskWorker: (settings) => createTaskWorkerHandler(settings, taskMessageHandlers(settings, createEngine(settings, { abandonAfterClaim }))) } }, { STRATUS_OPERATION_LEASE: '2' });
    await installAndUninstall(h);
    expect(killed.size).toBe(4);
  }, 180000);
});
