/**
 * Tasks queue consumer: runs central operations (cloud API and HTTP calls made by the manager).
 *
 * No message kind is handled yet: the operation-runner issue registers its use cases in
 * taskMessageHandlers. Until then every message fails and ends in the DLQ after maxReceiveCount.
 */
import { lazyHandler } from './support/lazy';
import { createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';
import { createSqsConsumer } from './support/sqs-consumer';
import type { MessageHandlers } from './support/sqs-consumer';
import type { SqsHandler } from './workflow-worker';

export function taskMessageHandlers(_settings: HandlerSettings): MessageHandlers {
  return {};
}

export function createTaskWorkerHandler(settings: HandlerSettings, handlers = taskMessageHandlers(settings)): SqsHandler {
  const observability = createObservability('taskWorker', settings);
  return withObservability(observability, createSqsConsumer('tasks', handlers, observability));
}

export const handler: SqsHandler = lazyHandler((settings) => createTaskWorkerHandler(settings));
