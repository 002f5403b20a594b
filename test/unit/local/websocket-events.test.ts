import { describe, expect, it } from '@jest/globals';
import { authorizerOutcome, buildAuthorizerEvent, buildDisconnectEvent, buildMessageEvent, selectRoute } from '../../../local/websocket-events';
import type { ConnectionInfo } from '../../../local/websocket-events';

const connection: ConnectionInfo = {
  connectionId: 'abc+/=',
  connectedAt: 1700000000000,
  sourceIp: '127.0.0.1',
  userAgent: 'agent/1',
  rawHeaders: ['Host', 'localhost', 'Sec-WebSocket-Key', 'k', 'X-Multi', 'a', 'X-Multi', 'b'],
  rawQueryString: 'token=t&x=1&x=2',
};
const api = { apiId: 'ws1', stage: 'local', region: 'us-east-1', domainName: 'localhost' };
const request = { requestId: 'r1', now: new Date('2024-01-01T00:00:00Z') };

describe('selectRoute', () => {
  const routes = new Set(['heartbeat', 'result']);
  it('routes by the action of a JSON object, else to $default', () => {
    expect(selectRoute('{"action":"heartbeat"}', routes)).toBe('heartbeat');
    expect(selectRoute('{"action":"result","x":1}', routes)).toBe('result');
    expect(selectRoute('{"action":"unknown"}', routes)).toBe('$default');
    expect(selectRoute('{"action":"$connect"}', new Set(['$connect']))).toBe('$default');
    expect(selectRoute('{"action":7}', routes)).toBe('$default');
    expect(selectRoute('[1]', routes)).toBe('$default');
    expect(selectRoute('null', routes)).toBe('$default');
    expect(selectRoute('not json', routes)).toBe('$default');
  });
});

describe('authorizerOutcome', () => {
  const policy = (effect: string, action: string | string[] = 'execute-api:Invoke') => ({
    principalId: 'user:alice',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: action, Effect: effect, Resource: '*' }] },
    context: { subjectId: 'alice' },
  });
  it('allows an Allow policy and adds principalId to the context', () => {
    expect(authorizerOutcome(policy('Allow'))).toEqual({ allowed: true, context: { subjectId: 'alice', principalId: 'user:alice' } });
    expect(authorizerOutcome(policy('Allow', ['execute-api:*'])).allowed).toBe(true);
  });
  it('refuses Deny (403), a policy without Allow (403) and malformed answers (500)', () => {
    expect(authorizerOutcome(policy('Deny'))).toEqual({ allowed: false, statusCode: 403 });
    expect(authorizerOutcome(policy('Allow', 's3:GetObject'))).toEqual({ allowed: false, statusCode: 403 });
    expect(authorizerOutcome({ policyDocument: policy('Allow').policyDocument })).toEqual({ allowed: false, statusCode: 500 });
    expect(authorizerOutcome(undefined)).toEqual({ allowed: false, statusCode: 500 });
  });
});

describe('WebSocket events', () => {
  it('builds the REQUEST authorizer event for $connect', () => {
    const event = buildAuthorizerEvent(connection, api, request) as unknown as Record<string, unknown> & { requestContext: Record<string, unknown> };
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:ws1/local/$connect',
      headers: { Host: 'localhost', 'Sec-WebSocket-Key': 'k', 'X-Multi': 'a,b' },
      multiValueHeaders: { 'X-Multi': ['a', 'b'] },
      queryStringParameters: { token: 't', x: '2' },
      multiValueQueryStringParameters: { token: ['t'], x: ['1', '2'] },
    });
    expect(event.requestContext).toMatchObject({ routeKey: '$connect', eventType: 'CONNECT', connectionId: 'abc+/=', connectedAt: 1700000000000, stage: 'local' });
  });

  it('builds message events with the authorizer context, base64 for binary frames', () => {
    const text = buildMessageEvent(connection, { subjectId: 'alice' }, 'heartbeat', Buffer.from('{"action":"heartbeat"}'), false, api, request);
    expect(text).toMatchObject({ body: '{"action":"heartbeat"}', isBase64Encoded: false, requestContext: { routeKey: 'heartbeat', eventType: 'MESSAGE', messageId: 'r1', authorizer: { subjectId: 'alice' } } });
    const binary = buildMessageEvent(connection, undefined, '$default', Buffer.from([0, 1]), true, api, request);
    expect(binary).toMatchObject({ body: 'AAE=', isBase64Encoded: true });
  });

  it('builds $disconnect with the close code and only a few headers', () => {
    const event = buildDisconnectEvent(connection, undefined, 1001, 'Going away', api, request) as unknown as { headers: Record<string, string>; requestContext: Record<string, unknown> };
    expect(event.requestContext).toMatchObject({ routeKey: '$disconnect', eventType: 'DISCONNECT', disconnectStatusCode: 1001, disconnectReason: 'Going away' });
    expect(event.headers).toEqual({ Host: 'localhost' });
  });
});
