/**
 * The one definition of Stratus's resources: tables, queues, buckets, functions and WebSocket routes.
 *
 * The CDK stacks (lib/) and the local runtime (local/) both build what they provision from these
 * objects, so a table's keys or a queue's redrive policy cannot drift between AWS and `npm start`.
 * Plain data only: no AWS SDK or CDK import may appear here.
 */

export type FunctionId =
  | 'httpApi'
  | 'wsAuthorizer'
  | 'websocket'
  | 'workflowWorker'
  | 'taskWorker'
  | 'eventIndexer'
  | 'sweeper';

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export interface TableDefinition {
  /** Short id: used in physical names (`stratus-<stage>-<id>`) and in construct ids. */
  id: string;
  /** Environment variable through which handlers receive the physical table name. */
  envVar: string;
  partitionKey: string;
  sortKey?: string;
  /** Global secondary indexes; every key attribute is a string. */
  indexes: IndexDefinition[];
  /** Epoch-seconds attribute that DynamoDB's TTL deletes on. */
  ttlAttribute?: string;
}

export interface QueueDefinition {
  id: string;
  /** Environment variable through which producers receive the queue URL. */
  envVar: string;
  /** The function that consumes the queue (a Lambda event source in AWS, a poller locally). */
  consumer: FunctionId;
  /** Must be at least 6x the consumer's timeout (AWS guidance for SQS event sources). */
  visibilityTimeoutSeconds: number;
  /** Receives before a message is moved to the queue's dead-letter queue. */
  maxReceiveCount: number;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** How long undelivered messages are kept (the DLQ keeps them 14 days). */
  retentionSeconds: number;
}

export interface BucketDefinition {
  id: string;
  envVar: string;
  /** Days after which noncurrent object versions and unfinished multipart uploads are removed. */
  noncurrentVersionExpirationDays: number;
  abortIncompleteMultipartUploadDays: number;
  /** Key prefixes whose objects expire after some days (e.g. abandoned staged uploads). */
  expiringPrefixes?: { prefix: string; days: number }[];
}

export type TableId = 'model' | 'operations' | 'connections';
export type QueueId = 'workflow' | 'tasks' | 'events';
export type BucketId = 'resources' | 'agentPackages' | 'agentMessages';
export type Access = 'read' | 'readWrite';

/**
 * What a function may touch. The CDK grants exactly this (least privilege) and sets the matching
 * environment variables; nothing else is reachable from the function.
 */
export interface FunctionAccess {
  tables?: Partial<Record<TableId, Access>>;
  /** Queues the function sends to (consuming its own queue is granted by the event source). */
  sendsTo?: QueueId[];
  buckets?: Partial<Record<BucketId, Access>>;
  /** Post to / get / delete WebSocket connections through the @connections management API. */
  manageConnections?: boolean;
  openSearch?: Access;
  /** Encrypt/decrypt secrets with the KMS key (`decrypt` for readers only). */
  secretsKey?: 'decrypt' | 'encryptDecrypt';
  /** Read the initial admin password secret. */
  adminSecret?: boolean;
  /**
   * Put wake-up items into the operations table, and nothing else there: PutItem only, partition
   * keys starting with OPERATION_WAKE_PREFIX, the wake item's attributes only (OPERATION_WAKE_ATTRIBUTES).
   * The REST API's re-send wake of each execution it starts (docs/engine.md, "At-least-once safety").
   */
  operationWakes?: boolean;
}

/** Partition-key prefix of the operations table's wake-up items (`W#<tenant>#<execution>`, sort key `W`). */
export const OPERATION_WAKE_PREFIX = 'W#';
/** The attributes of a wake-up item: its key and its place in the DUE index. */
export const OPERATION_WAKE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

export interface FunctionDefinition {
  id: FunctionId;
  access: FunctionAccess;
  /** Entry file relative to the project root; it exports `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** EventBridge schedule (AWS) / timer (local), for scheduled functions. */
  scheduleMinutes?: number;
}

