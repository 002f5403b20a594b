/**
 * Waiting for executions: polls `GET /executions/{id}` until an end state (or a deadline).
 */
import type { StratusClient } from './client';
import { ApiError } from './errors';

export const END_STATES = new Set(['terminated', 'failed', 'cancelled']);

export type Execution = Record<string, unknown> & { id: string; status: string; workflow_id: string; deployment_id: string };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class WaitTimeout extends ApiError {
  constructor(readonly execution: Execution, seconds: number) {
    super(0, 'timeout', `Execution ${execution.id} (${execution.workflow_id}) is still ${execution.status} after ${seconds} s; it goes on on the manager (see: stratus executions get ${execution.id})`);
  }
}

/** Polls until the execution ends; `onUpdate` sees every state read. */
export async function waitForExecution(client: StratusClient, id: string, timeoutSeconds: number, onUpdate?: (e: Execution) => void, intervalMs = 1000): Promise<Execution> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const execution = await client.get<Execution>(`/executions/${encodeURIComponent(id)}`);
    onUpdate?.(execution);
    if (END_STATES.has(execution.status)) return execution;
    if (Date.now() >= deadline) throw new WaitTimeout(execution, timeoutSeconds);
    await sleep(intervalMs);
  }
}
