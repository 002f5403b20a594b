/**
 * An API Gateway HTTP API that sends every request, at the root path, to one Lambda function.
 *
 * Cloudify's REST clients (cfy, the Python client) cannot add a path prefix, so the API is served by
 * the `$default` stage (no stage segment in the URL) with `ANY /` and `ANY /{proxy+}` routed to the
 * handler (payload format 2.0). Defaults: CORS for the given origins, stage-wide throttling, JSON
 * access logs into a log group with retention.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface RootHttpApiProps {
  apiName: string;
  handler: IFunction;
  /** @default ['*'] */
  corsAllowedOrigins?: string[];
  /** @default 100 requests/s steady, 200 burst (10x a Cloudify manager's rated load) */
  throttle?: ThrottleSettings;
  /** @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
}

/** Request headers Cloudify clients send (`Tenant`, `Authentication-Token`) next to the usual ones. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Tenant', 'Authentication-Token', 'X-Amz-Date', 'X-Amz-Security-Token'];

/** The fields of one access log line (HTTP API `$context` variables), written as JSON. */
export const HTTP_ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  userAgent: '$context.identity.userAgent',
};

export class RootHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogGroup: LogGroup;
  /** `https://{apiId}.execute-api.{region}.amazonaws.com/` */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RootHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'Stratus REST API (Cloudify REST API v3.1), served at the root path',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.corsAllowedOrigins ?? ['*'],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: CORS_ALLOWED_HEADERS,
        exposeHeaders: ['Content-Disposition', 'ETag'],
        maxAge: Duration.hours(1),
      },
    });
    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(HTTP_ACCESS_LOG_FIELDS)),
      },
    });
    const integration = new HttpLambdaIntegration('Handler', props.handler);
    const routes = [
      ...this.api.addRoutes({ path: '/', methods: [HttpMethod.ANY], integration }),
      ...this.api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration }),
    ];
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Cloudify clients authenticate with HTTP Basic credentials or an Authentication-Token header and a Tenant header; ' +
          'the handler verifies them against the model table with tenant-aware roles, which an API Gateway authorizer cannot express.',
      });
    }
    this.url = this.stage.url;
  }
}
