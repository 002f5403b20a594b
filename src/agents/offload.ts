/**
 * Agent ⇄ manager messages larger than API Gateway's 128 KB go through the agentMessages bucket
 * (docs/agent.md, "Large messages"):
 * - manager → agent: the message is stored and the agent gets `{action, payload_url}` (a 10-minute
 *   presigned GET); it downloads the JSON and handles it as if it had come over the socket;
 * - agent → manager: the agent asks for an upload URL (ctx `upload-url`), PUTs the JSON and sends
 *   `{action, execution_id, task_id, attempt, id?, payload_key}`; the manager reads the object
 *   (only under the agent's own prefix), checks its action, handles it and deletes it.
 */
import { randomUUID } from 'node:crypto';
import type { Dict } from '../dsl';
import type { ConnectionGateway, Principal } from '../ports/connections';
import type { FileStore } from '../ports/file-store';
import { MAX_OFFLOADED_BYTES, SAFE_MESSAGE_BYTES } from './protocol';

export const OFFLOAD_URL_SECONDS = 600;
const PREFIX = 'messages/';

/** Every message object of one agent lives under this prefix. */
export function agentMessagePrefix(tenant: string, hostId: string): string {
  return `${PREFIX}${encodeURIComponent(tenant)}/${encodeURIComponent(hostId)}/`;
}

export function newAgentMessageKey(tenant: string, hostId: string, kind: string): string {
  return `${agentMessagePrefix(tenant, hostId)}${kind}-${randomUUID()}.json`;
}

export class OffloadError extends Error {}

/**
 * Sends a manager → agent message; over SAFE_MESSAGE_BYTES it is stored and referenced by URL.
 * Without a message store a large message is an error (the caller says what to keep small).
 */
export async function sendToAgent(gateway: ConnectionGateway, files: FileStore | undefined, connectionId: string, agent: { tenant: string; hostId: string }, message: { action: string }): Promise<boolean> {
  const body = JSON.stringify(message);
  const bytes = Buffer.byteLength(body);
  if (bytes <= SAFE_MESSAGE_BYTES) return gateway.send(connectionId, body);
  if (!files) throw new OffloadError(`The ${message.action} message is ${bytes} bytes, over the 128 KB a WebSocket message may carry, and this manager has no agent message bucket`);
  if (bytes > MAX_OFFLOADED_BYTES) throw new OffloadError(`The ${message.action} message is ${bytes} bytes, over the ${MAX_OFFLOADED_BYTES} bytes an agent message may have`);
  const key = newAgentMessageKey(agent.tenant, agent.hostId, message.action);
  await files.put(key, body, { contentType: 'application/json' });
  const url = await files.presignedGetUrl(key, { expiresInSeconds: OFFLOAD_URL_SECONDS });
  return gateway.send(connectionId, JSON.stringify({ action: message.action, payload_url: url, bytes }));
}

/** A presigned PUT for the agent's next large message, under its own prefix. */
export async function agentUploadUrl(files: FileStore, agent: Principal): Promise<{ url: string; key: string }> {
  const key = newAgentMessageKey(agent.tenant ?? '', agent.id, 'upload');
  const url = await files.presignedPutUrl(key, { expiresInSeconds: OFFLOAD_URL_SECONDS, contentType: 'application/json' });
  return { url, key };
}

/**
 * The real body of an agent message that names a `payload_key`, else the body itself. The key
 * must be under the agent's own prefix and the stored message must have the same action.
 */
export async function resolveAgentMessage(files: FileStore | undefined, agent: Principal, route: string, body: Dict): Promise<{ body: Dict; key: string | null }> {
  const key = body.payload_key;
  if (key === undefined) return { body, key: null };
  if (typeof key !== 'string' || !key.startsWith(agentMessagePrefix(agent.tenant ?? '', agent.id)) || key.includes('..')) throw new OffloadError('`payload_key` must be a key this agent was given (ctx upload-url)');
  if (!files) throw new OffloadError('This manager has no agent message bucket');
  const info = await files.head(key);
  if (!info) throw new OffloadError(`No uploaded message at ${key}`);
  if (info.size > MAX_OFFLOADED_BYTES) throw new OffloadError(`The uploaded message is ${info.size} bytes, over ${MAX_OFFLOADED_BYTES}`);
  const raw = await files.get(key);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw?.toString('utf8') ?? '');
  } catch {
    throw new OffloadError('The uploaded message is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || (parsed as Dict).action !== route) throw new OffloadError(`The uploaded message is not a ${route} message`);
  return { body: parsed as Dict, key };
}
