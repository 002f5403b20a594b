/**
 * Workflow queue consumer: builds and advances execution graphs.
 *
 * No message kind is handled yet: the workflow engine issue registers its use cases (start an
 * execution, advance a graph after an operation completes, cancel, resume) in MESSAGE_HANDLERS.
 * Until then every message fails and, after maxReceiveCount receives, lands in the DLQ rather than
 * being acknowledged and lost.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lazyHandler } from './support/lazy';
import type { LambdaHandler } from './support/lazy';
import { createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';
import { createSqsConsumer } from './support/sqs-consumer';
import type { MessageHandlers } from './support/sqs-consumer';

export type SqsHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

export function workflowMessageHandlers(_settings: HandlerSettings): MessageHandlers {
  return {};
}

export function createWorkflowWorkerHandler(settings: HandlerSettings, handlers = workflowMessageHandlers(settings)): SqsHandler {
  const observability = createObservability('workflowWorker', settings);
  return withObservability(observability, createSqsConsumer('workflow', handlers, observability));
}

export const handler: SqsHandler = lazyHandler((settings) => createWorkflowWorkerHandler(settings));
