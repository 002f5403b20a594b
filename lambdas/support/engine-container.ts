/**
 * Builds the workflow engine from a handler's settings: the model store and the operation store on
 * DynamoDB, the SQS sender, events to the events queue, the operation registry with the built-in
 * `stratus` plugin, the host agents over the WebSocket API (src/agents; none when the function
 * cannot reach the connections), and the engine settings
 * from STRATUS_* environment variables (src/workflows/engine/config.ts).
 */
import { AwsClients } from '../../adapters/aws-clients';
import { DynamoModelStore } from '../../adapters/dynamodb/model-store';
import { DynamoOperationStore } from '../../adapters/dynamodb/operation-store';
import { S3FileStore } from '../../adapters/s3/file-store';
import { SqsQueueSender } from '../../adapters/sqs/queue-sender';
import { requireTable } from '../../src/config/runtime-config';
import { QueueEventSink } from '../../src/events/pipeline/queue-sink';
import { OperationRegistry } from '../../src/operations/registry';
import { Engine, engineConfigFromEnv } from '../../src/workflows/engine';
import type { EngineDeps } from '../../src/workflows/engine';
import { ManagementApiConnectionGateway } from '../../adapters/websocket/management-api-gateway';
import { registerAgentOperations } from '../../src/agents/operations';
import { SecretsService } from '../../src/api/secrets/service';
import { agentDispatcher } from './agents';
import { cipherFor } from './secret-cipher';
import type { HandlerSettings } from './settings';

/** `clients` may be given to observe the requests (the engine bench counts them). */
export function createEngine(settings: HandlerSettings, overrides: Partial<EngineDeps> = {}, clients = new AwsClients(settings.aws)): Engine {
  const bucket = settings.config.buckets.resources;
  const operationsTable = requireTable(settings.config, 'operations');
  const queues = new SqsQueueSender(clients.sqs, settings.config.queues);
  // Events go to the events queue: indexed for GET /events and pushed to live subscribers.
  const events = new QueueEventSink(queues);
  const files = bucket ? new S3FileStore(clients.s3, bucket) : undefined;
  const store = new DynamoModelStore({ client: clients.documents, tableName: requireTable(settings.config, 'model'), files });
  // get_secret in operation inputs: the cipher is made on first use (only the task worker opens secrets).
  let secrets: SecretsService | undefined;
  const secretReader = (tenant: string) => (secrets ??= new SecretsService(store, cipherFor(settings, clients), () => new Date())).lookup(tenant);
  // Uninstall's agent delete revokes the host's credential and closes its connection; init_script
  // hosts get user data pointing their agent to the manager's URLs.
  const wsManagement = settings.config.wsManagementUrl;
  const gateway = wsManagement ? new ManagementApiConnectionGateway(clients.management(wsManagement)) : undefined;
  return new Engine({
    store,
    operations: new DynamoOperationStore({ client: clients.documents, tableName: operationsTable }),
    queues,
    events,
    agents: agentDispatcher(settings, clients),
    registry: registerAgentOperations(new OperationRegistry(), { store, gateway, urls: { manager: settings.config.restUrl, ws: settings.config.wsUrl } }),
    config: engineConfigFromEnv(process.env, settings.engineDefaults),
    files,
    secrets: secretReader,
    ...overrides,
  });
}
