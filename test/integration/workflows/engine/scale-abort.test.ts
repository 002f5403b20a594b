/**
 * The scale workflow's `abort_started` on the real local runtime. A scale whose worker crashed
 * right after writing its modification (written here with the worker's own code, for an execution
 * that is not running) leaves it `applied`: its added instance exists, uninitialized, and is
 * counted as planned. The next scale is refused (400 existing_started_deployment_modification_error
 * naming it; a worker that finds one fails the execution the same way) unless it passes
 * abort_started=true: then the worker rolls the leftover back first (its instance deleted, the lb's
 * relationship and the count restored, `rolledback`, marked aborted_by), says so in an event, and
 * applies the new scale with the right counts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoModelStore } from '../../../../adapters/dynamodb/model-store';
import type { DeploymentData } from '../../../../src/deployments/model';
import { getModification } from '../../../../src/deployments/modifications';
import type { ExecutionData } from '../../../../src/executions/records';
import { KINDS } from '../../../../src/model/kinds';
import type { Entity, ModelStore } from '../../../../src/ports/model-store';
import { prepareScaleBuild } from '../../../../src/workflows/engine/scale-run';
import { deploy, events, HEADER, instances, run, startHarness, waitForEnd } from './harness';
import type { Harness } from './harness';

const TENANT = 'default_tenant';
const BLUEPRINT = `${HEADER}
node_templates:
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 1, min_instances: 0, max_instances: 5}}}
    interfaces: {cloudify.interfaces.lifecycle: {create: stratus.ops.noop, delete: stratus.ops.noop}}
  lb:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: stratus.ops.noop}}
    relationships:
      - type: cloudify.relationships.connected_to
        target: app
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: stratus.ops.noop, unlink: stratus.ops.noop}}
`;

let h: Harness;
let raw: DynamoDBClient;
let store: ModelStore;

async function node(id: string): Promise<Record<string, unknown>> {
  return (await h.rest.list(`/api/v3.1/nodes?deployment_id=leftover&id=${id}`)).items[0];
}

async function apps(): Promise<Record<string, unknown>[]> {
  return (await instances(h, 'leftover')).filter((i) => i.node_id === 'app');
}

async function lbTargets(): Promise<string[]> {
  const lb = (await instances(h, 'leftover')).find((i) => i.node_id === 'lb')!;
  return (lb.relationships as { target_id: string }[]).map((r) => r.target_id).sort();
}

/** The worker's build of a scale for an execution that is not running (as if its worker died). */
async function buildOf(executionId: string, parameters: Record<string, unknown>) {
  const deployment = (await store.get<DeploymentData>({ kind: KINDS.deployment, tenant: TENANT, id: 'leftover' }))!;
  const execution = { kind: KINDS.execution, tenant: TENANT, id: executionId, version: 1, data: { parameters, created_by: 'admin' } } as unknown as Entity<ExecutionData>;
  return prepareScaleBuild(store, { tenant: TENANT, executionId }, deployment, execution);
}

beforeAll(async () => {
  h = await startHarness();
  raw = new DynamoDBClient({ region: h.runtime.settings.aws.region, credentials: h.runtime.settings.aws.credentials, endpoint: h.runtime.endpoints.dynamodb });
  store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: h.runtime.resources.tables.model });
  await deploy(h, 'leftover', BLUEPRINT);
  expect((await waitForEnd(h, (await run(h, 'leftover', 'install')).id as string, 90000)).status).toBe('terminated');
}, 180000);

afterAll(async () => {
  raw?.destroy();
  await h?.stop();
});

describe('scale abort_started', () => {
  it('an unfinished modification refuses the next scale unless abort_started, which rolls it back first', async () => {
    const [original] = await apps();
    // A scale out by 2 whose worker died right after writing its modification: nothing installed, nothing settles it.
    expect(await (await buildOf('crashed-scale', { scalable_entity_name: 'app', delta: 2 })).apply()).toBe(true);
    const leftover = (await getModification(store, TENANT, 'crashed-scale'))!;
    expect(leftover.data.status).toBe('applied');
    const stale = leftover.data.modification.added.map((i) => i.id);
    expect(stale).toHaveLength(2);
    expect(await apps()).toHaveLength(3);
    expect(await lbTargets()).toEqual([original.id as string, ...stale].sort());
    expect(await node('app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 3 });

    // Without abort_started: refused at once, naming the leftover.
    const refused = await h.rest.call('POST', '/api/v3.1/executions', { body: { deployment_id: 'leftover', workflow_id: 'scale', parameters: { scalable_entity_name: 'app', delta: 1 } } });
    expect(refused.status).toBe(400);
    const body = refused.body as { error_code: string; message: string };
    expect(body.error_code).toBe('existing_started_deployment_modification_error');
    expect(body.message).toContain('crashed-scale');
    expect(body.message).toContain('abort_started=true');
    // A worker that finds it (the scale was queued before it was left over) refuses the same way, writing nothing.
    await expect(buildOf('queued-scale', { scalable_entity_name: 'app', delta: 1 })).rejects.toThrow(/unfinished deployment modifications exist: crashed-scale .*abort_started=true/);
    expect(await getModification(store, TENANT, 'queued-scale')).toBeUndefined();
    expect(await apps()).toHaveLength(3);

    // With abort_started: the leftover is rolled back, then the new scale applied and installed.
    const started = await run(h, 'leftover', 'scale', { parameters: { scalable_entity_name: 'app', delta: 1, abort_started: true } });
    const done = await waitForEnd(h, started.id as string, 90000);
    expect(done.status).toBe('terminated');
    expect((await getModification(store, TENANT, 'crashed-scale'))!.data).toMatchObject({ status: 'rolledback', aborted_by: started.id });
    for (const id of stale) expect((await h.rest.call('GET', `/api/v3.1/node-instances/${id}`)).status).toBe(404);
    const now = await apps();
    expect(now).toHaveLength(2);
    expect(now.every((i) => i.state === 'started')).toBe(true);
    const added = now.find((i) => i.id !== original.id)!.id as string;
    expect(stale).not.toContain(added);
    expect(await lbTargets()).toEqual([original.id as string, added].sort());
    expect(await node('app')).toMatchObject({ number_of_instances: 2, planned_number_of_instances: 2 });
    expect((await getModification(store, TENANT, started.id as string))!.data).toMatchObject({ status: 'finished', before_count: 1, after_count: 2 });
    // Only the new instance was installed (its create, the lb's establish towards it); the event names the aborted one.
    expect(done).toMatchObject({ total_operations: 2, finished_operations: 2 });
    const list = await events(h, started.id as string);
    expect(list.some((e) => e.message.includes('abort_started: rolled back') && e.message.includes('crashed-scale (rolledback)'))).toBe(true);

    // Nothing unfinished is left: the next scale needs no abort_started.
    const back = await run(h, 'leftover', 'scale', { parameters: { scalable_entity_name: 'app', delta: -1 } });
    expect((await waitForEnd(h, back.id as string, 90000)).status).toBe('terminated');
    expect(await apps()).toHaveLength(1);
    expect(await node('app')).toMatchObject({ number_of_instances: 1, planned_number_of_instances: 1 });
  }, 240000);
});
