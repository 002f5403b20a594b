/**
 * The AgentDispatcher port over the WebSocket API: a host's agent is reachable when its record
 * names a connection that the connection registry still holds (a $disconnect or the registry's TTL
 * removes it) and its credential was not revoked. `dispatch` sends the `run` message with the
 * operation's context; the result comes back on the `result` route (src/agents/sessions.ts).
 */
import type { AgentDispatcher, AgentOperation } from '../ports/agent-dispatcher';
import type { ConnectionGateway, ConnectionRegistry } from '../ports/connections';
import type { FileStore } from '../ports/file-store';
import type { ModelStore } from '../ports/model-store';
import type { OperationStore } from '../ports/operation-store';
import type { OperationTask } from '../workflows/graph';
import { operationContext } from './context';
import { OffloadError, sendToAgent } from './offload';
import { SAFE_MESSAGE_BYTES } from './protocol';
import type { CancelMessage, RunMessage } from './protocol';
import { agentRef } from './records';
import type { AgentData } from './records';

export interface AgentDispatcherDeps {
  store: ModelStore;
  operations: OperationStore;
  registry: ConnectionRegistry;
  gateway: ConnectionGateway;
  /** The agentMessages bucket: a run message over 128 KB is stored there and sent by URL. */
  messages?: FileStore;
}

export class WebSocketAgentDispatcher implements AgentDispatcher {
  constructor(private readonly deps: AgentDispatcherDeps) {}

  /** The live connection of a host's agent, if any. */
  async connectionOf(tenant: string, hostId: string): Promise<string | undefined> {
    const agent = await this.deps.store.get<AgentData>(agentRef(tenant, hostId));
    const connectionId = agent?.data.connection_id;
    if (!connectionId || !agent.data.credential_hash) return undefined;
    const record = await this.deps.registry.get(connectionId);
    const principal = record?.principal;
    if (!principal || principal.kind !== 'agent' || principal.id !== hostId || principal.tenant !== tenant) return undefined;
    return connectionId;
  }

  async isConnected(tenant: string, hostId: string): Promise<boolean> {
    return (await this.connectionOf(tenant, hostId)) !== undefined;
  }

  async dispatch(operation: AgentOperation): Promise<'sent' | 'not_connected'> {
    const connectionId = await this.connectionOf(operation.tenant, operation.hostId);
    if (!connectionId) return 'not_connected';
    const key = { tenant: operation.tenant, executionId: operation.executionId };
    const [header, record] = await Promise.all([this.deps.operations.getHeader(key), this.deps.operations.getTask(key, operation.taskId)]);
    if (!header || !record || record.spec.kind !== 'operation') throw new Error(`Task ${operation.taskId} of execution ${operation.executionId} is not an operation of a known execution`);
    const context = await operationContext(this.deps.store, header, record.spec.task as OperationTask);
    const message: RunMessage = {
      action: 'run',
      execution_id: operation.executionId,
      task_id: operation.taskId,
      attempt: operation.attempt,
      name: operation.name,
      plugin: operation.plugin,
      operation: operation.operation,
      inputs: operation.inputs,
      timeout: operation.timeoutSeconds,
      ...(operation.leaseSeconds ? { lease_seconds: operation.leaseSeconds } : {}),
      context,
    };
    // API Gateway refuses posts over 128 KB: larger run messages (large inputs or runtime
    // properties) go through the agentMessages bucket. Without it, the peers' runtime properties
    // are dropped first (the only safe cut: inputs are the operation's own and must arrive whole).
    let sendable: RunMessage = message;
    if (!this.deps.messages && Buffer.byteLength(JSON.stringify(message)) > SAFE_MESSAGE_BYTES && context.relationship) {
      const rel = context.relationship;
      sendable = { ...message, context: { ...context, relationship: { ...rel, source: { ...rel.source, instance: { ...rel.source.instance, runtime_properties: {} } }, target: { ...rel.target, instance: { ...rel.target.instance, runtime_properties: {} } } } } };
    }
    try {
      return (await sendToAgent(this.deps.gateway, this.deps.messages, connectionId, { tenant: operation.tenant, hostId: operation.hostId }, sendable)) ? 'sent' : 'not_connected';
    } catch (err) {
      if (!(err instanceof OffloadError)) throw err;
      throw new Error(`Operation ${operation.name} on ${operation.instanceId} is too large to send to its agent: ${err.message}; keep operation inputs and runtime properties small`);
    }
  }

  /** Asks the host's agent to stop an operation (kill: the process tree is terminated either way). */
  async cancel(tenant: string, hostId: string, executionId: string, taskId: string): Promise<boolean> {
    const connectionId = await this.connectionOf(tenant, hostId);
    if (!connectionId) return false;
    const message: CancelMessage = { action: 'cancel', execution_id: executionId, task_id: taskId };
    return this.deps.gateway.send(connectionId, JSON.stringify(message));
  }
}
