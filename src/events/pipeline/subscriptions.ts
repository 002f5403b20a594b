/**
 * The WebSocket client routes `subscribe` and `unsubscribe`:
 * `{"action":"subscribe","deployment_id":"d1"}` or `{"action":"subscribe","execution_id":"e1"}`.
 * Only users may subscribe (agents have their own routes), always within their connection's tenant:
 * the topic carries that tenant, and the deployment or execution must exist there. The answer is
 * `{"action":"subscribed"|"unsubscribed","deployment_id"|"execution_id":...}` or
 * `{"action":"error","error":CODE,"message":...}`. Events then arrive as `{"action":"events",...}`
 * (fanout.ts). Subscriptions end with the connection.
 */
import type { ConnectionGateway, ConnectionRegistry } from '../../ports/connections';
import type { SubscriptionRegistry, Topic } from '../../ports/subscriptions';

export interface SubscriptionDeps {
  registry: ConnectionRegistry;
  subscriptions: SubscriptionRegistry;
  gateway: ConnectionGateway;
  /** Whether the deployment or execution exists in the topic's tenant. */
  exists: (topic: Topic) => Promise<boolean>;
}

class SubscriptionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function parseTarget(body: string | undefined): { kind: Topic['kind']; id: string } {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    throw new SubscriptionError('bad_request', 'The message must be a JSON object');
  }
  const message = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const targets = (['deployment_id', 'execution_id'] as const).filter((name) => message[name] !== undefined && message[name] !== null);
  if (targets.length !== 1) throw new SubscriptionError('bad_request', 'Name exactly one of deployment_id or execution_id');
  const id = message[targets[0]];
  if (typeof id !== 'string' || id === '' || id.length > 256) throw new SubscriptionError('bad_request', `${targets[0]} must be a non-empty string`);
  return { kind: targets[0] === 'deployment_id' ? 'deployment' : 'execution', id };
}

export async function changeSubscription(
  deps: SubscriptionDeps,
  connectionId: string,
  action: 'subscribe' | 'unsubscribe',
  body: string | undefined,
): Promise<boolean> {
  let reply: Record<string, unknown>;
  let ok = false;
  try {
    const target = parseTarget(body);
    const connection = await deps.registry.get(connectionId);
    if (!connection) throw new SubscriptionError('unknown_connection', 'This connection is not registered');
    const { principal } = connection;
    if (principal.kind !== 'user' || !principal.tenant) throw new SubscriptionError('forbidden', 'Only users of a tenant may subscribe to events');
    const topic: Topic = { tenant: principal.tenant, kind: target.kind, id: target.id };
    if (action === 'subscribe') {
      if (!(await deps.exists(topic))) throw new SubscriptionError('not_found', `${target.kind} ${target.id} was not found in tenant ${topic.tenant}`);
      await deps.subscriptions.subscribe(connectionId, topic, connection.expiresAt);
    } else {
      await deps.subscriptions.unsubscribe(connectionId, topic);
    }
    reply = { action: action === 'subscribe' ? 'subscribed' : 'unsubscribed', [`${target.kind}_id`]: target.id };
    ok = true;
  } catch (err) {
    if (!(err instanceof SubscriptionError)) throw err;
    reply = { action: 'error', error: err.code, message: err.message, route: action };
  }
  await deps.gateway.send(connectionId, JSON.stringify(reply));
  return ok;
}
