/**
 * The local runtime: DynamoDB Local, fauxqs (SQS + S3), the resources of resources.ts, and the
 * gateways, pollers and timers that drive the same handlers as AWS. `npm start` (local/main.ts)
 * is a thin shell around startLocalRuntime; tests start runtimes in-process on port 0.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import type { SQSEvent, ScheduledEvent } from 'aws-lambda';
import { withoutSdkLogging } from '../adapters/aws-clients';
import { combineRequestsFrom } from '../adapters/aws-settings';
import type { AwsSettings } from '../adapters/aws-settings';
import { createEventIndexerHandler } from '../lambdas/event-indexer';
import { createHttpApiHandler } from '../lambdas/http-api';
import type { HandlerSettings, LogLevel } from '../lambdas/support/settings';
import { lazyAgentPackage } from './agent-package';
import { createSweeperHandler } from '../lambdas/sweeper';
import { createTaskWorkerHandler } from '../lambdas/task-worker';
import { createWebSocketHandler } from '../lambdas/websocket';
import { createWorkflowWorkerHandler } from '../lambdas/workflow-worker';
import { createWsAuthorizerHandler } from '../lambdas/ws-authorizer';
import { FUNCTIONS, QUEUES, WEBSOCKET_ROUTES } from '../src/config/resources';
import type { FunctionId, QueueId } from '../src/config/resources';
import type { StratusConfig } from '../src/config/runtime-config';
import { LOCAL_ENGINE_DEFAULTS } from '../src/workflows/engine/config';
import { LocalEventStore } from '../adapters/local-event-store/store';
import { adminCredentials } from './admin-credentials';
import type { AdminCredentials } from './admin-credentials';
import { loadOrCreateSecretsKey, newSecretsKey } from '../adapters/local-key/secret-cipher';
import { lockDataDir } from './data-dir';
import { defaultJarCacheDir, ensureDynamoDbLocalJar } from './dynamodb-jar';
import { startDynamoDbLocal } from './dynamodb-local';
import type { DynamoDbLocal } from './dynamodb-local';
import { createHttpGateway } from './http-gateway';
import { localFunction } from './lambda-invoker';
import type { Handler } from './lambda-invoker';
import { provision } from './provision';
import type { Provisioned } from './provision';
import { restoreBuckets, saveBuckets } from './s3-snapshot';
import { Schedule } from './scheduler';
import { SqsPoller } from './sqs-poller';
import { WebSocketGateway } from './websocket-gateway';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_PORT = 8080;
export const WS_PATH = '/ws';
export const REGION = 'us-east-1';

/** Builds a function's handler from the runtime's settings (the real factories by default). */
export type HandlerFactory = (settings: HandlerSettings) => Handler<never, unknown>;
export type HandlerFactories = Record<FunctionId, HandlerFactory>;

export const DEFAULT_HANDLERS: HandlerFactories = {
  httpApi: (settings) => createHttpApiHandler(settings),
  wsAuthorizer: (settings) => createWsAuthorizerHandler(settings),
  websocket: (settings) => createWebSocketHandler(settings),
  workflowWorker: (settings) => createWorkflowWorkerHandler(settings),
  taskWorker: (settings) => createTaskWorkerHandler(settings),
  eventIndexer: (settings) => createEventIndexerHandler(settings),
  sweeper: (settings) => createSweeperHandler(settings),
};

/** How long a stop waits for the events queue to empty. */
const EVENTS_DRAIN_MS = 10000;

/** STRATUS_LOCAL_POLLER_CONCURRENCY (a positive integer), else 4. */
function defaultPollerConcurrency(): number {
  const value = Number(process.env.STRATUS_LOCAL_POLLER_CONCURRENCY);
  return Number.isInteger(value) && value > 0 ? value : 4;
}

