/**
 * The workflow-queue messages the REST API sends about an execution record: `execution.start`
 * (run it) and `execution.cancel` (cancel, force-cancel, kill). The API writes the record first,
 * then sends the message; the engine reads the record by (tenant, id), so a message carries no
 * state of its own and a duplicate is harmless.
 *
 * A message may be lost before any worker took it (a queue lost on a local restart, a message
 * dead-lettered after its redeliveries): its sender first writes the execution's wake-up, due a
 * re-send period later, and the sweeper then re-sends what the record still waits for
 * (ExecutionLifecycle.wake, docs/engine.md "At-least-once safety").
 */
import type { OperationStore } from '../ports/operation-store';
import type { QueueMessage, QueueSender } from '../ports/queues';
import type { ExecutionData } from './records';

export const EXECUTION_START_KIND = 'execution.start';
export const EXECUTION_CANCEL_KIND = 'execution.cancel';

export type CancelMode = 'cancel' | 'force' | 'kill';

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

export interface ExecutionCancelMessage extends QueueMessage {
  kind: typeof EXECUTION_CANCEL_KIND;
  tenant: string;
  execution_id: string;
  mode: CancelMode;
}

export function executionCancelMessage(tenant: string, executionId: string, mode: CancelMode): ExecutionCancelMessage {
  return { kind: EXECUTION_CANCEL_KIND, tenant, execution_id: executionId, mode };
}

/** The cancel an execution record's status asks for (`cancelling`, ...), if any. */
export function cancelModeOf(status: ExecutionData['status']): CancelMode | undefined {
  if (status === 'cancelling') return 'cancel';
  if (status === 'force_cancelling') return 'force';
  if (status === 'kill_cancelling') return 'kill';
  return undefined;
}

/** Where the wake-up of an execution's message goes, and how long a message may take to be taken. */
export interface StartResend {
  operations: Pick<OperationStore, 'setWake'>;
  /** The engine's resend interval (STRATUS_RESEND_AFTER). */
  afterSeconds: number;
}

/**
 * Sends the start of an execution after writing its wake-up (one write), so that a lost start is
 * re-sent (`pending`) or the execution still gets its turn (`queued`, `scheduled`: the worker that
 * takes the start moves the wake-up to when it is due).
 */
export async function sendExecutionStart(queues: QueueSender, resend: StartResend | undefined, tenant: string, executionId: string, data: Pick<ExecutionData, 'deployment_id' | 'workflow_id' | 'status' | 'scheduled_for'>): Promise<void> {
  const waits = data.status === 'pending' || data.status === 'queued' || data.status === 'scheduled';
  if (resend && waits) await resend.operations.setWake({ tenant, executionId }, wakeAt(data, resend.afterSeconds));
  await queues.send('workflow', executionStartMessage(tenant, executionId, data));
}

/** A scheduled execution's wake-up is due when it is; any other's a re-send period on. */
function wakeAt(data: Pick<ExecutionData, 'status' | 'scheduled_for'>, afterSeconds: number): number {
  const now = Date.now();
  const scheduled = data.status === 'scheduled' ? Date.parse(data.scheduled_for ?? '') : NaN;
  return Number.isFinite(scheduled) ? Math.max(scheduled, now) : now + afterSeconds * 1000;
}

/** Sends a cancel after writing the execution's wake-up, so that a lost cancel is sent again. */
export async function sendExecutionCancel(queues: QueueSender, resend: StartResend | undefined, tenant: string, executionId: string, mode: CancelMode): Promise<void> {
  if (resend) await resend.operations.setWake({ tenant, executionId }, Date.now() + resend.afterSeconds * 1000);
  await queues.send('workflow', executionCancelMessage(tenant, executionId, mode));
}
