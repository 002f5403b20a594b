/**
 * The life of a WebSocket connection as the manager sees it: registered on connect, kept fresh by
 * heartbeats, forgotten on disconnect. API Gateway closes every connection after 2 hours, so a
 * record carries that deadline as its TTL: a lost $disconnect cannot leave it behind for long.
 */
import type { ConnectionGateway, ConnectionRegistry, Principal } from '../ports/connections';

/** API Gateway's hard limit on a WebSocket connection's life. */
export const MAX_CONNECTION_SECONDS = 2 * 3600;

export interface ConnectionDeps {
  registry: ConnectionRegistry;
  gateway: ConnectionGateway;
  now?: () => Date;
}

function clock(deps: ConnectionDeps): Date {
  return deps.now ? deps.now() : new Date();
}

export async function openConnection(
  deps: ConnectionDeps,
  connectionId: string,
  principal: Principal,
  sourceIp?: string,
): Promise<void> {
  const now = clock(deps);
  await deps.registry.put({
    connectionId,
    principal,
    connectedAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + MAX_CONNECTION_SECONDS,
    sourceIp,
  });
}

export async function closeConnection(deps: ConnectionDeps, connectionId: string): Promise<void> {
  await deps.registry.remove(connectionId);
}

/**
 * A heartbeat records a sign of life (the sweeper will judge agents by it) and is answered with
 * `{"action":"heartbeat","ok":true}`; a connection the registry does not know gets `ok: false`.
 */
export async function heartbeat(deps: ConnectionDeps, connectionId: string): Promise<boolean> {
  const known = await deps.registry.touch(connectionId, clock(deps).toISOString());
  const reply = known ? { action: 'heartbeat', ok: true } : { action: 'heartbeat', ok: false, error: 'unknown_connection' };
  await deps.gateway.send(connectionId, JSON.stringify(reply));
  return known;
}

/** Tells the client its message named a route nobody serves yet (better than silence). */
export async function rejectRoute(deps: ConnectionDeps, connectionId: string, route: string): Promise<void> {
  const reply = { action: 'error', error: 'unsupported_route', route, message: `Route "${route}" is not served by this manager yet` };
  await deps.gateway.send(connectionId, JSON.stringify(reply));
}
