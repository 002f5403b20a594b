/**
 * The workflow-queue message that asks the workflow engine to run an execution record. The REST
 * API writes the record (`pending` or `queued`) first, then sends this; the engine reads the
 * record by (tenant, id), so the message carries no state of its own and a duplicate is harmless.
 *
 * A `pending` execution's start may be lost before any worker took it (a queue lost on a local
 * restart, a start dead-lettered after its redeliveries): its sender first writes a wake-up due a
 * re-send period later, and the sweeper re-sends the start if no worker took it by then
 * (ExecutionLifecycle.wake, docs/engine.md "At-least-once safety").
 */
import type { OperationStore } from '../ports/operation-store';
import type { QueueMessage, QueueSender } from '../ports/queues';
import type { ExecutionData } from './records';

export const EXECUTION_START_KIND = 'execution.start';

export interface ExecutionStartMessage extends QueueMessage {
  kind: typeof EXECUTION_START_KIND;
  tenant: string;
  execution_id: string;
  deployment_id: string | null;
  workflow_id: string;
}

export function executionStartMessage(tenant: string, executionId: string, data: Pick<ExecutionData, 'deployment_id' | 'workflow_id'>): ExecutionStartMessage {
  return { kind: EXECUTION_START_KIND, tenant, execution_id: executionId, deployment_id: data.deployment_id, workflow_id: data.workflow_id };
}

/** Where the wake-up of a `pending` execution's start goes, and how long a start may take to be taken. */
export interface StartResend {
  operations: Pick<OperationStore, 'setWake'>;
  /** The engine's resend interval (STRATUS_RESEND_AFTER). */
  afterSeconds: number;
}

/**
 * Sends the start of an execution; a `pending` one gets its wake-up first (one write), so that a
 * lost start is re-sent. Queued and scheduled executions get theirs from the worker (lifecycle.wake).
 */
export async function sendExecutionStart(queues: QueueSender, resend: StartResend | undefined, tenant: string, executionId: string, data: Pick<ExecutionData, 'deployment_id' | 'workflow_id' | 'status'>): Promise<void> {
  if (resend && data.status === 'pending') await resend.operations.setWake({ tenant, executionId }, Date.now() + resend.afterSeconds * 1000);
  await queues.send('workflow', executionStartMessage(tenant, executionId, data));
}
