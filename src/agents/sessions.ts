/**
 * The manager's side of an agent's WebSocket routes (docs/agent.md):
 * - hello: records the agent's facts and its connection (how dispatch finds it), answers `welcome`;
 * - result: applies an operation's outcome through the engine, once (stale or duplicate results are
 *   acknowledged as not accepted, so the agent drops them); runtime properties written to the
 *   relationship peer are applied too; always answered with `ack`;
 * - logs / progress: become the operation's log events; progress also renews the attempt's lease
 *   (the agent sends one, without a message, every third of the lease while the operation runs);
 * - ctx: `resource-url PATH` answers a presigned URL of a blueprint resource.
 * An agent may only touch operations whose host is its own: anything else is refused.
 */
import type { Dict } from '../dsl';
import type { DeploymentData, NodeInstanceData } from '../deployments/model';
import { instanceStoreId } from '../deployments/model';
import { resourceKey } from '../blueprints/model';
import { cloudifyLog } from '../events/model';
import { KINDS } from '../model/kinds';
import type { ConnectionGateway, Principal } from '../ports/connections';
import type { FileStore } from '../ports/file-store';
import type { ExecutionHeader, TaskRecord } from '../ports/operation-store';
import type { Engine } from '../workflows/engine';
import { agentOperation } from '../workflows/engine/persisted';
import type { OperationTask } from '../workflows/graph';
import { agentRef } from './records';
import type { AgentData } from './records';
import { agentUploadUrl, OffloadError, resolveAgentMessage, sendToAgent } from './offload';
import { HEARTBEAT_SECONDS, PROTOCOL_VERSION } from './protocol';
import type { AckMessage, CtxRequestMessage, CtxResponseMessage, HelloMessage, LogsMessage, OperationRef, ProgressMessage, ResultMessage, WelcomeMessage } from './protocol';

export const AGENT_ROUTES = ['hello', 'result', 'progress', 'logs', 'ctx'] as const;
export type AgentRoute = (typeof AGENT_ROUTES)[number];

export interface AgentSessionDeps {
  engine: Engine;
  gateway: ConnectionGateway;
  files?: FileStore;
  /** The agentMessages bucket: messages over 128 KB (src/agents/offload.ts). */
  messages?: FileStore;
  now?: () => Date;
}

export class AgentProtocolError extends Error {}

const RESOURCE_URL_SECONDS = 600;

function str(value: unknown, name: string, max = 1024): string {
  if (typeof value !== 'string' || value === '' || value.length > max) throw new AgentProtocolError(`\`${name}\` must be a non-empty string`);
  return value;
}

function operationRef(body: Dict): OperationRef {
  const attempt = body.attempt;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) throw new AgentProtocolError('`attempt` must be a positive integer');
  return { execution_id: str(body.execution_id, 'execution_id'), task_id: str(body.task_id, 'task_id'), attempt };
}

async function reply(deps: AgentSessionDeps, connectionId: string, message: { action: string } & Record<string, unknown>, agent?: Principal): Promise<void> {
  if (agent) await sendToAgent(deps.gateway, deps.messages, connectionId, { tenant: agent.tenant ?? '', hostId: agent.id }, message);
  else await deps.gateway.send(connectionId, JSON.stringify(message));
}

interface OwnTask {
  header: ExecutionHeader;
  record: TaskRecord;
  task: OperationTask;
}

/** The task named by `ref` if it is an operation of this agent's host; a reason otherwise. */
async function ownTask(deps: AgentSessionDeps, agent: Principal, ref: OperationRef): Promise<OwnTask | string> {
  const { operations } = deps.engine.deps;
  const key = { tenant: agent.tenant ?? '', executionId: ref.execution_id };
  const [header, record] = await Promise.all([operations.getHeader(key), operations.getTask(key, ref.task_id)]);
  if (!header || !record || record.spec.kind !== 'operation') return 'unknown_operation';
  const task = agentOperation(record.spec);
  if (!task || (task.call.host_id ?? task.context_instance_id) !== agent.id) return 'not_this_host';
  return { header, record, task };
}

export async function handleHello(deps: AgentSessionDeps, connectionId: string, agent: Principal, body: Dict): Promise<void> {
  const hello = body as unknown as HelloMessage;
  if (hello.host_instance_id !== undefined && hello.host_instance_id !== agent.id) {
    throw new AgentProtocolError(`This credential belongs to host ${agent.id}, not ${String(hello.host_instance_id)}`);
  }
  const now = (deps.now ?? (() => new Date()))();
  const text = (value: unknown) => (typeof value === 'string' && value.length <= 256 ? value : null);
  await deps.engine.deps.store.modify<AgentData>(agentRef(agent.tenant ?? '', agent.id), (current) => ({
    ...current.data,
    ip: text(hello.ip) ?? current.data.ip,
    system: [text(hello.os), text(hello.arch)].filter(Boolean).join(' ') || current.data.system,
    version: text(hello.version) ?? current.data.version,
    hostname: text(hello.hostname) ?? current.data.hostname,
    state: 'started',
    connection_id: connectionId,
    connected_at: now.toISOString(),
  }));
  await forgetInitScript(deps, agent.tenant ?? '', agent.id);
  const welcome: WelcomeMessage = { action: 'welcome', host_id: agent.id, heartbeat_seconds: HEARTBEAT_SECONDS };
  await reply(deps, connectionId, { ...welcome, protocol: PROTOCOL_VERSION });
}

