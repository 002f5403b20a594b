/**
 * Fault injection on the real local runtime: (1) every queue message delivered twice, concurrently
 * and out of order; (2) a task worker that dies right after claiming an operation (the lease ends,
 * the sweeper recovers it); (3) workers that fail after completing a task they ran without a message
 * of its own (a direct run, an inline root), before releasing its dependents (the message that
 * began the chain comes back and releases again). Executions still finish, every operation runs
 * exactly once (the task_started events are emitted only by a successful claim), and nothing is
 * left active.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createTaskWorkerHandler, taskMessageHandlers } from '../../../../lambdas/task-worker';
import { createWorkflowWorkerHandler, workflowMessageHandlers } from '../../../../lambdas/workflow-worker';
import { zipOf } from '../../../support/archives/build';
import { blueprintUpload } from '../../../support/rest/client';
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

  it('a worker that fails between completing a direct run and releasing its dependents: the message that began its chain releases them again', async () => {
    const failed = new Set<string>();
    // Each app's segment is a direct run of its host's worker (no message of its own): the first
    // two fail right after their completion, before the end's sink hears of them.
    const failBeforeRelease = (task: TaskRecord) => {
      const direct = task.spec.kind === 'operation' && task.spec.task?.kind === 'operation' && task.spec.task.node_id === 'app';
      if (!direct || failed.size >= 2 || failed.has(task.id)) return false;
      failed.add(task.id);
      return true;
    };
    h = await startHarness({ handlers: { taskWorker: (settings) => createTaskWorkerHandler(settings, taskMessageHandlers(settings, createEngine(settings, { failBeforeRelease }))) } });
    await deploy(h, 'app', APP);
    const started = await run(h, 'app', 'install');
    const done = await waitForEnd(h, started.id as string, 90000);
    expect(failed.size).toBe(2);
    expect(done).toMatchObject({ status: 'terminated', finished_operations: 24 });
    const counts = starts(await events(h, started.id as string));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect((await instances(h, 'app')).every((i) => i.state === 'started')).toBe(true);
  }, 180000);

  it('a workflow worker that fails between running a root inline and releasing it: the redelivered start releases it', async () => {
    let failed = 0;
    // The workflow's event is a root with two dependents: it runs inline in the workflow worker.
    const failBeforeRelease = (task: TaskRecord) => task.spec.kind === 'local' && task.spec.dependents.length === 2 && failed++ === 0;
    h = await startHarness({ handlers: { workflowWorker: (settings) => createWorkflowWorkerHandler(settings, workflowMessageHandlers(settings, createEngine(settings, { failBeforeRelease }))) } });
    const archive = zipOf({ 'bp/blueprint.yaml': FANOUT, 'bp/workflows/fanout.js': FANOUT_WORKFLOW });
    await h.rest.ok('PUT', '/api/v3.1/blueprints/fanout', 201, blueprintUpload(archive));
    await h.rest.ok('PUT', '/api/v3.1/deployments/fanout', 201, { body: { blueprint_id: 'fanout' } });
    const created = await h.rest.list('/api/v3.1/executions?deployment_id=fanout&workflow_id=create_deployment_environment&_include_system_workflows=true');
    expect((await waitForEnd(h, created.items[0].id as string)).status).toBe('terminated');
    const started = await run(h, 'fanout', 'fanout');
    const done = await waitForEnd(h, started.id as string, 90000);
    expect(failed).toBe(1);
    expect(done).toMatchObject({ status: 'terminated', finished_operations: 2 });
    expect([...starts(await events(h, started.id as string)).values()]).toEqual([1, 1]);
  }, 180000);
});

const FANOUT = `${HEADER}
workflows:
  fanout: workflows/fanout.js
node_templates:
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
    interfaces:
      cloudify.interfaces.lifecycle: {create: stratus.ops.noop}
`;

const FANOUT_WORKFLOW = `export default (wf) => {
  const go = wf.event('go');
  for (const app of wf.instancesOf('app')) wf.dependsOn(wf.operation(app, 'cloudify.interfaces.lifecycle.create'), go);
};
`;
