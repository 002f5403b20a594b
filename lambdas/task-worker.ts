/**
 * Tasks queue consumer: runs central operations (cloud API and HTTP calls made by the manager).
 *
 * Message kind `task.run` (src/workflows/engine): claim one attempt of a task, run it through the
 * operation registry (or hand it to the host's agent), complete it and release its dependents.
 */
import { TASK_RUN_KIND, readTaskRun } from '../src/workflows/engine';
import type { Engine } from '../src/workflows/engine';
import { createEngine } from './support/engine-container';
import { lazyHandler } from './support/lazy';
import { createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';
import { createSqsConsumer } from './support/sqs-consumer';
import type { MessageHandlers } from './support/sqs-consumer';
import type { SqsHandler } from './workflow-worker';

export function taskMessageHandlers(settings: HandlerSettings, engine: Engine = createEngine(settings)): MessageHandlers {
  return {
    [TASK_RUN_KIND]: (message) => engine.runTask(readTaskRun(message)),
  };
}

export function createTaskWorkerHandler(settings: HandlerSettings, handlers = taskMessageHandlers(settings)): SqsHandler {
  const observability = createObservability('taskWorker', settings);
  return withObservability(observability, createSqsConsumer('tasks', handlers, observability));
}

export const handler: SqsHandler = lazyHandler((settings) => createTaskWorkerHandler(settings));
