/**
 * A local runtime for engine tests: pollers on, short visibility timeouts and retry intervals,
 * the sweeper every second, and helpers to upload a blueprint, create a deployment, run a workflow
 * and read the execution's events as the real events pipeline stored them (queue → indexer → the
 * runtime's event store).
 */
import { expect } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsClients } from '../../../../adapters/aws-clients';
import { DynamoModelStore } from '../../../../adapters/dynamodb/model-store';
import { DynamoOperationStore } from '../../../../adapters/dynamodb/operation-store';
import { SqsQueueSender } from '../../../../adapters/sqs/queue-sender';
import { executionStartMessage } from '../../../../src/executions/queue';
import { newSystemExecution } from '../../../../src/executions/records';
import type { LocalRuntime, LocalRuntimeOptions } from '../../../../local/runtime';
import { waitForEmptyQueue } from '../../../../local/sqs-poller';
import type { StoredEvent } from '../../../../src/events/model';
import { startTestRuntime } from '../../../support/local-runtime';
import { blueprintUpload, RestClient } from '../../../support/rest/client';

export const ENGINE_ENV = {
  STRATUS_TASK_RETRIES: '3',
  STRATUS_TASK_RETRY_INTERVAL: '0',
  STRATUS_CHECK_INTERVAL: '1',
  STRATUS_QUEUED_POLL: '1',
  STRATUS_OPERATION_LEASE: '8',
  STRATUS_RESEND_AFTER: '3',
  STRATUS_DIRECT_RUN_BUDGET: '10',
};

export interface Harness {
  runtime: LocalRuntime;
  rest: RestClient;
  events: IndexedEvents;
  operations: DynamoOperationStore;
  /** The model store and the queues, as the handlers see them (for hand-made states and messages). */
  model: DynamoModelStore;
  queues: SqsQueueSender;
  stop(): Promise<void>;
}

export async function startHarness(options: LocalRuntimeOptions = {}, env: Record<string, string> = {}): Promise<Harness> {
  Object.assign(process.env, ENGINE_ENV, env);
  const runtime = await startTestRuntime({ visibilityTimeoutSeconds: 3, scheduleMinutes: 1 / 60, ...options });
  const raw = new DynamoDBClient({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.dynamodb });
  const documents = DynamoDBDocumentClient.from(raw);
  const table = runtime.resources.tables.operations;
  const clients = new AwsClients(runtime.settings.aws);
  return {
    runtime,
    rest: new RestClient(runtime),
    events: new IndexedEvents(runtime, clients),
    operations: new DynamoOperationStore({ client: documents, tableName: table }),
    model: new DynamoModelStore({ client: clients.documents, tableName: runtime.resources.tables.model }),
    queues: new SqsQueueSender(clients.sqs, runtime.settings.config.queues),
    stop: async () => {
      raw.destroy();
      await runtime.stop();
    },
  };
}

/** The events the runtime's indexer stored, read once every event sent so far has been indexed. */
export class IndexedEvents {
  constructor(
    private readonly runtime: LocalRuntime,
    private readonly clients: AwsClients,
  ) {}

  /** Until the events queue holds nothing, queued, in flight or delayed, twice in a row. */
  async drained(timeoutMs = 30000): Promise<void> {
    if (!(await waitForEmptyQueue(this.clients.sqs, this.runtime.resources.queues.events.url, timeoutMs, 2))) {
      throw new Error('Timed out waiting for the events queue to drain');
    }
  }

  /** The execution's events and logs in time order (ties in the order they were stored). */
  async forExecution(tenant: string, executionId: string): Promise<StoredEvent[]> {
    await this.drained();
    const query = { tenants: [tenant], types: [], filters: { execution_id: [executionId] }, sort: [], size: 1_000_000, offset: 0 };
    return (await this.runtime.events.search(query)).items;
  }
}

export const HEADER = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
`;

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

export async function execution(h: Harness, id: string): Promise<Record<string, unknown>> {
  return h.rest.ok('GET', `/api/v3.1/executions/${id}`, 200);
}

export async function waitForEnd(h: Harness, id: string, timeoutMs = 60000): Promise<Record<string, unknown>> {
  return waitFor(`execution ${id} to end`, async () => {
    const found = await execution(h, id);
    return ['terminated', 'failed', 'cancelled'].includes(found.status as string) ? found : undefined;
  }, timeoutMs);
}

export async function deploy(h: Harness, name: string, yaml: string, inputs: Record<string, unknown> = {}): Promise<void> {
  await h.rest.ok('PUT', `/api/v3.1/blueprints/${name}`, 201, blueprintUpload(Buffer.from(yaml)));
  await h.rest.ok('PUT', `/api/v3.1/deployments/${name}`, 201, { body: { blueprint_id: name, inputs } });
  const list = await h.rest.list(`/api/v3.1/executions?deployment_id=${name}&workflow_id=create_deployment_environment&_include_system_workflows=true`);
  const created = await waitForEnd(h, list.items[0].id as string);
  expect(created.status).toBe('terminated');
}

export async function run(h: Harness, deploymentId: string, workflowId: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return h.rest.ok('POST', '/api/v3.1/executions', 201, { body: { deployment_id: deploymentId, workflow_id: workflowId, ...body } });
}

export async function events(h: Harness, executionId: string): Promise<StoredEvent[]> {
  return h.events.forExecution('default_tenant', executionId);
}

/** task_started events per operation on an instance (`<instance> <operation>` → count). */
export function starts(list: StoredEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of list) {
    if (event.event_type !== 'task_started') continue;
    const key = `${event.node_instance_id} ${event.operation}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export async function instances(h: Harness, deploymentId: string): Promise<Record<string, unknown>[]> {
  return (await h.rest.list(`/api/v3.1/node-instances?deployment_id=${deploymentId}`)).items;
}

/**
 * A deployment deletion as the REST API hands it over when it could not finish within its request:
 * a `pending` delete_deployment_environment record, then its start message. `beforeSend` gets the
 * record's id before the message goes.
 */
export async function handOverDeletion(h: Harness, deploymentId: string, beforeSend?: (executionId: string) => void): Promise<string> {
  const record = await h.model.create(
    newSystemExecution({ tenant: 'default_tenant', workflowId: 'delete_deployment_environment', deploymentId, blueprintId: deploymentId, createdBy: 'admin', status: 'pending', parameters: { deployment_id: deploymentId, force: false }, now: new Date().toISOString() }),
  );
  beforeSend?.(record.id);
  await h.queues.send('workflow', executionStartMessage('default_tenant', record.id, record.data));
  return record.id;
}
