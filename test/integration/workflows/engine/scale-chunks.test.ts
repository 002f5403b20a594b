/**
 * Large scales on the real local runtime (central stratus.ops.noop operations): a modification of
 * more instances than one DynamoDB transaction holds is written in chunks driven by its
 * deployment_modification record. Scale out by 120 and back in gives the right counts, instance
 * lists and relationships; a crash between two chunks leaves the modification `applying` (nothing
 * counted, nothing installed) and either resumes (also by two concurrent callers) without writing
 * anything twice or rolls back the chunks already written; a finish interrupted between chunks is
 * completed even when a rollback is asked for next; start messages re-sent mid-scale, or every queue
 * message delivered twice, still end consistent with each operation run once; a workflow worker
 * crashing between two chunks leaves nothing installed or counted until another worker takes the
 * build over (after its claim) and completes the same modification.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoModelStore } from '../../../../adapters/dynamodb/model-store';
import { createEngine } from '../../../../lambdas/support/engine-container';
import { createWorkflowWorkerHandler, workflowMessageHandlers } from '../../../../lambdas/workflow-worker';
import type { DeploymentData } from '../../../../src/deployments/model';
import { finishModification, getModification, resumeModification, rollbackModification, SCALE_CHUNK } from '../../../../src/deployments/modifications';
import { executionStartMessage } from '../../../../src/executions/queue';
import type { ExecutionData } from '../../../../src/executions/records';
import { KINDS } from '../../../../src/model/kinds';
import type { Entity, ModelStore, WriteOp } from '../../../../src/ports/model-store';
import { prepareScaleBuild } from '../../../../src/workflows/engine/scale-run';
import { deploy, events, HEADER, instances, run, startHarness, waitFor, waitForEnd } from './harness';
import type { Harness } from './harness';

const TENANT = 'default_tenant';
const BLUEPRINT = `${HEADER}
node_templates:
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 1, min_instances: 1, max_instances: 300}}}
    interfaces: {cloudify.interfaces.lifecycle: {create: stratus.ops.noop, delete: stratus.ops.noop}}
  lb:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: stratus.ops.noop}}
    relationships:
      - type: cloudify.relationships.connected_to
        target: app
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: stratus.ops.noop, unlink: stratus.ops.noop}}
`;

async function node(h: Harness, deploymentId: string, id: string): Promise<Record<string, unknown>> {
  return (await h.rest.list(`/api/v3.1/nodes?deployment_id=${deploymentId}&id=${id}`)).items[0];
}

async function apps(h: Harness, deploymentId: string): Promise<Record<string, unknown>[]> {
  return (await instances(h, deploymentId)).filter((i) => i.node_id === 'app');
}

async function lbTargets(h: Harness, deploymentId: string): Promise<string[]> {
  const lb = (await instances(h, deploymentId)).find((i) => i.node_id === 'lb')!;
  return (lb.relationships as { target_id: string }[]).map((r) => r.target_id).sort();
}

async function installed(h: Harness, name: string): Promise<void> {
  await deploy(h, name, BLUEPRINT);
  expect((await waitForEnd(h, (await run(h, name, 'install')).id as string, 90000)).status).toBe('terminated');
}

async function scaleBy(h: Harness, deploymentId: string, delta: number): Promise<Record<string, unknown>> {
  const started = await run(h, deploymentId, 'scale', { parameters: { scalable_entity_name: 'app', delta } });
  return waitForEnd(h, started.id as string, 240000);
}

/** Scale out by 120 and back in by 120, checking the model after each. */
async function outAndIn(h: Harness, deploymentId: string): Promise<void> {
  const out = await scaleBy(h, deploymentId, 120);
  expect(out.status).toBe('terminated');
  const grown = await apps(h, deploymentId);
  expect(grown).toHaveLength(121);
  expect(new Set(grown.map((i) => i.id)).size).toBe(121);
  expect(grown.every((i) => i.state === 'started')).toBe(true);
  expect(await lbTargets(h, deploymentId)).toEqual(grown.map((i) => i.id as string).sort());
  expect(await node(h, deploymentId, 'app')).toMatchObject({ number_of_instances: 121, planned_number_of_instances: 121 });
  // 120 creates, the lb's 120 establishes: each ran once, and progress never passes the total.
  expect(out).toMatchObject({ total_operations: 240, finished_operations: 240 });
  const started = (await events(h, out.id as string)).filter((e) => e.event_type === 'task_started');
  expect(started).toHaveLength(240);
  expect(new Set(started.map((e) => `${e.node_instance_id} ${e.operation} ${e.target_id ?? ''}`)).size).toBe(240);

  const back = await scaleBy(h, deploymentId, -120);
  expect(back.status).toBe('terminated');
  const left = await apps(h, deploymentId);
  expect(left.map((i) => i.id)).toHaveLength(1);
  expect(await lbTargets(h, deploymentId)).toEqual(left.map((i) => i.id as string));
  expect(await node(h, deploymentId, 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
  expect(back).toMatchObject({ total_operations: 240, finished_operations: 240 });
}

describe('large scale', () => {
  let h: Harness;
  let raw: DynamoDBClient;
  let store: ModelStore;

  beforeAll(async () => {
    h = await startHarness();
    raw = new DynamoDBClient({ region: h.runtime.settings.aws.region, credentials: h.runtime.settings.aws.credentials, endpoint: h.runtime.endpoints.dynamodb });
    store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: h.runtime.resources.tables.model });
    await installed(h, 'big');
    await installed(h, 'crashy');
  }, 240000);

  afterAll(async () => {
    raw?.destroy();
    await h?.stop();
  });

  it('scales a node out by 120 and back in: every instance written, installed, counted, then removed', async () => {
    await outAndIn(h, 'big');
  }, 600000);

  it('a start message delivered again mid-scale (several times) changes nothing: each operation once, counts right', async () => {
    const sqs = new SQSClient({ region: h.runtime.settings.aws.region, credentials: h.runtime.settings.aws.credentials, endpoint: h.runtime.endpoints.sqs });
    try {
      for (const delta of [120, -120]) {
        const started = await run(h, 'big', 'scale', { parameters: { scalable_entity_name: 'app', delta } });
        const id = started.id as string;
        // Mid-scale: some operations have started, not all.
        await waitFor('the scale to be running', async () => ((await events(h, id)).some((e) => e.event_type === 'task_started') ? true : undefined), 60000);
        const body = JSON.stringify(executionStartMessage(TENANT, id, { deployment_id: 'big', workflow_id: 'scale' }));
        for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: h.runtime.resources.queues.workflow.url, MessageBody: body }));
        const done = await waitForEnd(h, id, 240000);
        expect(done).toMatchObject({ status: 'terminated', total_operations: 240, finished_operations: 240 });
        const ran = (await events(h, id)).filter((e) => e.event_type === 'task_started');
        expect(ran).toHaveLength(240);
        expect(new Set(ran.map((e) => `${e.node_instance_id} ${e.operation} ${e.target_id ?? ''}`)).size).toBe(240);
        const count = delta > 0 ? 121 : 1;
        const now = await apps(h, 'big');
        expect(now).toHaveLength(count);
        expect(await lbTargets(h, 'big')).toEqual(now.map((i) => i.id as string).sort());
        expect(await node(h, 'big', 'app')).toMatchObject({ number_of_instances: count, planned_number_of_instances: count });
      }
    } finally {
      sqs.destroy();
    }
  }, 600000);

  /** A store whose transactions fail ("crash") after `allowed` of them succeeded. */
  function crashingAfter(allowed: number): ModelStore {
    let left = allowed;
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'transact') {
          return async (ops: WriteOp[]) => {
            if (left-- <= 0) throw new Error('crash between chunks');
            return target.transact(ops);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  async function buildOf(modelStore: ModelStore, executionId: string, delta: number) {
    const deployment = (await store.get<DeploymentData>({ kind: KINDS.deployment, tenant: TENANT, id: 'crashy' }))!;
    const execution = { kind: KINDS.execution, tenant: TENANT, id: executionId, version: 1, data: { parameters: { scalable_entity_name: 'app', delta }, created_by: 'admin' } } as unknown as Entity<ExecutionData>;
    return prepareScaleBuild(modelStore, { tenant: TENANT, executionId }, deployment, execution);
  }

  async function startCrashed(executionId: string): Promise<void> {
    const build = await buildOf(crashingAfter(1), executionId, 120); // the first chunk commits, the second "crashes"
    await expect(build.apply()).rejects.toThrow('crash between chunks');
    const record = (await getModification(store, TENANT, executionId))!;
    expect(record.data.status).toBe('applying');
    expect(record.data.progress).toEqual({ step: 'apply', done: 1 });
    // Half applied: one chunk of instances exists, the count is not moved (nothing says applied).
    expect(await apps(h, 'crashy')).toHaveLength(1 + SCALE_CHUNK);
    expect(await node(h, 'crashy', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
  }

  it('a crash between chunks resumes (two callers at once) without writing anything twice', async () => {
    const before = await lbTargets(h, 'crashy');
    await startCrashed('crash-resume');
    const [a, b] = await Promise.all([resumeModification(store, TENANT, 'crash-resume'), resumeModification(store, TENANT, 'crash-resume')]);
    expect([a!.data.status, b!.data.status]).toEqual(['applied', 'applied']);
    const record = (await getModification(store, TENANT, 'crash-resume'))!;
    const all = await apps(h, 'crashy');
    expect(all).toHaveLength(121);
    expect(all.filter((i) => i.state === 'uninitialized').map((i) => i.id).sort()).toEqual(record.data.modification.added.map((i) => i.id).sort());
    expect((await lbTargets(h, 'crashy')).length).toBe(121);
    expect(await node(h, 'crashy', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 121 });
    // ... and rolls back completely (the scale "failed" before installing anything).
    await rollbackModification(store, TENANT, 'crash-resume', new Date().toISOString());
    expect((await getModification(store, TENANT, 'crash-resume'))!.data.status).toBe('rolledback');
    expect(await apps(h, 'crashy')).toHaveLength(1);
    expect(await lbTargets(h, 'crashy')).toEqual(before);
    expect(await node(h, 'crashy', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
  }, 180000);

  it('a crash between chunks rolls back the chunks already written', async () => {
    const before = await lbTargets(h, 'crashy');
    await startCrashed('crash-rollback');
    await rollbackModification(store, TENANT, 'crash-rollback', new Date().toISOString());
    const record = (await getModification(store, TENANT, 'crash-rollback'))!;
    expect(record.data).toMatchObject({ status: 'rolledback', progress: null });
    expect(await apps(h, 'crashy')).toHaveLength(1);
    expect(await lbTargets(h, 'crashy')).toEqual(before);
    expect(await node(h, 'crashy', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
    // A late apply (a redelivered build) finds it rolled back and writes nothing.
    expect((await resumeModification(store, TENANT, 'crash-rollback'))!.data.status).toBe('rolledback');
    expect(await apps(h, 'crashy')).toHaveLength(1);
  }, 180000);

  it('a finish interrupted between chunks is completed, never turned into a rollback', async () => {
    // Model steps only (no graph): grow crashy to 121 apps, then scale in by 120 and crash the finish.
    expect(await (await buildOf(store, 'grow', 120)).apply()).toBe(true);
    await finishModification(store, TENANT, 'grow', new Date().toISOString());
    expect(await apps(h, 'crashy')).toHaveLength(121);
    expect(await (await buildOf(store, 'shrink', -120)).apply()).toBe(true);
    await expect(finishModification(crashingAfter(1), TENANT, 'shrink', new Date().toISOString())).rejects.toThrow('crash between chunks');
    expect((await getModification(store, TENANT, 'shrink'))!.data).toMatchObject({ status: 'applied', progress: { step: 'finish', done: 1 } });
    expect(await apps(h, 'crashy')).toHaveLength(121 - SCALE_CHUNK);
    expect(await node(h, 'crashy', 'app')).toMatchObject({ number_of_instances: 121 });
    // A kill now asks for a rollback: the removed instances are partly gone, so it completes the finish.
    await rollbackModification(store, TENANT, 'shrink', new Date().toISOString());
    expect((await getModification(store, TENANT, 'shrink'))!.data).toMatchObject({ status: 'finished', progress: null });
    const left = await apps(h, 'crashy');
    expect(left).toHaveLength(1);
    expect(await lbTargets(h, 'crashy')).toEqual(left.map((i) => i.id as string));
    expect(await node(h, 'crashy', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
  }, 180000);
});

describe('large scale with every message delivered twice', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ duplicateDelivery: true });
    await installed(h, 'twice');
  }, 240000);

  afterAll(async () => {
    await h?.stop();
  });

  it('scales out by 120 and back in, each operation run once, counts right', async () => {
    await outAndIn(h, 'twice');
  }, 600000);
});

describe('large scale whose workflow worker crashes between two chunks', () => {
  let h: Harness;
  let crashed = 0;
  let secondChunkWrites = 0; // attempts at the apply's second chunk
  beforeAll(async () => {
    // The workflow worker's store fails the transaction of the apply's second chunk, once: the
    // message fails with the build claim held; after the claim ends a redelivery takes the build
    // over (the sweeper re-sends the dead-lettered start) and continues the stored, half-applied modification.
    const crashOnce = (real: ModelStore): ModelStore =>
      new Proxy(real, {
        get(target, prop, receiver) {
          if (prop === 'transact') {
            return async (ops: WriteOp[]) => {
              const second = ops.some((op) => op.type === 'update' && op.update.ref.kind === KINDS.deploymentModification && JSON.stringify((op.update.data as { progress?: unknown }).progress) === JSON.stringify({ step: 'apply', done: 2 }));
              if (second && secondChunkWrites++ === 0) {
                crashed++;
                throw new Error('workflow worker crashed between chunks');
              }
              return target.transact(ops);
            };
          }
          const value = Reflect.get(target, prop, receiver) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    // The redeliveries (3 s apart, 5 receives) find the claim held: the message is dead-lettered well
    // before the 40 s claim (STRATUS_BUILD_CLAIM, 120 s by default) ends; the sweeper then re-sends
    // the start, which takes the build over.
    h = await startHarness(
      {
        handlers: { workflowWorker: (settings) => createWorkflowWorkerHandler(settings, workflowMessageHandlers(settings, createEngine(settings, { store: crashOnce(createEngine(settings).deps.store) }))) },
      },
      { STRATUS_BUILD_CLAIM: '40' },
    );
    await installed(h, 'resumed');
  }, 240000);

  afterAll(async () => {
    await h?.stop();
  });

  it('is taken over after the build claim ends and completes: nothing written twice, then scales back in', async () => {
    const started = await run(h, 'resumed', 'scale', { parameters: { scalable_entity_name: 'app', delta: 120 } });
    await waitFor('the crash', async () => (crashed > 0 ? true : undefined), 60000);
    // Half applied, waiting for the takeover: one chunk of instances written, none installed or counted.
    expect(await apps(h, 'resumed')).toHaveLength(1 + SCALE_CHUNK);
    expect((await apps(h, 'resumed')).filter((i) => i.state !== 'started').every((i) => i.state === 'uninitialized')).toBe(true);
    expect(await node(h, 'resumed', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
    expect((await events(h, started.id as string)).some((e) => e.event_type === 'task_started')).toBe(false);
    const out = await waitForEnd(h, started.id as string, 300000);
    expect(crashed).toBe(1);
    expect(secondChunkWrites).toBeGreaterThanOrEqual(2); // the takeover wrote it
    expect(out).toMatchObject({ status: 'terminated', total_operations: 240, finished_operations: 240 });
    const grown = await apps(h, 'resumed');
    expect(grown).toHaveLength(121);
    expect(grown.every((i) => i.state === 'started')).toBe(true);
    expect(await lbTargets(h, 'resumed')).toEqual(grown.map((i) => i.id as string).sort());
    expect(await node(h, 'resumed', 'app')).toMatchObject({ number_of_instances: 121, planned_number_of_instances: 121 });
    const ran = (await events(h, out.id as string)).filter((e) => e.event_type === 'task_started');
    expect(ran).toHaveLength(240);
    const back = await scaleBy(h, 'resumed', -120);
    expect(back.status).toBe('terminated');
    expect(await apps(h, 'resumed')).toHaveLength(1);
    expect(await node(h, 'resumed', 'app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
  }, 600000); // the build claim lasts 40 s here before another worker may take the build over
});
