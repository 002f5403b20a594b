/**
 * The HTTP API (REST at the root path), the WebSocket API, the stack outputs and the dashboard.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { HTTP_ACCESS_LOG_FIELDS } from '../../lib/constructs/http-api';
import { WEBSOCKET_ACCESS_LOG_FIELDS } from '../../lib/constructs/websocket-api';
import { FUNCTIONS, QUEUES, WEBSOCKET_ROUTES, WEBSOCKET_ROUTE_SELECTION } from '../../src/config/resources';
import type { FunctionId } from '../../src/config/resources';
import type { Json, Synthesized } from './support/synth';
import { logicalIdOf, referencedIds, synthStratus } from './support/synth';

let synth: Synthesized;
beforeAll(() => {
  synth = synthStratus();
});

const resources = (type: string): [string, Json][] => Object.entries(synth.json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
const fnId = (id: FunctionId) => logicalIdOf(synth.stack, synth.stack.functions[id].function);
const apiId = (protocol: 'HTTP' | 'WEBSOCKET') => resources('AWS::ApiGatewayV2::Api').find(([, a]) => a.Properties.ProtocolType === protocol)![0];
const routesOf = (api: string) => resources('AWS::ApiGatewayV2::Route').filter(([, r]) => referencedIds(r.Properties.ApiId).has(api));
const integrationTarget = (route: Json): string => {
  const integrationId = [...referencedIds(route.Properties.Target)][0];
  const integration = synth.json.Resources[integrationId];
  const targets = [...referencedIds(integration.Properties.IntegrationUri)].filter((id) => !id.startsWith('AWS::'));
  expect(targets).toHaveLength(1);
  return targets[0];
};

describe('HTTP API (Cloudify REST API v3.1)', () => {
  it('serves ANY / and ANY /{proxy+} from the httpApi function with payload format 2.0, and nothing else', () => {
    const routes = routesOf(apiId('HTTP'));
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(['ANY /', 'ANY /{proxy+}']);
    for (const [, route] of routes) {
      expect(integrationTarget(route)).toBe(fnId('httpApi'));
      const integration = synth.json.Resources[[...referencedIds(route.Properties.Target)][0]];
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    }
  });

  it('is served at the root by the $default stage, auto-deployed, throttled, with JSON access logs', () => {
    const stages = resources('AWS::ApiGatewayV2::Stage').filter(([, s]) => referencedIds(s.Properties.ApiId).has(apiId('HTTP')));
    expect(stages).toHaveLength(1);
    const stage = stages[0][1].Properties;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
    expect(JSON.parse(stage.AccessLogSettings.Format)).toEqual(HTTP_ACCESS_LOG_FIELDS);
    const logGroup = synth.json.Resources[[...referencedIds(stage.AccessLogSettings.DestinationArn)][0]];
    expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
  });

  it('answers CORS preflights for Cloudify headers', () => {
    const api = synth.json.Resources[apiId('HTTP')].Properties;
    expect(api.CorsConfiguration).toMatchObject({
      AllowOrigins: ['*'],
      AllowMethods: ['*'],
      AllowHeaders: expect.arrayContaining(['Authorization', 'Content-Type', 'Tenant', 'Authentication-Token']),
    });
  });

  it('CORS origins follow stratus:corsAllowedOrigins (API and resources bucket)', () => {
    const origins = ['https://console.example.com'];
    const restricted = synthStratus({ context: { 'stratus:corsAllowedOrigins': origins } });
    restricted.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', CorsConfiguration: { AllowOrigins: origins } });
    restricted.template.hasResourceProperties('AWS::S3::Bucket', { CorsConfiguration: { CorsRules: [{ AllowedOrigins: origins }] } });
  });

  it('only this API may invoke the httpApi function', () => {
    const permissions = resources('AWS::Lambda::Permission').filter(([, p]) => referencedIds(p.Properties.FunctionName).has(fnId('httpApi')));
    expect(permissions.length).toBeGreaterThan(0);
    for (const [, permission] of permissions) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(referencedIds(permission.Properties.SourceArn)).toContain(apiId('HTTP'));
    }
  });
});

describe('WebSocket API (agents and live clients)', () => {
  it('selects routes by $request.body.action and has exactly the routes of WEBSOCKET_ROUTES, all to the websocket function', () => {
    const api = apiId('WEBSOCKET');
    expect(synth.json.Resources[api].Properties.RouteSelectionExpression).toBe(WEBSOCKET_ROUTE_SELECTION);
    const routes = routesOf(api);
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual([...WEBSOCKET_ROUTES].sort());
    for (const [, route] of routes) expect(integrationTarget(route)).toBe(fnId('websocket'));
  });

  it('authorizes $connect with the wsAuthorizer function (REQUEST type, no required identity source); no other route has an authorizer', () => {
    const [authorizerId, authorizer] = resources('AWS::ApiGatewayV2::Authorizer')[0];
    expect(resources('AWS::ApiGatewayV2::Authorizer')).toHaveLength(1);
    expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'REQUEST' });
    // Agents send a header, browsers a query parameter: API Gateway must not pre-filter on either.
    expect(authorizer.Properties.IdentitySource).toBeUndefined();
    expect(referencedIds(authorizer.Properties.AuthorizerUri)).toContain(fnId('wsAuthorizer'));
    for (const [, route] of routesOf(apiId('WEBSOCKET'))) {
      if (route.Properties.RouteKey === '$connect') {
        expect(route.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
      } else {
        expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
      }
    }
    synth.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [fnId('wsAuthorizer'), 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('has one stage named after stratus:stage, throttled, with JSON access logs once the account logging role is set', () => {
    const stages = resources('AWS::ApiGatewayV2::Stage').filter(([, s]) => referencedIds(s.Properties.ApiId).has(apiId('WEBSOCKET')));
    expect(stages).toHaveLength(1);
    const [, stage] = stages[0];
    expect(stage.Properties).toMatchObject({
      StageName: 'dev',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toEqual(WEBSOCKET_ACCESS_LOG_FIELDS);
    const [accountId, account] = resources('AWS::ApiGateway::Account')[0];
    expect(stage.DependsOn).toContain(accountId);
    const role = synth.json.Resources[[...referencedIds(account.Properties.CloudWatchRoleArn)][0]];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'apigateway.amazonaws.com' });
    // Shared by every REST/WebSocket API of the account: never deleted with this stack.
    expect(account.DeletionPolicy).toBe('Retain');
    expect(role.DeletionPolicy).toBe('Retain');
  });
});

describe('outputs', () => {
  it('give the REST URL, the WebSocket URLs, and the names operators need', () => {
    const outputs = synth.json.Outputs as Record<string, Json>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'RestUrl',
        'WebSocketUrl',
        'WebSocketManagementUrl',
        'ResourcesBucketName',
        'AgentPackagesBucketName',
        'ModelTableName',
        'OperationsTableName',
        'ConnectionsTableName',
        'OpenSearchEndpoint',
        'AdminSecretArn',
        'DashboardName',
      ]),
    );
    const rest = outputs.RestUrl.Value['Fn::Join'][1];
    expect(rest[0]).toBe('https://');
    expect(rest[1]).toEqual({ Ref: apiId('HTTP') });
    expect(rest[rest.length - 1]).toBe('/');
    const ws = outputs.WebSocketUrl.Value['Fn::Join'][1];
    expect(ws[0]).toBe('wss://');
    expect(ws[1]).toEqual({ Ref: apiId('WEBSOCKET') });
    expect(ws[ws.length - 1]).toBe('/dev');
  });
});

describe('dashboard', () => {
  it('charts API latency and errors, every function, every queue and every dead-letter queue, and the DLQ alarms', () => {
    const [, dashboard] = resources('AWS::CloudWatch::Dashboard')[0];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of ['Latency', '4xx', '5xx', 'ConnectCount', 'IntegrationError', 'Errors', 'Throttles', 'ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesVisible']) {
      expect(body).toContain(metric);
    }
    for (const id of Object.keys(FUNCTIONS) as FunctionId[]) expect(referencedIds(dashboard.Properties.DashboardBody)).toContain(fnId(id));
    const queueNames = resources('AWS::SQS::Queue').map(([id]) => id);
    for (const queue of queueNames) expect(referencedIds(dashboard.Properties.DashboardBody)).toContain(queue);
    expect(queueNames).toHaveLength(Object.keys(QUEUES).length * 2 + 1);
    for (const [alarmId] of resources('AWS::CloudWatch::Alarm')) expect(referencedIds(dashboard.Properties.DashboardBody)).toContain(alarmId);
  });
});