/**
 * An init_script's user data carries the host's agent token. Once that agent has connected the
 * script has done its job, so it leaves the host's runtime properties: node-instance reads of the
 * tenant's users and the agents of relationship peers see it no longer (the VM's user data keeps it).
 */
async function forgetInitScript(deps: AgentSessionDeps, tenant: string, hostId: string): Promise<void> {
  const ref = { kind: KINDS.nodeInstance, tenant, id: instanceStoreId(hostId) };
  if (!(await deps.engine.deps.store.get(ref))) return;
  await deps.engine.deps.store.modify<NodeInstanceData>(ref, (current) => {
    const settings = current.data.runtime_properties?.cloudify_agent;
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings) || !('install_script' in settings)) return undefined;
    const { install_script: _script, ...kept } = settings as Dict;
    return { ...current.data, runtime_properties: { ...current.data.runtime_properties, cloudify_agent: kept } };
  });
}

function outcomeOf(result: ResultMessage, ownInstance: string, logs: []): Parameters<Engine['finishAttempt']>[2] {
  const props = result.runtime_properties?.[ownInstance] ?? null;
  if (result.status === 'success') return { kind: 'succeeded', runtimeProperties: props, logs };
  const message = typeof result.error === 'string' && result.error ? result.error.slice(0, 4000) : 'The operation failed on its agent';
  if (result.recoverable === false) return { kind: 'failed', message, logs };
  const after = typeof result.retry_after === 'number' && result.retry_after >= 0 ? result.retry_after : null;
  // retry-operation (a retry_after given) is a retry request, not an error (Cloudify's OperationRetry).
  return { kind: 'retry', message, afterSeconds: after, recoverableError: after === null, logs };
}

export async function handleResult(deps: AgentSessionDeps, connectionId: string, agent: Principal, body: Dict): Promise<void> {
  const id = str(body.id, 'id', 128);
  const ack = (accepted: boolean, reason?: string) => reply(deps, connectionId, { action: 'ack', id, accepted, ...(reason ? { reason } : {}) } satisfies AckMessage);
  const ref = operationRef(body);
  const status = body.status;
  if (status !== 'success' && status !== 'failure') throw new AgentProtocolError('`status` must be success or failure');
  const result = body as unknown as ResultMessage;
  const own = await ownTask(deps, agent, ref);
  if (typeof own === 'string') return ack(false, own);
  const { header, record, task } = own;
  if (record.state !== 'running' || record.attempt !== ref.attempt) return ack(false, 'stale_attempt');
  const updates = result.runtime_properties ?? {};
  if (typeof updates !== 'object' || Array.isArray(updates)) throw new AgentProtocolError('`runtime_properties` must be a dict of instance id to dict');
  if (status === 'success') {
    // Relationship operations may write the peer's runtime properties (ctx source/target instance).
    const rel = task.relationship;
    const peers = rel ? [rel.source_id, rel.target_id].filter((peer) => peer !== task.context_instance_id) : [];
    for (const [instanceId, props] of Object.entries(updates)) {
      if (instanceId === task.context_instance_id) continue;
      if (!peers.includes(instanceId)) return ack(false, 'instance_not_in_operation');
      await deps.engine.deps.store.modify<NodeInstanceData>({ kind: KINDS.nodeInstance, tenant: header.tenant, id: instanceStoreId(instanceId) }, (current) => ({
        ...current.data,
        runtime_properties: { ...current.data.runtime_properties, ...(props as Dict) },
      }));
    }
  }
  await deps.engine.finishAttempt(header, record, outcomeOf(result, task.context_instance_id, []));
  await ack(true);
}

export async function handleLogs(deps: AgentSessionDeps, agent: Principal, body: Dict): Promise<void> {
  const ref = operationRef(body);
  const message = body as unknown as LogsMessage | ProgressMessage;
  const own = await ownTask(deps, agent, ref);
  if (typeof own === 'string') throw new AgentProtocolError(`Logs refused: ${own}`);
  const { engine } = deps;
  if (message.action === 'progress') {
    // The agent still runs this attempt: its lease is renewed, so the sweeper does not take it for lost.
    if (own.record.state === 'running' && own.record.attempt === ref.attempt) {
      const now = (deps.now ?? (() => new Date()))().getTime();
      await engine.deps.operations.extendLease({ tenant: own.header.tenant, executionId: own.header.executionId }, own.record.id, ref.attempt, now + engine.deps.config.leaseSeconds * 1000);
    }
    if (typeof message.message !== 'string' || message.message === '') return;
  }
  const scope = engine.scope(own.header);
  const details = engine.details(own.task, { attempt: ref.attempt });
  const lines = message.action === 'progress' ? [{ level: 'info' as const, message: String(message.message).slice(0, 8192), timestamp: new Date().toISOString() }] : (message as LogsMessage).logs;
  if (!Array.isArray(lines)) throw new AgentProtocolError('`logs` must be a list');
  const levels = new Set(['debug', 'info', 'warning', 'error']);
  const events = lines.slice(0, 1000).map((line) => {
    const level = levels.has(line?.level) ? line.level : 'info';
    const at = typeof line?.timestamp === 'string' && !Number.isNaN(Date.parse(line.timestamp)) ? new Date(line.timestamp) : new Date();
    return cloudifyLog(scope, level, String(line?.message ?? ''), details, at);
  });
  await engine.emit(events);
}

