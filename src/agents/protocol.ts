/**
 * The agent ⇄ manager WebSocket protocol (docs/agent.md). Every message is one JSON object whose
 * `action` selects the API Gateway route. Shared by the manager (src/agents) and the agent (agent/),
 * so both sides agree on the shapes and the size limits.
 */
import type { Dict } from '../dsl';

/** Version of this protocol; the agent sends it in `hello`. */
export const PROTOCOL_VERSION = 1;
/** API Gateway: a WebSocket frame is at most 32 KB, a message (all its frames) at most 128 KB. */
export const MAX_FRAME_BYTES = 32 * 1024;
export const MAX_MESSAGE_BYTES = 128 * 1024;
/** What we allow ourselves per message: leaves room for the envelope and for escaping. */
export const SAFE_MESSAGE_BYTES = 120 * 1024;
/**
 * Larger messages go through the agentMessages bucket (src/agents/offload.ts): the socket carries
 * `payload_url` (manager → agent) or `payload_key` (agent → manager). This caps what is stored.
 */
export const MAX_OFFLOADED_BYTES = 16 * 1024 * 1024;
/** API Gateway closes idle connections after 10 minutes: agents beat well inside that. */
export const HEARTBEAT_SECONDS = 60;
/** Longest log line kept (longer lines are cut, marked with an ellipsis). */
export const MAX_LOG_LINE_BYTES = 8 * 1024;

export const AGENT_TOKEN_PREFIX = 'sagt';

// ----- agent → manager -----

export interface HelloMessage {
  action: 'hello';
  protocol: number;
  version: string;
  os: string;
  arch: string;
  hostname: string;
  ip: string | null;
  /** The host node instance the agent believes it serves (checked against its credential). */
  host_instance_id?: string;
}

export interface HeartbeatMessage {
  action: 'heartbeat';
}

/** Identifies one attempt of one operation (the engine's task id and attempt). */
export interface OperationRef {
  execution_id: string;
  task_id: string;
  attempt: number;
}

export interface ResultMessage extends OperationRef {
  action: 'result';
  /** Unique per result, acknowledged by the manager; a resent result keeps its id. */
  id: string;
  status: 'success' | 'failure';
  /** failure: true = retried (RecoverableError / retry-operation), false = fails at once. */
  recoverable?: boolean;
  error?: string | null;
  /** retry-operation's requested delay. */
  retry_after?: number | null;
  returns?: unknown;
  /** Runtime property updates (top-level keys) per node instance id (own instance and relationship peers). */
  runtime_properties?: Record<string, Dict>;
}

/** Renews the attempt's lease; with a message, also a log line. */
export interface ProgressMessage extends OperationRef {
  action: 'progress';
  message?: string;
}

export interface LogLine {
  level: 'debug' | 'info' | 'warning' | 'error';
  message: string;
  /** ISO timestamp of when the agent saw it. */
  timestamp: string;
}

export interface LogsMessage extends OperationRef {
  action: 'logs';
  logs: LogLine[];
}

export interface CtxRequestMessage extends OperationRef {
  action: 'ctx';
  request_id: string;
  /** `["resource-url", "<blueprint-relative path>"]` */
  args: string[];
}

export type AgentMessage = HelloMessage | HeartbeatMessage | ResultMessage | ProgressMessage | LogsMessage | CtxRequestMessage;

// ----- manager → agent -----

export interface InstanceContext {
  id: string;
  node_id: string;
  runtime_properties: Dict;
  host_ip: string | null;
}

export interface NodeContext {
  id: string;
  type: string;
  properties: Dict;
}

export interface EndpointContext {
  node: NodeContext;
  instance: InstanceContext;
}

export interface OperationContext {
  tenant: string;
  deployment_id: string | null;
  blueprint_id: string | null;
  execution_id: string;
  workflow_id: string | null;
  node: NodeContext | null;
  instance: InstanceContext | null;
  relationship: { type: string; side: 'source' | 'target'; source: EndpointContext; target: EndpointContext } | null;
}

export interface RunMessage extends OperationRef {
  action: 'run';
  name: string;
  plugin: string;
  operation: string;
  inputs: Dict;
  timeout: number | null;
  /** The manager's lease of this attempt: while it runs the agent sends `progress` (no message) every third of it, which renews it. */
  lease_seconds?: number;
  context: OperationContext;
}

export interface CancelMessage {
  action: 'cancel';
  execution_id: string;
  task_id: string;
}

export interface AckMessage {
  action: 'ack';
  id: string;
  /** false: refused (stale attempt, not this host's operation...): the agent drops it anyway. */
  accepted: boolean;
  reason?: string;
}

export interface CtxResponseMessage {
  action: 'ctx';
  request_id: string;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface WelcomeMessage {
  action: 'welcome';
  host_id: string;
  heartbeat_seconds: number;
}

export type ManagerMessage = RunMessage | CancelMessage | AckMessage | CtxResponseMessage | WelcomeMessage | { action: 'heartbeat'; ok: boolean } | { action: 'error'; error: string; message?: string };

export function operationKey(ref: { execution_id: string; task_id: string }): string {
  return `${ref.execution_id}/${ref.task_id}`;
}

export function byteLength(message: unknown): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}

/** Cuts a log line to MAX_LOG_LINE_BYTES (on a character boundary). */
export function clipLogLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_LOG_LINE_BYTES) return line;
  let cut = line.slice(0, MAX_LOG_LINE_BYTES);
  while (Buffer.byteLength(cut, 'utf8') > MAX_LOG_LINE_BYTES - 3) cut = cut.slice(0, -64);
  return `${cut}...`;
}

/** Splits log lines into batches whose messages stay under SAFE_MESSAGE_BYTES. */
export function batchLogs(lines: LogLine[], envelopeBytes = 512): LogLine[][] {
  const batches: LogLine[][] = [];
  let current: LogLine[] = [];
  let size = envelopeBytes;
  for (const line of lines) {
    const clipped = { ...line, message: clipLogLine(line.message) };
    const bytes = byteLength(clipped) + 1;
    if (current.length && size + bytes > SAFE_MESSAGE_BYTES / 2) {
      batches.push(current);
      current = [];
      size = envelopeBytes;
    }
    current.push(clipped);
    size += bytes;
  }
  if (current.length) batches.push(current);
  return batches;
}
