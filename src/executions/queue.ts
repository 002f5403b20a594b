/**
 * The workflow-queue message that asks the workflow engine to run an execution record. The REST
 * API writes the record (`pending` or `queued`) first, then sends this; the engine reads the
 * record by (tenant, id), so the message carries no state of its own and a duplicate is harmless.
 */
import type { QueueMessage } from '../ports/queues';
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