export interface LocalRuntimeOptions {
  host?: string;
  /** 0 = any free port. Default 8080. */
  port?: number;
  /** Keep nothing on disk (tests). */
  inMemory?: boolean;
  /** Persistent data folder; default `<cwd>/.stratus`. Ignored in memory. */
  dataDir?: string;
  /** Names resources `stratus-<stage>-<id>`; tests sharing emulators use a unique stage. */
  stage?: string;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local (tests share one). */
  dynamoDbEndpoint?: string;
  /** Overrides every queue's visibility timeout on receive (fast redelivery in tests). */
  visibilityTimeoutSeconds?: number;
  /** Overrides scheduled functions' intervals (minutes); 0 disables the timers. */
  scheduleMinutes?: number;
  /** false: no SQS pollers (messages stay queued). */
  pollers?: boolean;
  /** Fault injection (tests): pollers deliver every batch twice, concurrently and out of order. */
  duplicateDelivery?: boolean;
  /**
   * Batches each queue's poller keeps in flight at once (Lambda runs concurrent invocations of a busy
   * queue's consumer). Default: STRATUS_LOCAL_POLLER_CONCURRENCY or 4 for the workflow and tasks
   * queues; the events queue keeps one, so live subscribers see events in order.
   */
  pollerConcurrency?: Partial<Record<QueueId, number>>;
  /** Replace some handlers, e.g. with test handlers. */
  handlers?: Partial<HandlerFactories>;
  logLevel?: LogLevel;
  /** WebSocket idle and lifetime limits (API Gateway: 10 min, 2 h). */
  wsIdleTimeoutMs?: number;
  wsMaxConnectionMs?: number;
  /**
   * Send concurrent DynamoDB writes and reads together (adapters/dynamodb/combining-client.ts). Default:
   * STRATUS_DYNAMODB_COMBINE, else on.
   */
  combineRequests?: boolean;
  /** The runtime's own progress lines (default: silent). */
  log?: (line: string) => void;
  /** Whether blueprint/plugin archives may be fetched from URLs: `off` (default), `public`, `any`. */
  remoteArchiveUrls?: 'off' | 'public' | 'any';
}

