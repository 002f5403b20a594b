/**
 * An API Gateway WebSocket API whose routes all go to one Lambda function, with a Lambda REQUEST
 * authorizer on `$connect`.
 *
 * Routes: `$connect` (authorized), `$disconnect`, `$default` and the given named routes, selected by
 * `$request.body.action`. One named stage with throttling and JSON access logs. Exposes the client URL
 * (`wss://…/{stage}`), the @connections management URL (`https://…/{stage}`) and a grant for
 * `execute-api:ManageConnections` scoped to this API and stage.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, WebSocketApi, WebSocketAuthorizer, WebSocketAuthorizerType, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IWebSocketRouteAuthorizer, ThrottleSettings , CfnAuthorizer} from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Grant, IRole } from 'aws-cdk-lib/aws-iam';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { IDependable } from 'constructs';
import { acknowledgeWildcardResource } from '../nag';

export interface StratusWebSocketApiProps {
  apiName: string;
  stageName: string;
  /** Handles every route, `$connect` included (after the authorizer allowed it). */
  handler: IFunction;
  /** Lambda REQUEST authorizer of `$connect`. */
  authorizer: IFunction;
  /** Route keys besides `$connect`, `$disconnect` and `$default`. */
  routeKeys: readonly string[];
  /** @default '$request.body.action' */
  routeSelectionExpression?: string;
  /**
   * Request parameters API Gateway requires before it calls the authorizer.
   * @default none: the authorizer is always called, because agents authenticate with a header and
   * browsers (which cannot set WebSocket headers) with a query parameter
   */
  identitySource?: string[];
  /** @default 500 messages/s steady, 1,000 burst */
  throttle?: ThrottleSettings;
  /** @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
  /** Created before the stage: the account setting that lets API Gateway write logs. */
  loggingPrerequisite?: IDependable;
}

/** The fields of one access log line (WebSocket `$context` variables), written as JSON. */
export const WEBSOCKET_ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  connectionId: '$context.connectionId',
  status: '$context.status',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
};

export class StratusWebSocketApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly accessLogGroup: LogGroup;
  /** `wss://{apiId}.execute-api.{region}.amazonaws.com/{stage}` */
  readonly url: string;
  /** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`: the @connections endpoint. */
  readonly managementUrl: string;

  constructor(scope: Construct, id: string, props: StratusWebSocketApiProps) {
    super(scope, id);
    const integration = (name: string) => new WebSocketLambdaIntegration(name, props.handler);
    this.api = new WebSocketApi(this, 'Api', {
      apiName: props.apiName,
      description: 'Stratus WebSocket API: agents and live clients',
      routeSelectionExpression: props.routeSelectionExpression ?? '$request.body.action',
      connectRouteOptions: { integration: integration('ConnectIntegration'), authorizer: this.connectAuthorizer(props) },
      disconnectRouteOptions: { integration: integration('DisconnectIntegration') },
      defaultRouteOptions: { integration: integration('DefaultIntegration') },
    });
    const openRoutes = [
      this.api.node.findChild('$disconnect-Route'),
      this.api.node.findChild('$default-Route'),
      ...props.routeKeys.map((routeKey) => this.api.addRoute(routeKey, { integration: integration(`${routeKey}Integration`) })),
    ];
    for (const route of openRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'A WebSocket API authorizes once, on $connect (the Lambda REQUEST authorizer); API Gateway accepts no authorizer on ' +
          '$disconnect, $default or message routes, which only ever see connections $connect allowed.',
      });
    }
    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 500, burstLimit: 1000 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(WEBSOCKET_ACCESS_LOG_FIELDS)),
      },
    });
    if (props.loggingPrerequisite) this.stage.node.addDependency(props.loggingPrerequisite);
    this.url = this.stage.url;
    this.managementUrl = this.stage.callbackUrl;
  }

  /** Post to, get and delete connections of this API's stage (nothing else). */
  grantManageConnections(role: IRole): Grant {
    const grant = this.stage.grantManagementApiAccess(role);
    const connections = `${Stack.of(this).formatArn({ service: 'execute-api', resource: this.api.apiId })}/${this.stage.stageName}/*/@connections/*`;
    acknowledgeWildcardResource(
      role,
      connections,
      'Connection ids are assigned by API Gateway at run time; the grant is limited to the @connections paths of this API and stage.',
    );
    return grant;
  }

  /**
   * The `$connect` authorizer. Built from the L2 authorizer resource (not WebSocketLambdaAuthorizer)
   * so that no identity source is required when none is given.
   */
  private connectAuthorizer(props: StratusWebSocketApiProps): IWebSocketRouteAuthorizer {
    return {
      bind: (options) => {
        const authorizer = new WebSocketAuthorizer(this, 'ConnectAuthorizer', {
          webSocketApi: options.route.webSocketApi,
          type: WebSocketAuthorizerType.LAMBDA,
          authorizerName: 'connect',
          identitySource: props.identitySource ?? [],
          authorizerUri: `arn:${options.route.stack.partition}:apigateway:${options.route.stack.region}:lambda:path/2015-03-31/functions/${props.authorizer.functionArn}/invocations`,
        });
        if (!props.identitySource?.length) {
          (authorizer.node.defaultChild as CfnAuthorizer).addPropertyDeletionOverride('IdentitySource');
        }
        props.authorizer.addPermission('ConnectAuthorizerInvoke', {
          principal: new ServicePrincipal('apigateway.amazonaws.com'),
          sourceArn: options.route.stack.formatArn({
            service: 'execute-api',
            resource: options.route.webSocketApi.apiId,
            resourceName: `authorizers/${authorizer.authorizerId}`,
          }),
        });
        return { authorizerId: authorizer.authorizerId, authorizationType: 'CUSTOM' };
      },
    };
  }
}
