/**
 * WebSocket API function, behind every route: $connect/$disconnect keep the connections table,
 * `heartbeat` records a sign of life and answers through @connections. The agent and client routes
 * (hello, result, progress, logs, ctx, subscribe, unsubscribe) have no use case yet: the agent and
 * event-streaming issues add them; until then the client is told the route is unsupported.
 */
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { closeConnection, heartbeat, openConnection, rejectRoute } from '../src/connections/lifecycle';
import type { Principal } from '../src/ports/connections';
import { connectionDeps } from './support/connections';
import { lazyHandler } from './support/lazy';
import type { LambdaHandler } from './support/lazy';
import { createAwsClients, createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';

/** The authorizer's context rides on every event of the connection. */
export type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & {
    authorizer?: Record<string, unknown>;
    identity?: { sourceIp?: string };
  };
};

export type WebSocketHandler = LambdaHandler<WebSocketEvent, APIGatewayProxyResultV2>;

function principalOf(event: WebSocketEvent): Principal | undefined {
  const context = event.requestContext.authorizer;
  const id = context?.subjectId;
  const kind = context?.subjectKind;
  if (typeof id !== 'string' || (kind !== 'user' && kind !== 'agent')) return undefined;
  const tenant = typeof context?.tenant === 'string' ? context.tenant : undefined;
  return { id, kind, ...(tenant ? { tenant } : {}) };
}

export function createWebSocketHandler(settings: HandlerSettings): WebSocketHandler {
  const observability = createObservability('websocket', settings);
  const deps = connectionDeps(settings.config, createAwsClients(settings, observability));
  return withObservability(observability, async (event: WebSocketEvent): Promise<APIGatewayProxyResultV2> => {
    const { routeKey, connectionId } = event.requestContext;
    switch (routeKey) {
      case '$connect': {
        const principal = principalOf(event);
        // The authorizer always runs first; a $connect without its context is refused.
        if (!principal) return { statusCode: 401 };
        await openConnection(deps, connectionId, principal, event.requestContext.identity?.sourceIp);
        return { statusCode: 200 };
      }
      case '$disconnect':
        await closeConnection(deps, connectionId);
        return { statusCode: 200 };
      case 'heartbeat':
        await heartbeat(deps, connectionId);
        return { statusCode: 200 };
      default:
        await rejectRoute(deps, connectionId, routeKey);
        return { statusCode: 200 };
    }
  });
}

export const handler: WebSocketHandler = lazyHandler((settings) => createWebSocketHandler(settings));