export interface LocalRuntime {
  restUrl: string;
  wsUrl: string;
  wsManagementUrl: string;
  host: string;
  port: number;
  stage: string;
  admin: AdminCredentials;
  /** What handlers receive: resource names, endpoints and credentials. */
  settings: HandlerSettings;
  resources: Provisioned;
  endpoints: { dynamodb: string; sqs: string; s3: string };
  dataDir?: string;
  /** The DynamoDB Local Java process this runtime started (none with a shared endpoint). */
  javaPid?: number;
  /** The event store `GET /events` reads and the indexer writes (OpenSearch's stand-in). */
  events: LocalEventStore;
  /** Milliseconds from the call to ready. */
  startupMs: number;
  stop(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const stage = options.stage ?? 'local';
  const dataDir = options.inMemory ? undefined : path.resolve(options.dataDir ?? path.join(process.cwd(), '.stratus'));
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (err) {
        log(`Shutdown step failed: ${(err as Error).message}`);
      }
    }
  };

  try {
    if (dataDir) cleanups.push(await lockDataDir(dataDir));
    const admin = await adminCredentials(dataDir);
    // The key that seals stored secrets: kept beside the data (0600), or per run in memory.
    const secretsKey = dataDir ? await loadOrCreateSecretsKey(dataDir) : newSecretsKey();
    // Events and logs: in memory, with an append-only log under <dataDir>/events when persistent.
    const events = await LocalEventStore.open({ dataDir });
    cleanups.push(() => events.flush());

    // Listen first: a busy port fails fast, and the URLs are known before handlers are built.
    // Requests get a 503 until the gateways are built.
    const serving: { listener?: RequestListener } = {};
    const server = createServer((req, res) => {
      if (serving.listener) return serving.listener(req, res);
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Service Unavailable' }));
    });
    server.keepAliveTimeout = 65000;
    const port = await listen(server, host, options.port ?? DEFAULT_PORT);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const base = `http://${urlHost(host)}:${port}`;
    log(`Listening on ${base}`);

    const [dynamo, fauxqs] = await Promise.all([
      (async (): Promise<DynamoDbLocal | undefined> => {
        if (options.dynamoDbEndpoint) return undefined;
        const jar = await ensureDynamoDbLocalJar(defaultJarCacheDir(PROJECT_ROOT), log);
        return startDynamoDbLocal({ jar, dbPath: dataDir ? path.join(dataDir, 'dynamodb') : undefined });
      })(),
      startFauxqs({ port: 0, host: '127.0.0.1', logger: false }),
    ]);
    if (dynamo) cleanups.push(() => dynamo.stop());
    cleanups.push(() => fauxqs.stop());
    const endpoints = {
      dynamodb: options.dynamoDbEndpoint ?? dynamo!.endpoint,
      sqs: `http://127.0.0.1:${fauxqs.port}`,
      s3: `http://127.0.0.1:${fauxqs.port}`,
    };
    log(`DynamoDB ${endpoints.dynamodb}${dynamo ? ` (DynamoDB Local, pid ${dynamo.javaPid})` : ''}; SQS/S3 ${endpoints.sqs} (fauxqs)`);

    // Credentials unique to this runtime: emulators accept anything, the @connections endpoint
    // accepts only these.
    const aws: AwsSettings = {
      region: REGION,
      credentials: { accessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(24).toString('base64url') },
      endpoints,
      combineRequests: options.combineRequests ?? combineRequestsFrom(process.env, true),
    };
    const clientBase = { region: aws.region, credentials: aws.credentials };
    const dynamoDb = new DynamoDBClient({ ...clientBase, endpoint: endpoints.dynamodb });
    // The pollers' receives and deletes: no SDK logging, as for the handlers' clients.
    const sqs = withoutSdkLogging(new SQSClient({ ...clientBase, endpoint: endpoints.sqs }));
    const s3 = new S3Client({ ...clientBase, endpoint: endpoints.s3, forcePathStyle: true });
    cleanups.push(async () => [dynamoDb, sqs, s3].forEach((client) => client.destroy()));
    const resources = await provision({ dynamoDb, sqs, s3 }, stage);
    const bucketNames = Object.values(resources.buckets);
    if (dataDir) {
      const snapshot = path.join(dataDir, 's3');
      const restored = await restoreBuckets(s3, bucketNames, snapshot);
      if (restored > 0) log(`Restored ${restored} S3 objects from ${snapshot}`);
      // Registered now so it runs after the gateways and pollers have stopped, before fauxqs does.
      cleanups.push(async () => log(`Saved ${await saveBuckets(s3, bucketNames, snapshot)} S3 objects to ${snapshot}`));
    }

    const restUrl = base;
    const wsUrl = `ws://${urlHost(host)}:${port}${WS_PATH}`;
    const config: StratusConfig = {
      stage,
      tables: resources.tables,
      queues: Object.fromEntries(Object.entries(resources.queues).map(([id, queue]) => [id, queue.url])),
      buckets: resources.buckets,
      wsManagementUrl: base,
      wsUrl,
      restUrl,
      ...(options.remoteArchiveUrls ? { remoteArchiveUrls: options.remoteArchiveUrls } : {}),
    };
    const settings: HandlerSettings = {
      config,
      aws,
      local: true,
      logLevel: options.logLevel ?? 'WARN',
      localSecrets: { adminUsername: admin.username, adminPassword: admin.password, secretsKey: secretsKey.toString('base64') },
      localEvents: events,
      localAgentPackage: lazyAgentPackage(),
      engineDefaults: LOCAL_ENGINE_DEFAULTS,
    };
    const factories = { ...DEFAULT_HANDLERS, ...options.handlers };
    const fn = <E, R>(id: FunctionId) => localFunction<E, R>(id, stage, aws.region, factories[id](settings) as Handler<E, R>);
    const report = (what: string) => (err: unknown) => log(`${what}: ${err instanceof Error ? err.message : String(err)}`);

    const apiId = `local${port}`;
    const httpGateway = createHttpGateway({ fn: fn('httpApi'), apiId, onError: report('HTTP API') });
    const wsGateway = new WebSocketGateway({
      authorizer: fn('wsAuthorizer'),
      routeFunction: fn('websocket'),
      routes: WEBSOCKET_ROUTES,
      api: { apiId: `${apiId}ws`, stage, region: aws.region },
      managementAccessKeyId: aws.credentials!.accessKeyId,
      idleTimeoutMs: options.wsIdleTimeoutMs,
      maxConnectionMs: options.wsMaxConnectionMs,
      onError: (err, what) => report(`WebSocket ${what}`)(err),
    });

    const pollers: [QueueId, SqsPoller][] = [];
    if (options.pollers !== false) {
      for (const [id, queue] of Object.entries(QUEUES) as [QueueId, (typeof QUEUES)[QueueId]][]) {
        pollers.push([
          id,
          new SqsPoller({
            client: sqs,
            queueUrl: resources.queues[id].url,
            queueArn: resources.queues[id].arn,
            region: aws.region,
            fn: fn<SQSEvent, unknown>(queue.consumer),
            batchSize: queue.batchSize,
            maxBatchingWindowSeconds: queue.maxBatchingWindowSeconds,
            visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
            duplicateDelivery: options.duplicateDelivery,
            concurrency: options.pollerConcurrency?.[id] ?? (id === 'events' ? 1 : defaultPollerConcurrency()),
            onError: report(`${id} queue`),
          }),
        ]);
      }
    }
    const drainEvents = async (poller: SqsPoller) => {
      if (!(await poller.drain(EVENTS_DRAIN_MS))) log(`Events still queued after ${EVENTS_DRAIN_MS / 1000} s: they are not indexed`);
      await poller.stop();
    };
    const schedules: Schedule[] = [];
    for (const definition of Object.values(FUNCTIONS)) {
      if (!('scheduleMinutes' in definition)) continue;
      const minutes = options.scheduleMinutes ?? definition.scheduleMinutes;
      if (minutes > 0) schedules.push(new Schedule(fn<ScheduledEvent, unknown>(definition.id), minutes * 60000, report(definition.id)));
    }

    server.on('upgrade', (req, socket, head) => {
      const pathname = (req.url ?? '/').split('?')[0];
      if (pathname !== WS_PATH) {
        socket.on('error', report('Upgrade on an unknown path'));
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      wsGateway.handleUpgrade(req, socket, head);
    });
    serving.listener = (req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/@connections/')) {
        const encodedId = url.slice('/@connections/'.length).split('?')[0];
        void wsGateway.handleManagement(req, res, encodedId).catch((err) => {
          report('@connections')(err);
          if (!res.headersSent) res.writeHead(500).end();
        });
        return;
      }
      httpGateway(req, res);
    };
    // Stop order (cleanups run in reverse): timers and the pollers that run workflows, then
    // WebSockets ($disconnect still reaches DynamoDB), then the events poller (with a data folder,
    // once every event sent so far is indexed: the emulator's queues do not survive a restart, the
    // event store does), then the S3 snapshot, emulators and the server.
    for (const [id, poller] of pollers) {
      poller.start();
      if (id === 'events') cleanups.push(() => (dataDir ? drainEvents(poller) : poller.stop()));
    }
    cleanups.push(() => wsGateway.close());
    for (const [id, poller] of pollers) if (id !== 'events') cleanups.push(() => poller.stop());
    for (const schedule of schedules) {
      schedule.start();
      cleanups.push(() => schedule.stop());
    }

    let stopping: Promise<void> | undefined;
    return {
      restUrl,
      wsUrl,
      wsManagementUrl: base,
      host,
      port,
      stage,
      admin,
      settings,
      resources,
      endpoints,
      dataDir,
      javaPid: dynamo?.javaPid,
      events,
      startupMs: Date.now() - started,
      stop: () => (stopping ??= cleanup()),
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
