/** Queue messages of the engine (the workflow queue's `execution.start` is src/executions/queue.ts). */
import type { QueueMessage } from '../../ports/queues';

export const TASK_RUN_KIND = 'task.run';
export const EXECUTION_CHECK_KIND = 'execution.check';

/** Tasks queue: run attempt `attempt` of a task (ignored unless the task is queued at that attempt). */
export interface TaskRunMessage extends QueueMessage {
  kind: typeof TASK_RUN_KIND;
  tenant: string;
  execution_id: string;
  task_id: string;
  attempt: number;
}

/** Workflow queue: see whether a failed or cancelling execution can end. */
export interface ExecutionCheckMessage extends QueueMessage {
  kind: typeof EXECUTION_CHECK_KIND;
  tenant: string;
  execution_id: string;
}

function str(message: QueueMessage, name: string): string {
  const value = message[name];
  if (typeof value !== 'string' || value === '') throw new Error(`Message ${message.kind} has no ${name}`);
  return value;
}

export function readTaskRun(message: QueueMessage): TaskRunMessage {
  const attempt = message.attempt;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) throw new Error('Message task.run has no valid attempt');
  return { kind: TASK_RUN_KIND, tenant: str(message, 'tenant'), execution_id: str(message, 'execution_id'), task_id: str(message, 'task_id'), attempt };
}

export function readExecutionRef(message: QueueMessage): { tenant: string; executionId: string } {
  return { tenant: str(message, 'tenant'), executionId: str(message, 'execution_id') };
}
