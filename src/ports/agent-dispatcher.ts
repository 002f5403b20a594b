/**
 * Port to the host agents (the agent issue implements it over the WebSocket API). The engine hands
 * it operations whose executor is `host_agent`; the agent's result comes back through
 * `Engine.reportResult` with the same task id and attempt. Until an agent for the host is connected,
 * `dispatch` answers `not_connected` and the engine retries the operation like a recoverable failure,
 * failing it with a clear message when the retries run out.
 */
import type { Dict } from '../dsl';

export interface AgentOperation {
  tenant: string;
  executionId: string;
  deploymentId: string | null;
  taskId: string;
  attempt: number;
  /** The Compute node instance whose agent runs it. */
  hostId: string;
  /** The node instance the operation runs in the context of. */
  instanceId: string;
  name: string;
  plugin: string;
  operation: string;
  inputs: Dict;
  timeoutSeconds: number | null;
  /** The engine's lease of the running attempt: the agent renews it (progress messages) well within it. */
  leaseSeconds?: number;
}

export interface AgentDispatcher {
  dispatch(operation: AgentOperation): Promise<'sent' | 'not_connected'>;
  isConnected(tenant: string, hostId: string): Promise<boolean>;
  /** Asks the host's agent to stop a running operation (its process tree); false when it is not connected. */
  cancel(tenant: string, hostId: string, executionId: string, taskId: string): Promise<boolean>;
}

/** No agent transport (yet): every host is disconnected. */
export const NO_AGENTS: AgentDispatcher = {
  dispatch: async () => 'not_connected',
  isConnected: async () => false,
  cancel: async () => false,
};
