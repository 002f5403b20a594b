/**
 * Events queue consumer: indexes events and logs in bulk and pushes them to subscribed clients.
 *
 * No message kind is handled yet: the events issue brings the event store (OpenSearch in AWS, a
 * local store in `npm start`) and registers its use cases in eventMessageHandlers. Until then every
 * message fails and ends in the DLQ after maxReceiveCount.
 */
import { lazyHandler } from './support/lazy';
import { createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';
import { createSqsConsumer } from './support/sqs-consumer';
import type { MessageHandlers } from './support/sqs-consumer';
import type { SqsHandler } from './workflow-worker';

export function eventMessageHandlers(_settings: HandlerSettings): MessageHandlers {
  return {};
}

export function createEventIndexerHandler(settings: HandlerSettings, handlers = eventMessageHandlers(settings)): SqsHandler {
  const observability = createObservability('eventIndexer', settings);
  return withObservability(observability, createSqsConsumer('events', handlers, observability));
}

export const handler: SqsHandler = lazyHandler((settings) => createEventIndexerHandler(settings));
