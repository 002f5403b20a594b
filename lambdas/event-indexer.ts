/**
 * Events queue consumer: the whole SQS batch is indexed with one bulk write (OpenSearch in AWS, the
 * local event store in `npm start`) and pushed to subscribed WebSocket clients, coalesced
 * (src/events/pipeline). Messages that are malformed or whose events could not be stored are
 * reported in `batchItemFailures`: retried alone, then dead-lettered after maxReceiveCount.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDbSubscriptionRegistry } from '../adapters/dynamodb/subscription-registry';
import { ManagementApiConnectionGateway } from '../adapters/websocket/management-api-gateway';
import { MissingConfigError } from '../src/config/runtime-config';
import { ENV } from '../src/config/resources';
import type { FanoutDeps } from '../src/events/pipeline/fanout';
import { indexMessages } from '../src/events/pipeline/indexer';
import type { IndexerDeps } from '../src/events/pipeline/indexer';
import { eventIndexFor } from './support/event-index';
import { lazyHandler } from './support/lazy';
import { createAwsClients, createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';
import type { SqsHandler } from './workflow-worker';

export function indexerDeps(settings: HandlerSettings, clients = createAwsClients(settings, createObservability('eventIndexer', settings))): Omit<IndexerDeps, 'onError'> {
  const index = eventIndexFor(settings);
  if (!index) throw new MissingConfigError('the events store (OpenSearch endpoint)', ENV.openSearchEndpoint);
  const { tables, wsManagementUrl } = settings.config;
  // Without a WebSocket API nobody can be subscribed: index only.
  const fanout: FanoutDeps | undefined =
    tables.connections && wsManagementUrl
      ? {
          subscriptions: new DynamoDbSubscriptionRegistry(clients.documents, tables.connections),
          gateway: new ManagementApiConnectionGateway(clients.management(wsManagementUrl)),
        }
      : undefined;
  return { index, fanout };
}

export function createEventIndexerHandler(settings: HandlerSettings, deps?: Omit<IndexerDeps, 'onError'>): SqsHandler {
  const observability = createObservability('eventIndexer', settings);
  const { logger } = observability;
  const { index, fanout } = deps ?? indexerDeps(settings, createAwsClients(settings, observability));
  const onError = (what: string, detail: Record<string, unknown>) => logger.error(what, detail);
  return withObservability(observability, async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const messages = event.Records.map((record) => ({ id: record.messageId, body: record.body }));
    const result = await indexMessages({ index, fanout, onError }, messages);
    logger.debug('Indexed events', { messages: messages.length, events: result.indexed, failed: result.failedMessageIds.length, pushed: result.pushed });
    return { batchItemFailures: result.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

export const handler: SqsHandler = lazyHandler((settings) => createEventIndexerHandler(settings));
