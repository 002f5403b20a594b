/**
 * Events of API Gateway's WebSocket API, built from a local connection: the REQUEST authorizer
 * event for $connect, then $connect, message and $disconnect events for the route function.
 * WebSocket events keep header names as sent (unlike HTTP APIs) and carry the authorizer's context
 * (plus principalId) on every event of the connection.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { WebSocketEvent } from '../lambdas/websocket';
import { LOCAL_ACCOUNT_ID, apiGatewayTime } from './http-event';

export interface ConnectionInfo {
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  userAgent?: string;
  /** Node's flat rawHeaders of the upgrade request. */
  rawHeaders: string[];
  /** Query string of the upgrade request (without `?`). */
  rawQueryString: string;
}

export interface ApiMeta {
  apiId: string;
  stage: string;
  region: string;
  domainName: string;
}

export interface RequestMeta {
  requestId: string;
  now: Date;
}

function headerMaps(rawHeaders: string[]) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    const value = rawHeaders[i + 1];
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

function queryMaps(rawQueryString: string) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  const any = Object.keys(single).length > 0;
  return { queryStringParameters: any ? single : undefined, multiValueQueryStringParameters: any ? multi : undefined };
}

function baseContext(connection: ConnectionInfo, api: ApiMeta, request: RequestMeta) {
  return {
    extendedRequestId: request.requestId,
    requestTime: apiGatewayTime(request.now),
    messageDirection: 'IN' as const,
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: request.now.getTime(),
    identity: { sourceIp: connection.sourceIp, ...(connection.userAgent ? { userAgent: connection.userAgent } : {}) },
    requestId: request.requestId,
    domainName: api.domainName,
    connectionId: connection.connectionId,
    apiId: api.apiId,
  };
}

export function buildAuthorizerEvent(connection: ConnectionInfo, api: ApiMeta, request: RequestMeta): APIGatewayRequestAuthorizerEvent {
  const { headers, multiValueHeaders } = headerMaps(connection.rawHeaders);
  const query = queryMaps(connection.rawQueryString);
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${api.region}:${LOCAL_ACCOUNT_ID}:${api.apiId}/${api.stage}/$connect`,
    headers,
    multiValueHeaders,
    queryStringParameters: query.queryStringParameters ?? null,
    multiValueQueryStringParameters: query.multiValueQueryStringParameters ?? null,
    stageVariables: {},
    requestContext: { routeKey: '$connect', eventType: 'CONNECT', ...baseContext(connection, api, request) },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

export function buildConnectEvent(
  connection: ConnectionInfo,
  authorizer: Record<string, unknown> | undefined,
  api: ApiMeta,
  request: RequestMeta,
): WebSocketEvent {
  const { headers, multiValueHeaders } = headerMaps(connection.rawHeaders);
  const query = queryMaps(connection.rawQueryString);
  return {
    headers,
    multiValueHeaders,
    ...query,
    requestContext: { routeKey: '$connect', eventType: 'CONNECT', ...baseContext(connection, api, request), ...(authorizer ? { authorizer } : {}) },
    isBase64Encoded: false,
  } as unknown as WebSocketEvent;
}

export function buildMessageEvent(
  connection: ConnectionInfo,
  authorizer: Record<string, unknown> | undefined,
  routeKey: string,
  data: Buffer,
  isBinary: boolean,
  api: ApiMeta,
  request: RequestMeta,
): WebSocketEvent {
  return {
    requestContext: {
      routeKey,
      messageId: request.requestId,
      eventType: 'MESSAGE',
      ...baseContext(connection, api, request),
      ...(authorizer ? { authorizer } : {}),
    },
    body: isBinary ? data.toString('base64') : data.toString('utf8'),
    isBase64Encoded: isBinary,
  } as unknown as WebSocketEvent;
}

export function buildDisconnectEvent(
  connection: ConnectionInfo,
  authorizer: Record<string, unknown> | undefined,
  statusCode: number,
  reason: string,
  api: ApiMeta,
  request: RequestMeta,
): WebSocketEvent {
  // API Gateway's $disconnect events carry only a few of the upgrade request's headers.
  const kept: string[] = [];
  for (let i = 0; i + 1 < connection.rawHeaders.length; i += 2) {
    if (/^(host|x-forwarded-[a-z]+)$/i.test(connection.rawHeaders[i])) kept.push(connection.rawHeaders[i], connection.rawHeaders[i + 1]);
  }
  const { headers, multiValueHeaders } = headerMaps(kept);
  return {
    headers,
    multiValueHeaders,
    requestContext: {
      routeKey: '$disconnect',
      disconnectStatusCode: statusCode,
      eventType: 'DISCONNECT',
      disconnectReason: reason,
      ...baseContext(connection, api, request),
      ...(authorizer ? { authorizer } : {}),
    },
    isBase64Encoded: false,
  } as unknown as WebSocketEvent;
}

/**
 * Route selection by `$request.body.action`: a JSON object whose `action` names a configured route
 * goes to that route; anything else (not JSON, no action, unknown action) to `$default`.
 */
export function selectRoute(body: string, routes: ReadonlySet<string>): string {
  let action: unknown;
  try {
    action = (JSON.parse(body) as { action?: unknown })?.action;
  } catch {
    return '$default';
  }
  return typeof action === 'string' && !action.startsWith('$') && routes.has(action) ? action : '$default';
}

export type AuthorizerOutcome = { allowed: true; context: Record<string, unknown> } | { allowed: false; statusCode: 401 | 403 | 500 };

/** API Gateway's reading of a REQUEST authorizer: an Allow for execute-api:Invoke, and no Deny. */
export function authorizerOutcome(result: unknown): AuthorizerOutcome {
  const policy = result as Partial<APIGatewayAuthorizerResult> | undefined;
  const statements = policy?.policyDocument?.Statement;
  if (!policy?.principalId || !Array.isArray(statements)) return { allowed: false, statusCode: 500 };
  const covers = (statement: (typeof statements)[number]) => {
    const actions = 'Action' in statement ? [statement.Action].flat() : [];
    return actions.some((action) => action === 'execute-api:Invoke' || action === 'execute-api:*' || action === '*');
  };
  if (statements.some((statement) => statement.Effect === 'Deny' && covers(statement))) return { allowed: false, statusCode: 403 };
  if (!statements.some((statement) => statement.Effect === 'Allow' && covers(statement))) return { allowed: false, statusCode: 403 };
  return { allowed: true, context: { ...(policy.context ?? {}), principalId: policy.principalId } };
}