export const TABLES = {
  /**
   * The model store: tenants, users, tokens, blueprints, deployments, nodes, node instances,
   * executions, secrets, plugins, agents. Single-table design; docs/data-model.md has the access
   * patterns behind every key and index.
   */
  model: {
    id: 'model',
    envVar: 'STRATUS_MODEL_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    ],
    ttlAttribute: 'expiresAt',
  },
  /** The persisted operation graphs of executions (hot write path, kept apart from the model). */
  operations: {
    id: 'operations',
    envVar: 'STRATUS_OPERATIONS_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    ttlAttribute: 'expiresAt',
  },
  /** Live WebSocket connections (agents and subscribed clients); TTL cleans up lost ones. */
  connections: {
    id: 'connections',
    envVar: 'STRATUS_CONNECTIONS_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<TableId, TableDefinition>;

export const FUNCTIONS = {
  httpApi: {
    id: 'httpApi',
    access: {
      tables: { model: 'readWrite', operations: 'read', connections: 'read' },
      // Each execution it starts gets a wake-up: the sweeper re-sends a start lost before any worker took it.
      operationWakes: true,
      sendsTo: ['workflow', 'events'],
      buckets: { resources: 'readWrite', agentPackages: 'read' },
      openSearch: 'readWrite',
      secretsKey: 'encryptDecrypt',
      adminSecret: true,
      // Revoking an agent credential (DELETE /agents/{id}/credentials) closes its live connection.
      manageConnections: true,
    },
    entry: 'lambdas/http-api.ts',
    description: 'REST API v3.1 (API Gateway HTTP API, payload v2)',
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  wsAuthorizer: {
    id: 'wsAuthorizer',
    access: { tables: { model: 'read' } },
    entry: 'lambdas/ws-authorizer.ts',
    description: 'Authorizes WebSocket $connect (agent credential or user token)',
    memoryMb: 256,
    timeoutSeconds: 10,
  },
  websocket: {
    id: 'websocket',
    access: {
      tables: { model: 'readWrite', operations: 'readWrite', connections: 'readWrite' },
      sendsTo: ['workflow', 'events'],
      // agentMessages: large agent messages are read (and deleted) here, upload URLs signed for agents.
      buckets: { resources: 'read', agentMessages: 'readWrite' },
      manageConnections: true,
      secretsKey: 'decrypt',
    },
    entry: 'lambdas/websocket.ts',
    description: 'WebSocket routes: $connect, $disconnect, $default and the agent/client routes',
    memoryMb: 512,
    timeoutSeconds: 29,
  },
  workflowWorker: {
    id: 'workflowWorker',
    access: {
      tables: { model: 'readWrite', operations: 'readWrite', connections: 'read' },
      sendsTo: ['workflow', 'tasks', 'events'],
      buckets: { resources: 'read' },
      manageConnections: true,
    },
    entry: 'lambdas/workflow-worker.ts',
    description: 'Builds and advances execution graphs (workflow queue)',
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  taskWorker: {
    id: 'taskWorker',
    access: {
      // connections + manageConnections: host_agent operations are sent to the host's agent from here.
      tables: { model: 'readWrite', operations: 'readWrite', connections: 'read' },
      sendsTo: ['workflow', 'events'],
      // agentMessages: a run message over 128 KB is stored there and sent as a presigned URL.
      buckets: { resources: 'read', agentMessages: 'readWrite' },
      secretsKey: 'decrypt',
      manageConnections: true,
    },
    entry: 'lambdas/task-worker.ts',
    description: 'Runs central operations (tasks queue)',
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  eventIndexer: {
    id: 'eventIndexer',
    access: { tables: { connections: 'readWrite' }, manageConnections: true, openSearch: 'readWrite' },
    entry: 'lambdas/event-indexer.ts',
    description: 'Indexes events and logs in bulk and pushes them to subscribers (events queue)',
    memoryMb: 512,
    timeoutSeconds: 60,
  },
  sweeper: {
    id: 'sweeper',
    access: {
      tables: { model: 'readWrite', operations: 'readWrite', connections: 'readWrite' },
      sendsTo: ['workflow', 'tasks', 'events'],
      manageConnections: true,
    },
    entry: 'lambdas/sweeper.ts',
    description: 'Recovers lost operations, starts queued and scheduled executions',
    memoryMb: 512,
    timeoutSeconds: 120,
    scheduleMinutes: 1,
  },
} as const satisfies Record<FunctionId, FunctionDefinition>;

export const QUEUES = {
  workflow: {
    id: 'workflow',
    envVar: 'STRATUS_WORKFLOW_QUEUE_URL',
    consumer: 'workflowWorker',
    visibilityTimeoutSeconds: 6 * FUNCTIONS.workflowWorker.timeoutSeconds,
    maxReceiveCount: 5,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    retentionSeconds: 4 * 24 * 3600,
  },
  tasks: {
    id: 'tasks',
    envVar: 'STRATUS_TASKS_QUEUE_URL',
    consumer: 'taskWorker',
    visibilityTimeoutSeconds: 6 * FUNCTIONS.taskWorker.timeoutSeconds,
    maxReceiveCount: 5,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    retentionSeconds: 4 * 24 * 3600,
  },
  events: {
    id: 'events',
    envVar: 'STRATUS_EVENTS_QUEUE_URL',
    consumer: 'eventIndexer',
    visibilityTimeoutSeconds: 6 * FUNCTIONS.eventIndexer.timeoutSeconds,
    maxReceiveCount: 5,
    // Live subscribers wait for the indexer: no batching window (over 10 messages per batch AWS
    // requires one). Each message already carries up to 500 events (src/events/pipeline/queue-sink.ts).
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    retentionSeconds: 4 * 24 * 3600,
  },
} as const satisfies Record<QueueId, QueueDefinition>;

/** Dead-letter queues keep failed messages for SQS's maximum retention. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

export const BUCKETS = {
  /** Blueprint archives, extracted blueprint resources, plugin packages, large plans. */
  resources: {
    id: 'resources',
    envVar: 'STRATUS_RESOURCES_BUCKET',
    noncurrentVersionExpirationDays: 30,
    abortIncompleteMultipartUploadDays: 1,
    // Two-step uploads (docs/uploads.md) stage archives here; one never consumed is dropped.
    expiringPrefixes: [{ prefix: 'staging/', days: 1 }],
  },
  /** Single-file agent bundles and install scripts fetched by hosts. */
  agentPackages: {
    id: 'agent-packages',
    envVar: 'STRATUS_AGENT_PACKAGES_BUCKET',
    noncurrentVersionExpirationDays: 7,
    abortIncompleteMultipartUploadDays: 1,
  },
  /**
   * Agent ⇄ manager messages over API Gateway's 128 KB (large results, run messages with large
   * inputs, ctx replies), referenced from a small message (docs/agent.md). Read once, then deleted;
   * whatever is left expires after a day.
   */
  agentMessages: {
    id: 'agent-messages',
    envVar: 'STRATUS_AGENT_MESSAGES_BUCKET',
    noncurrentVersionExpirationDays: 1,
    abortIncompleteMultipartUploadDays: 1,
    expiringPrefixes: [{ prefix: 'messages/', days: 1 }],
  },
} as const satisfies Record<BucketId, BucketDefinition>;

/**
 * WebSocket route keys. API Gateway selects the route by `$request.body.action`; the local
 * gateway does the same. Every route goes to the `websocket` function.
 */
export const WEBSOCKET_ROUTE_SELECTION = '$request.body.action';
export const WEBSOCKET_ROUTES = [
  '$connect',
  '$disconnect',
  '$default',
  // agent → manager
  'hello',
  'heartbeat',
  'result',
  'progress',
  'logs',
  'ctx',
  // client → manager
  'subscribe',
  'unsubscribe',
] as const;

/** Other configuration handed to functions through the environment. */
export const ENV = {
  stage: 'STRATUS_STAGE',
  wsManagementUrl: 'STRATUS_WS_MANAGEMENT_URL',
  wsUrl: 'STRATUS_WS_URL',
  restUrl: 'STRATUS_REST_URL',
  openSearchEndpoint: 'STRATUS_OPENSEARCH_ENDPOINT',
  secretsKeyId: 'STRATUS_SECRETS_KEY_ID',
  adminSecretArn: 'STRATUS_ADMIN_SECRET_ARN',
  /** Whether blueprint/plugin archives may be fetched from URLs: `off` (default), `public` or `any`. */
  remoteArchiveUrls: 'STRATUS_REMOTE_ARCHIVE_URLS',
} as const;

/** Physical name of a table or queue: `stratus-<stage>-<id>`. */
export function physicalName(stage: string, id: string): string {
  return `stratus-${stage}-${id}`;
}

export function deadLetterName(stage: string, id: string): string {
  return `${physicalName(stage, id)}-dlq`;
}
