/**
 * The Stratus manager on AWS: one stack composing the constructs of lib/constructs, built from the
 * single resource definition in src/config/resources.ts.
 */
import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { IAlarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUCKETS, ENV, FUNCTIONS, QUEUES, WEBSOCKET_ROUTES, WEBSOCKET_ROUTE_SELECTION, deadLetterName, physicalName } from '../src/config/resources';
import type { BucketId, FunctionDefinition, FunctionId, QueueId } from '../src/config/resources';
import { AccessLogBucket } from './constructs/access-log-bucket';
import { ApiGatewayCloudWatchRole } from './constructs/api-gateway-cloudwatch-role';
import { StratusDashboard } from './constructs/dashboard';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { EventsDomain } from './constructs/events-domain';
import { grantFunctionAccess } from './constructs/function-access';
import { RootHttpApi } from './constructs/http-api';
import { ManagerSecrets } from './constructs/manager-secrets';
import { ModelTables } from './constructs/model-tables';
import { QueueWithDlq } from './constructs/queue-with-dlq';
import { SecureBucket } from './constructs/secure-bucket';
import { StratusFunction } from './constructs/stratus-function';
import { SweeperSchedule } from './constructs/sweeper-schedule';
import { StratusWebSocketApi } from './constructs/websocket-api';
import { PROJECT_ROOT } from './paths';
import type { StratusSettings } from './settings';

/** Powertools metrics namespace; the handlers use the same (lambdas/support/observability.ts). */
export const METRICS_NAMESPACE = 'Stratus';

export interface StratusStackProps extends StackProps {
  settings: StratusSettings;
  /** @default the directory above lib/ */
  projectRoot?: string;
}

const kebab = (id: string) => id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function mapRecord<K extends string, V, R>(record: Record<K, V>, fn: (value: V, key: K) => R): Record<K, R> {
  return Object.fromEntries((Object.entries(record) as [K, V][]).map(([key, value]) => [key, fn(value, key)])) as Record<K, R>;
}

export class StratusStack extends Stack {
  readonly settings: StratusSettings;
  readonly functions: Record<FunctionId, StratusFunction>;
  readonly queues: Record<QueueId, QueueWithDlq>;
  readonly buckets: Record<BucketId, SecureBucket>;
  readonly tables: ModelTables;
  readonly httpApi: RootHttpApi;
  readonly webSocketApi: StratusWebSocketApi;
  readonly events: EventsDomain;
  readonly secrets: ManagerSecrets;

