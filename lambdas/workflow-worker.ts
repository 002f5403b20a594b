/**
 * Workflow queue consumer: builds and advances execution graphs.
 *
 * Message kinds (src/workflows/engine): `execution.start` (build and start, resume, run a system
 * workflow, or wake a queued one), `execution.check` (end a failed or cancelling execution when its
 * running operations are done), `execution.cancel` (cancel, force-cancel, kill). Any other kind
 * fails and, after maxReceiveCount receives, lands in the DLQ.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { EXECUTION_START_KIND } from '../src/executions/queue';
import { EXECUTION_CANCEL_KIND, EXECUTION_CHECK_KIND, readExecutionRef } from '../src/workflows/engine';
import type { Engine } from '../src/workflows/engine';
import { createEngine } from './support/engine-container';
import { lazyHandler } from './support/lazy';
import type { LambdaHandler } from './support/lazy';
import { createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';
import { createSqsConsumer } from './support/sqs-consumer';
import type { MessageHandlers } from './support/sqs-consumer';

export type SqsHandler = LambdaHandler<SQSEvent, SQSBatchResponse>;

export function workflowMessageHandlers(settings: HandlerSettings, engine: Engine = createEngine(settings)): MessageHandlers {
  return {
    [EXECUTION_START_KIND]: (message) => engine.lifecycle.start(readExecutionRef(message)),
    [EXECUTION_CHECK_KIND]: (message) => engine.lifecycle.check(readExecutionRef(message)),
    [EXECUTION_CANCEL_KIND]: (message) => engine.lifecycle.cancel(readExecutionRef(message), message.mode === 'force' || message.mode === 'kill' ? message.mode : 'cancel'),
  };
}

export function createWorkflowWorkerHandler(settings: HandlerSettings, handlers = workflowMessageHandlers(settings)): SqsHandler {
  const observability = createObservability('workflowWorker', settings);
  return withObservability(observability, createSqsConsumer('workflow', handlers, observability));
}

export const handler: SqsHandler = lazyHandler((settings) => createWorkflowWorkerHandler(settings));
