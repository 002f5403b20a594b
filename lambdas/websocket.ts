/**
 * WebSocket API function, behind every route: $connect/$disconnect keep the connections table,
 * `heartbeat` records a sign of life and answers through @connections, `subscribe`/`unsubscribe`
 * follow a deployment's or an execution's live events (src/events/pipeline/subscriptions.ts). The
 * agent routes (hello, result, progress, logs, ctx) serve host agents only (src/agents/sessions.ts);
 * a user connection naming one is told the route is unsupported.
 */
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { DynamoModelStore } from '../adapters/dynamodb/model-store';
import { DynamoDbSubscriptionRegistry } from '../adapters/dynamodb/subscription-registry';
import { requireTable } from '../src/config/runtime-config';
import { closeConnection, heartbeat, openConnection, rejectRoute } from '../src/connections/lifecycle';
import { changeSubscription } from '../src/events/pipeline/subscriptions';
import type { SubscriptionDeps } from '../src/events/pipeline/subscriptions';
import { KINDS } from '../src/model/kinds';
import type { Principal } from '../src/ports/connections';
import { agentRouteHandler } from './support/agents';
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
  const clients = createAwsClients(settings, observability);
  const deps = connectionDeps(settings.config, clients);
  const subscriptions = new DynamoDbSubscriptionRegistry(clients.documents, requireTable(settings.config, 'connections'));
  let subscriptionDeps: SubscriptionDeps | undefined;
  // Built on first use: only client routes need the model store (existence of what is followed).
  const subscriptionsOf = (): SubscriptionDeps => {
    if (subscriptionDeps) return subscriptionDeps;
    const store = new DynamoModelStore({ client: clients.documents, tableName: requireTable(settings.config, 'model') });
    const exists = async (topic: { tenant: string; kind: 'deployment' | 'execution'; id: string }) =>
      (await store.get({ kind: topic.kind === 'deployment' ? KINDS.deployment : KINDS.execution, tenant: topic.tenant, id: topic.id })) !== undefined;
    return (subscriptionDeps = { ...deps, subscriptions, exists });
  };
  const agentRoutes = agentRouteHandler(settings, clients);
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
        await subscriptions.unsubscribeAll(connectionId);
        return { statusCode: 200 };
      case 'subscribe':
      case 'unsubscribe':
        await changeSubscription(subscriptionsOf(), connectionId, routeKey, event.body);
        return { statusCode: 200 };
      case 'heartbeat':
        await heartbeat(deps, connectionId);
        return { statusCode: 200 };
      case 'hello':
      case 'result':
      case 'progress':
      case 'logs':
      case 'ctx': {
        // Agent routes: only agents may use them (src/agents/sessions.ts).
        const principal = principalOf(event);
        if (principal?.kind !== 'agent') await rejectRoute(deps, connectionId, routeKey);
        else await agentRoutes(connectionId, principal, routeKey, event.body);
        return { statusCode: 200 };
      }
      default:
        await rejectRoute(deps, connectionId, routeKey);
        return { statusCode: 200 };
    }
  });
}

export const handler: WebSocketHandler = lazyHandler((settings) => createWebSocketHandler(settings));
