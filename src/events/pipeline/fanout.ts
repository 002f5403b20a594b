/**
 * Pushes freshly indexed events to the WebSocket connections that follow them, coalesced: each
 * connection gets at most ONE message per indexer batch, holding at most `maxEvents` events and
 * `maxBytes` bytes (API Gateway takes 128 KB per message). When a noisy execution produces more,
 * the most recent events are sent and the message says how many were dropped and their time span,
 * so the client can fetch them with `GET /events?_range=@timestamp,FROM,TO`. A connection that is
 * gone loses its subscriptions.
 *
 * Message: `{"action":"events","events":[...flat items...],"dropped":N,"dropped_range":{from,to}|null}`
 */
import type { ConnectionGateway } from '../../ports/connections';
import type { IndexedEvent } from '../../ports/event-index';
import { topicKey } from '../../ports/subscriptions';
import type { SubscriptionRegistry, Topic } from '../../ports/subscriptions';
import { renderEvent } from './normalize';

export const DEFAULT_MAX_EVENTS_PER_MESSAGE = 200;
export const DEFAULT_MAX_MESSAGE_BYTES = 120 * 1024;

export interface FanoutDeps {
  subscriptions: SubscriptionRegistry;
  gateway: ConnectionGateway;
  maxEventsPerMessage?: number;
  maxMessageBytes?: number;
  /** Parallel sends. */
  concurrency?: number;
}

export interface FanoutResult {
  messages: number;
  events: number;
  dropped: number;
  gone: number;
}

function topicsOf(event: IndexedEvent): Topic[] {
  const topics: Topic[] = [];
  if (event.deployment_id) topics.push({ tenant: event.tenant_name, kind: 'deployment', id: event.deployment_id });
  if (event.execution_id) topics.push({ tenant: event.tenant_name, kind: 'execution', id: event.execution_id });
  return topics;
}

/** The message for one connection: the newest events that fit, and what was left out. */
export function coalesce(events: IndexedEvent[], maxEvents: number, maxBytes: number): { message: string; sent: number; dropped: number } {
  const rendered = events.map((event) => JSON.stringify(renderEvent(event)));
  let start = Math.max(0, rendered.length - maxEvents);
  const envelope = 120; // the action, counters and dropped range
  let bytes = envelope;
  for (let i = start; i < rendered.length; i++) bytes += Buffer.byteLength(rendered[i]) + 1;
  while (bytes > maxBytes && start < rendered.length - 1) bytes -= Buffer.byteLength(rendered[start++]) + 1;
  const dropped = start;
  const droppedRange = dropped > 0 ? { from: events[0].timestamp, to: events[dropped - 1].timestamp } : null;
  const message = `{"action":"events","events":[${rendered.slice(start).join(',')}],"dropped":${dropped},"dropped_range":${JSON.stringify(droppedRange)}}`;
  return { message, sent: rendered.length - start, dropped };
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function pushToSubscribers(deps: FanoutDeps, events: IndexedEvent[]): Promise<FanoutResult> {
  const result: FanoutResult = { messages: 0, events: 0, dropped: 0, gone: 0 };
  const byTopic = new Map<string, { topic: Topic; positions: number[] }>();
  events.forEach((event, position) => {
    for (const topic of topicsOf(event)) {
      const key = topicKey(topic);
      let entry = byTopic.get(key);
      if (!entry) byTopic.set(key, (entry = { topic, positions: [] }));
      entry.positions.push(position);
    }
  });
  if (byTopic.size === 0) return result;
  // One read per tenant first: the topics of tenants nobody follows are not looked up.
  const tenants = [...new Set([...byTopic.values()].map(({ topic }) => topic.tenant))];
  const followed = await deps.subscriptions.tenantsWithSubscribers(tenants, Math.floor(Date.now() / 1000));
  for (const [key, { topic }] of byTopic) if (!followed.has(topic.tenant)) byTopic.delete(key);
  if (byTopic.size === 0) return result;

  // Each connection gets each event once, even when it follows both its deployment and its execution.
  const perConnection = new Map<string, Set<number>>();
  const concurrency = deps.concurrency ?? 16;
  await inParallel([...byTopic.values()], concurrency, async ({ topic, positions }) => {
    for (const connectionId of await deps.subscriptions.subscribers(topic)) {
      let set = perConnection.get(connectionId);
      if (!set) perConnection.set(connectionId, (set = new Set()));
      for (const position of positions) set.add(position);
    }
  });

  const maxEvents = deps.maxEventsPerMessage ?? DEFAULT_MAX_EVENTS_PER_MESSAGE;
  const maxBytes = deps.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  await inParallel([...perConnection.entries()], concurrency, async ([connectionId, positions]) => {
    const mine = [...positions].sort((a, b) => a - b).map((position) => events[position]);
    const { message, sent, dropped } = coalesce(mine, maxEvents, maxBytes);
    const delivered = await deps.gateway.send(connectionId, message);
    if (!delivered) {
      result.gone++;
      await deps.subscriptions.unsubscribeAll(connectionId);
      return;
    }
    result.messages++;
    result.events += sent;
    result.dropped += dropped;
  });
  return result;
}
