/**
 * WebSocket $connect authorizer (REQUEST type): asks the authenticators whether the connection's
 * headers/query prove a principal. Yes → Allow policy with the principal in the context (API Gateway
 * hands it to every later event of the connection); no → "Unauthorized" (API Gateway answers 401).
 *
 * By default host agents authenticate with their agent token (src/agents/authenticator.ts) and users
 * with their REST credentials (src/api/auth/connect-authenticator.ts). Tests pass their own
 * authenticators to the factory.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizeConnection } from '../src/connections/authorize';
import type { Authenticator } from '../src/ports/authenticator';
import { agentConnectAuthenticator } from './support/agents';
import { lazyHandler } from './support/lazy';
import type { LambdaHandler } from './support/lazy';
import { userConnectAuthenticator } from './support/api-container';
import { createAwsClients, createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';

export type WsAuthorizerHandler = LambdaHandler<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>;

/** API Gateway turns exactly this error message into a 401 response. */
export const UNAUTHORIZED = 'Unauthorized';

function lowerCaseKeys(values: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values ?? {})) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

function definedValues(values: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values ?? {})) if (value !== undefined) out[name] = value;
  return out;
}

export function createWsAuthorizerHandler(settings: HandlerSettings, given?: Authenticator[]): WsAuthorizerHandler {
  const observability = createObservability('wsAuthorizer', settings);
  // Agent tokens (sagt-...) first, then users with REST credentials (token or Basic).
  const clients = given ? undefined : createAwsClients(settings, observability);
  const authenticators = given ?? [agentConnectAuthenticator(settings, clients!), userConnectAuthenticator(settings, clients!)];
  return withObservability(observability, async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const principal = await authorizeConnection(authenticators, {
      headers: lowerCaseKeys(event.headers),
      query: definedValues(event.queryStringParameters),
    });
    if (!principal) {
      observability.logger.info('WebSocket connection refused', { sourceIp: event.requestContext?.identity?.sourceIp });
      throw new Error(UNAUTHORIZED);
    }
    return {
      principalId: `${principal.kind}:${principal.id}`,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      // Context values must be strings, numbers or booleans. API Gateway adds the policy's
      // principalId to the context itself, so the principal's own id travels as subjectId.
      context: { subjectId: principal.id, subjectKind: principal.kind, ...(principal.tenant ? { tenant: principal.tenant } : {}) },
    };
  });
}

export const handler: WsAuthorizerHandler = lazyHandler((settings) => createWsAuthorizerHandler(settings));