export async function handleCtx(deps: AgentSessionDeps, connectionId: string, agent: Principal, body: Dict): Promise<void> {
  const requestId = str(body.request_id, 'request_id', 128);
  const respond = (response: Omit<CtxResponseMessage, 'action' | 'request_id'>) => reply(deps, connectionId, { action: 'ctx', request_id: requestId, ...response }, agent);
  const request = body as unknown as CtxRequestMessage;
  const ref = operationRef(body);
  const own = await ownTask(deps, agent, ref);
  if (typeof own === 'string') return respond({ ok: false, error: `ctx request refused: ${own}` });
  const args = Array.isArray(request.args) ? request.args : [];
  if (args[0] === 'upload-url') {
    // Where the agent puts its next message over 128 KB (a result, say).
    if (!deps.messages) return respond({ ok: false, error: 'This manager has no agent message bucket: messages must stay under 128 KB' });
    return respond({ ok: true, value: await agentUploadUrl(deps.messages, agent) });
  }
  if (args[0] !== 'resource-url' || typeof args[1] !== 'string') return respond({ ok: false, error: `Unknown ctx request ${JSON.stringify(args[0])}: the manager answers "resource-url PATH" and "upload-url"` });
  const path = args[1].replace(/^\/+/, '');
  if (!path || path.split('/').some((part) => part === '..' || part === '.') || path.includes('\0')) return respond({ ok: false, error: `Invalid resource path ${JSON.stringify(args[1])}` });
  if (!deps.files || !own.header.deploymentId) return respond({ ok: false, error: 'This manager has no blueprint resources for this operation' });
  const deployment = await deps.engine.deps.store.get<DeploymentData>({ kind: KINDS.deployment, tenant: own.header.tenant, id: own.header.deploymentId });
  if (!deployment) return respond({ ok: false, error: `Deployment ${own.header.deploymentId} no longer exists` });
  const key = resourceKey(deployment.data.blueprint_tenant, deployment.data.blueprint_id, path);
  if (!(await deps.files.head(key))) return respond({ ok: false, error: `Resource ${path} was not found in blueprint ${deployment.data.blueprint_id}` });
  const url = await deps.files.presignedGetUrl(key, { expiresInSeconds: RESOURCE_URL_SECONDS });
  return respond({ ok: true, value: url });
}

/** Runs one agent route; protocol errors are told to the agent, never thrown at API Gateway. */
export async function handleAgentRoute(deps: AgentSessionDeps, connectionId: string, agent: Principal, route: AgentRoute, rawBody: string | undefined): Promise<void> {
  try {
    let body: Dict;
    try {
      body = JSON.parse(rawBody ?? '') as Dict;
    } catch {
      throw new AgentProtocolError('The message is not JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AgentProtocolError('The message must be a JSON object');
    let stored: string | null = null;
    try {
      ({ body, key: stored } = await resolveAgentMessage(deps.messages, agent, route, body));
    } catch (err) {
      if (err instanceof OffloadError) throw new AgentProtocolError(err.message);
      throw err;
    }
    try {
      return await routeMessage(deps, connectionId, agent, route, body);
    } finally {
      // Read once: a resent result is uploaded again.
      if (stored) await deps.messages!.delete(stored).catch(() => undefined);
    }
  } catch (err) {
    if (!(err instanceof AgentProtocolError)) throw err;
    await reply(deps, connectionId, { action: 'error', error: 'bad_message', route, message: err.message });
  }
}

async function routeMessage(deps: AgentSessionDeps, connectionId: string, agent: Principal, route: AgentRoute, body: Dict): Promise<void> {
  switch (route) {
    case 'hello':
      return await handleHello(deps, connectionId, agent, body);
    case 'result':
      return await handleResult(deps, connectionId, agent, body);
    case 'logs':
    case 'progress':
      return await handleLogs(deps, agent, body);
    case 'ctx':
      return await handleCtx(deps, connectionId, agent, body);
  }
}

/** The agent record of a host, for callers that have the principal only. */
export async function agentOf(deps: AgentSessionDeps, agent: Principal) {
  return deps.engine.deps.store.get<AgentData>(agentRef(agent.tenant ?? '', agent.id));
}
