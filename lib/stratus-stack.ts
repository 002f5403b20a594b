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
import { Construct } from 'constructs';
import { BUCKETS, ENV, FUNCTIONS, QUEUES, WEBSOCKET_ROUTES, WEBSOCKET_ROUTE_SELECTION, deadLetterName, physicalName } from '../src/config/resources';
import type { BucketId, FunctionDefinition, FunctionId, QueueId } from '../src/config/resources';
import { AccessLogBucket } from './constructs/access-log-bucket';
import { ApiGatewayCloudWatchRole } from './constructs/api-gateway-cloudwatch-role';
import { StratusDashboard } from './constructs/dashboard';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { EventsDomain } from './constructs/events-domain';
import { grantFunctionAccess } from './constructs/function-access';
import type { AccessTargets } from './constructs/function-access';
import { RootHttpApi } from './constructs/http-api';
import { ManagerSecrets } from './constructs/manager-secrets';
import { ModelTables } from './constructs/model-tables';
import { QueueWithDlq } from './constructs/queue-with-dlq';
import { SecureBucket } from './constructs/secure-bucket';
import { StratusFunction } from './constructs/stratus-function';
import { SweeperSchedule } from './constructs/sweeper-schedule';
import { StratusWebSocketApi } from './constructs/websocket-api';
import { AgentPackage, acknowledgeBucketDeploymentProvider } from './constructs/agent-package';
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
  /** The agent bundle, published to the agentPackages bucket on every deploy. */
  readonly agentPackage: AgentPackage;
  readonly tables: ModelTables;
  readonly httpApi: RootHttpApi;
  readonly webSocketApi: StratusWebSocketApi;
  readonly events: EventsDomain;
  readonly secrets: ManagerSecrets;
  /** Dead-letter queues of the scheduled (asynchronously invoked) functions. */
  readonly scheduledDeadLetters: Partial<Record<FunctionId, DeadLetterQueue>>;
  private readonly alarmAction?: IAlarmAction;

  constructor(scope: Construct, id: string, props: StratusStackProps) {
    super(scope, id, props);
    this.settings = props.settings;
    const { stage, removalPolicy, logRetention, openSearchSize } = this.settings;
    if (this.settings.alarmTopicArn) this.alarmAction = new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', this.settings.alarmTopicArn));

    // Data.
    this.tables = new ModelTables(this, 'Tables', { stage, removalPolicy });
    this.queues = this.buildQueues();
    this.buckets = this.buildBuckets();
    this.agentPackage = new AgentPackage(this, 'AgentPackage', { bucket: this.buckets.agentPackages.bucket });
    this.secrets = new ManagerSecrets(this, 'Secrets', { stage, removalPolicy });
    this.events = new EventsDomain(this, 'Events', { domainName: physicalName(stage, 'events'), size: openSearchSize, logRetention, removalPolicy });

    // Compute and APIs.
    this.scheduledDeadLetters = this.buildScheduledDeadLetters();
    this.functions = this.buildFunctions(props.projectRoot ?? PROJECT_ROOT);
    this.httpApi = new RootHttpApi(this, 'HttpApi', {
      apiName: physicalName(stage, 'rest'),
      handler: this.functions.httpApi.function,
      corsAllowedOrigins: this.settings.corsAllowedOrigins,
      logRetention,
      removalPolicy,
    });
    this.webSocketApi = this.buildWebSocketApi();

    // Wiring: least-privilege grants and environment, queue event sources, schedules.
    this.grantAccess();
    this.connectQueues();
    this.scheduleFunctions();
    this.acknowledgeSynchronousInvocation();

    acknowledgeBucketDeploymentProvider(this, this.buckets.agentPackages.bucket);
    this.outputs(this.buildDashboard());
  }

  private buildQueues(): Record<QueueId, QueueWithDlq> {
    const { stage, removalPolicy } = this.settings;
    const scope = new Construct(this, 'Queues');
    return mapRecord(
      QUEUES,
      (def) =>
        new QueueWithDlq(scope, def.id, {
          queueName: physicalName(stage, def.id),
          deadLetterQueueName: deadLetterName(stage, def.id),
          maxReceiveCount: def.maxReceiveCount,
          visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
          retentionPeriod: Duration.seconds(def.retentionSeconds),
          removalPolicy,
          alarmAction: this.alarmAction,
        }),
    );
  }

  private buildBuckets(): Record<BucketId, SecureBucket> {
    const { removalPolicy, corsAllowedOrigins } = this.settings;
    const scope = new Construct(this, 'Buckets');
    const accessLogs = new AccessLogBucket(scope, 'AccessLogs', { removalPolicy });
    return mapRecord(
      BUCKETS,
      (def, bucketId) =>
        new SecureBucket(scope, def.id, {
          accessLogsBucket: accessLogs.bucket,
          accessLogsPrefix: `${def.id}/`,
          noncurrentVersionExpiration: Duration.days(def.noncurrentVersionExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(def.abortIncompleteMultipartUploadDays),
          expiringPrefixes: ('expiringPrefixes' in def ? def.expiringPrefixes : []).map(({ prefix, days }) => ({ prefix, expiration: Duration.days(days) })),
          // Blueprint archives and resources are uploaded from browsers through presigned URLs.
          browserUploadOrigins: bucketId === 'resources' ? corsAllowedOrigins : undefined,
          removalPolicy,
        }),
    );
  }

  /** Scheduled functions are invoked asynchronously: their failed runs go to a dead-letter queue. */
  private buildScheduledDeadLetters(): Partial<Record<FunctionId, DeadLetterQueue>> {
    const { stage, removalPolicy } = this.settings;
    const scheduled = (Object.values(FUNCTIONS) as FunctionDefinition[]).filter((def) => def.scheduleMinutes !== undefined);
    return Object.fromEntries(
      scheduled.map((def) => [
        def.id,
        new DeadLetterQueue(this, `${def.id}DeadLetter`, {
          queueName: deadLetterName(stage, kebab(def.id)),
          failuresOf: `scheduled runs of ${def.id}`,
          removalPolicy,
          alarmAction: this.alarmAction,
        }),
      ]),
    );
  }

  private buildFunctions(projectRoot: string): Record<FunctionId, StratusFunction> {
    const { stage, logRetention, removalPolicy } = this.settings;
    const scope = new Construct(this, 'Functions');
    return mapRecord(FUNCTIONS, (def: FunctionDefinition) => {
      const deadLetterQueue = this.scheduledDeadLetters[def.id]?.queue;
      return new StratusFunction(scope, def.id, {
        definition: def,
        functionName: physicalName(stage, kebab(def.id)),
        projectRoot,
        metricsNamespace: METRICS_NAMESPACE,
        logRetention,
        removalPolicy,
        environment: { [ENV.stage]: stage },
        functionOverrides: deadLetterQueue ? { deadLetterQueue } : undefined,
      });
    });
  }

  private buildWebSocketApi(): StratusWebSocketApi {
    const { stage, logRetention, removalPolicy } = this.settings;
    const apiGatewayLogging = new ApiGatewayCloudWatchRole(this, 'ApiGatewayLogging');
    return new StratusWebSocketApi(this, 'WebSocketApi', {
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
  }

  /** Each function gets exactly its FUNCTIONS `access`, and the public URLs of the manager. */
  private grantAccess(): void {
    const targets: AccessTargets = {
      tables: this.tables.tables,
      queues: mapRecord(this.queues, (q) => q.queue),
      buckets: mapRecord(this.buckets, (b) => b.bucket),
      webSocket: this.webSocketApi,
      openSearch: { domain: this.events.domain, endpointUrl: this.events.endpointUrl, grant: (role, access) => this.events.grant(role, access) },
      secretsKey: this.secrets.key,
      adminSecret: this.secrets.adminSecret,
    };
    for (const def of Object.values(FUNCTIONS) as FunctionDefinition[]) {
      const fn = this.functions[def.id];
      grantFunctionAccess(fn, def.access, targets);
      fn.addEnvironment(ENV.restUrl, this.httpApi.url);
      fn.addEnvironment(ENV.wsUrl, this.webSocketApi.url);
    }
  }

  private connectQueues(): void {
    for (const def of Object.values(QUEUES)) {
      const consumer = this.functions[def.consumer].function;
      consumer.addEventSource(
        new SqsEventSource(this.queues[def.id].queue, {
          batchSize: def.batchSize,
          maxBatchingWindow: def.maxBatchingWindowSeconds > 0 ? Duration.seconds(def.maxBatchingWindowSeconds) : undefined,
          reportBatchItemFailures: true,
        }),
      );
      Validations.of(consumer).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          "SQS event source mappings support no on-failure destination; failed messages are redriven to the queue's own " +
          'dead-letter queue after maxReceiveCount receives, and that DLQ has an alarm.',
      });
    }
  }

  private scheduleFunctions(): void {
    for (const [functionId, dlq] of Object.entries(this.scheduledDeadLetters) as [FunctionId, DeadLetterQueue][]) {
      new SweeperSchedule(this, `${functionId}Schedule`, {
        handler: this.functions[functionId].function,
        everyMinutes: (FUNCTIONS[functionId] as FunctionDefinition).scheduleMinutes!,
        deadLetterQueue: dlq.queue,
        ruleName: physicalName(this.settings.stage, `${kebab(functionId)}-schedule`),
      });
    }
  }

  /** Functions not invoked asynchronously have no use for a Lambda dead-letter queue: say why, per trigger. */
  private acknowledgeSynchronousInvocation(): void {
    const consumers = new Set<FunctionId>(Object.values(QUEUES).map((q) => q.consumer));
    for (const def of Object.values(FUNCTIONS) as FunctionDefinition[]) {
      if (this.scheduledDeadLetters[def.id]) continue;
      const trigger = consumers.has(def.id)
        ? "by an SQS event source mapping; failed messages go to the source queue's dead-letter queue"
        : 'synchronously by API Gateway, which returns the error to the caller';
      Validations.of(this.functions[def.id].function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: `A Lambda dead-letter queue only receives failed asynchronous invocations; ${def.id} is invoked ${trigger}.`,
      });
    }
  }

  private buildDashboard(): StratusDashboard {
    const scheduled = Object.entries(this.scheduledDeadLetters) as [FunctionId, DeadLetterQueue][];
    const queueIds = Object.keys(QUEUES) as QueueId[];
    const alarms: IAlarm[] = [...queueIds.map((q) => this.queues[q].deadLetterAlarm), ...scheduled.map(([, dlq]) => dlq.alarm)];
    return new StratusDashboard(this, 'Dashboard', {
      dashboardName: physicalName(this.settings.stage, 'operations'),
      httpApi: this.httpApi.api,
      webSocket: { apiId: this.webSocketApi.api.apiId, stageName: this.settings.stage },
      functions: (Object.keys(FUNCTIONS) as FunctionId[]).map((fid) => ({ label: fid, fn: this.functions[fid].function })),
      queues: queueIds.map((qid) => ({ label: qid, queue: this.queues[qid].queue })),
      deadLetterQueues: [
        ...queueIds.map((qid) => ({ label: `${qid} DLQ`, queue: this.queues[qid].deadLetterQueue })),
        ...scheduled.map(([fid, dlq]) => ({ label: `${fid} (scheduled runs)`, queue: dlq.queue })),
      ],
      alarms,
    });
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