  constructor(scope: Construct, id: string, props: StratusStackProps) {
    super(scope, id, props);
    const settings = (this.settings = props.settings);
    const { stage, removalPolicy, logRetention } = settings;
    const alarmAction: IAlarmAction | undefined = settings.alarmTopicArn
      ? new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn))
      : undefined;

    // Data: tables, queues, buckets, secrets, the events domain.
    this.tables = new ModelTables(this, 'Tables', { stage, removalPolicy });
    const queueScope = new Construct(this, 'Queues');
    this.queues = mapRecord(
      QUEUES,
      (def) =>
        new QueueWithDlq(queueScope, def.id, {
          queueName: physicalName(stage, def.id),
          deadLetterQueueName: deadLetterName(stage, def.id),
          maxReceiveCount: def.maxReceiveCount,
          visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
          retentionPeriod: Duration.seconds(def.retentionSeconds),
          removalPolicy,
          alarmAction,
        }),
    );
    const bucketScope = new Construct(this, 'Buckets');
    const accessLogs = new AccessLogBucket(bucketScope, 'AccessLogs', { removalPolicy });
    this.buckets = mapRecord(
      BUCKETS,
      (def, bucketId) =>
        new SecureBucket(bucketScope, def.id, {
          accessLogsBucket: accessLogs.bucket,
          accessLogsPrefix: `${def.id}/`,
          noncurrentVersionExpiration: Duration.days(def.noncurrentVersionExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(def.abortIncompleteMultipartUploadDays),
          // Blueprint archives and resources are uploaded from browsers through presigned URLs.
          browserUploadOrigins: bucketId === 'resources' ? settings.corsAllowedOrigins : undefined,
          removalPolicy,
        }),
    );
    this.secrets = new ManagerSecrets(this, 'Secrets', { stage, removalPolicy });
    this.events = new EventsDomain(this, 'Events', {
      domainName: physicalName(stage, 'events'),
      size: settings.openSearchSize,
      logRetention,
      removalPolicy,
    });

    // Functions. Scheduled ones are invoked asynchronously: their failures go to a dead-letter queue.
    const scheduledDlqs: { def: FunctionDefinition; dlq: DeadLetterQueue }[] = [];
    const functionScope = new Construct(this, 'Functions');
    this.functions = mapRecord(FUNCTIONS, (def: FunctionDefinition) => {
      let deadLetterQueue: IQueue | undefined;
      if (def.scheduleMinutes !== undefined) {
        const dlq = new DeadLetterQueue(functionScope, `${def.id}DeadLetter`, {
          queueName: deadLetterName(stage, kebab(def.id)),
          failuresOf: `scheduled runs of ${def.id}`,
          removalPolicy,
          alarmAction,
        });
        scheduledDlqs.push({ def, dlq });
        deadLetterQueue = dlq.queue;
      }
      return new StratusFunction(functionScope, def.id, {
        definition: def,
        functionName: physicalName(stage, kebab(def.id)),
        projectRoot: props.projectRoot ?? PROJECT_ROOT,
        metricsNamespace: METRICS_NAMESPACE,
        logRetention,
        removalPolicy,
        environment: { [ENV.stage]: stage },
        functionOverrides: deadLetterQueue ? { deadLetterQueue } : undefined,
      });
    });

    // APIs.
    this.httpApi = new RootHttpApi(this, 'HttpApi', {
      apiName: physicalName(stage, 'rest'),
      handler: this.functions.httpApi.function,
      corsAllowedOrigins: settings.corsAllowedOrigins,
      logRetention,
      removalPolicy,
    });
    const apiGatewayLogging = new ApiGatewayCloudWatchRole(this, 'ApiGatewayLogging');
    this.webSocketApi = new StratusWebSocketApi(this, 'WebSocketApi', {
      apiName: physicalName(stage, 'websocket'),
      stageName: stage,
      handler: this.functions.websocket.function,
      authorizer: this.functions.wsAuthorizer.function,
      routeKeys: WEBSOCKET_ROUTES.filter((key) => !key.startsWith('$')),
      routeSelectionExpression: WEBSOCKET_ROUTE_SELECTION,
      logRetention,
      removalPolicy,
      loggingPrerequisite: apiGatewayLogging.account,
    });

    // Least-privilege grants, environment, triggers.
    const targets = {
      tables: this.tables.tables,
      queues: mapRecord(this.queues, (q) => q.queue),
      buckets: mapRecord(this.buckets, (b) => b.bucket),
      webSocket: this.webSocketApi,
      openSearch: { domain: this.events.domain, endpointUrl: this.events.endpointUrl, grant: this.events.grant.bind(this.events) },
      secretsKey: this.secrets.key,
      adminSecret: this.secrets.adminSecret,
    };
    for (const def of Object.values(FUNCTIONS) as FunctionDefinition[]) {
      const fn = this.functions[def.id];
      grantFunctionAccess(fn, def.access, targets);
      fn.addEnvironment(ENV.restUrl, this.httpApi.url);
      fn.addEnvironment(ENV.wsUrl, this.webSocketApi.url);
    }
    this.acknowledgeSynchronousInvocation();
    for (const def of Object.values(QUEUES)) {
      const consumer = this.functions[def.consumer].function;
      Validations.of(consumer).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'SQS event source mappings support no on-failure destination; failed messages are redriven to the queue\'s own ' +
          'dead-letter queue after maxReceiveCount receives, and that DLQ has an alarm.',
      });
      consumer.addEventSource(
        new SqsEventSource(this.queues[def.id].queue, {
          batchSize: def.batchSize,
          maxBatchingWindow: def.maxBatchingWindowSeconds > 0 ? Duration.seconds(def.maxBatchingWindowSeconds) : undefined,
          reportBatchItemFailures: true,
        }),
      );
    }
    for (const { def, dlq } of scheduledDlqs) {
      new SweeperSchedule(this, `${def.id}Schedule`, {
        handler: this.functions[def.id].function,
        everyMinutes: def.scheduleMinutes!,
        deadLetterQueue: dlq.queue,
        ruleName: physicalName(stage, `${kebab(def.id)}-schedule`),
      });
    }

    // Observability.
    const alarms: IAlarm[] = [...Object.values(this.queues).map((q) => q.deadLetterAlarm), ...scheduledDlqs.map((d) => d.dlq.alarm)];
    const dashboard = new StratusDashboard(this, 'Dashboard', {
      dashboardName: physicalName(stage, 'operations'),
      httpApi: this.httpApi.api,
      webSocket: { apiId: this.webSocketApi.api.apiId, stageName: stage },
      functions: (Object.keys(FUNCTIONS) as FunctionId[]).map((fid) => ({ label: fid, fn: this.functions[fid].function })),
      queues: (Object.keys(QUEUES) as QueueId[]).map((qid) => ({ label: qid, queue: this.queues[qid].queue })),
      deadLetterQueues: [
        ...(Object.keys(QUEUES) as QueueId[]).map((qid) => ({ label: `${qid} DLQ`, queue: this.queues[qid].deadLetterQueue })),
        ...scheduledDlqs.map((d) => ({ label: `${d.def.id} (scheduled runs)`, queue: d.dlq.queue })),
      ],
      alarms,
    });

    this.outputs(dashboard);
  }

  /** Functions not invoked asynchronously have no use for a Lambda dead-letter queue: say why, per trigger. */
  private acknowledgeSynchronousInvocation(): void {
    const consumers = new Set<FunctionId>(Object.values(QUEUES).map((q) => q.consumer));
    for (const def of Object.values(FUNCTIONS) as FunctionDefinition[]) {
      if (def.scheduleMinutes !== undefined) continue;
      const trigger = consumers.has(def.id)
        ? 'by an SQS event source mapping; failed messages go to the source queue\'s dead-letter queue'
        : 'synchronously by API Gateway, which returns the error to the caller';
      Validations.of(this.functions[def.id].function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: `A Lambda dead-letter queue only receives failed asynchronous invocations; ${def.id} is invoked ${trigger}.`,
      });
    }
  }

  private outputs(dashboard: StratusDashboard): void {
    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('RestUrl', this.httpApi.url, 'REST API (Cloudify REST API v3.1) base URL, for cfy and the stratus CLI');
    out('WebSocketUrl', this.webSocketApi.url, 'WebSocket URL for agents and live clients');
    out('WebSocketManagementUrl', this.webSocketApi.managementUrl, 'WebSocket @connections management endpoint');
    out('ResourcesBucketName', this.buckets.resources.bucket.bucketName, 'Bucket of blueprint archives and resources');
    out('AgentPackagesBucketName', this.buckets.agentPackages.bucket.bucketName, 'Bucket of agent packages');
    for (const [tableId, table] of Object.entries(this.tables.tables)) {
      out(`${tableId[0].toUpperCase()}${tableId.slice(1)}TableName`, table.tableName, `DynamoDB ${tableId} table`);
    }
    out('OpenSearchEndpoint', this.events.endpointUrl, 'OpenSearch domain endpoint (events and logs)');
    out('AdminSecretArn', this.secrets.adminSecret.secretArn, 'Secrets Manager secret with the initial admin credentials');
    out('DashboardName', dashboard.dashboard.dashboardName, 'CloudWatch dashboard');
  }
}
