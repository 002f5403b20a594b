/**
 * Events pipeline benchmark (issue 6, "Performance"):
 *   1. ingestion through the indexer handler (the Lambda entry point, middy + Powertools) into the
 *      local event store with its NDJSON log on disk, fed SQS batches shaped like the events queue's
 *      (10 messages x 500 events); target >= 10,000 events/s;
 *   2. the same end to end on a local runtime: emitters → events queue (fauxqs) → SQS poller →
 *      indexer → store (plus subscriber lookups in DynamoDB Local), until every event is stored;
 *   3. emit-to-subscriber latency: one event at a time sent to the events queue while a WebSocket
 *      client follows the execution; latency = receive time - time the emit started; target p99 < 250 ms.
 *
 *   npx tsx bench/events.ts [-- --events 200000 --e2e 50000 --latency 300 --rate 20]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SQSEvent } from 'aws-lambda';
import { WebSocket } from 'ws';
import { AwsClients } from '../adapters/aws-clients';
import { DynamoModelStore } from '../adapters/dynamodb/model-store';
import { LocalEventStore } from '../adapters/local-event-store/store';
import { SqsQueueSender } from '../adapters/sqs/queue-sender';
import { createEventIndexerHandler } from '../lambdas/event-indexer';
import { lambdaContext } from '../local/lambda-invoker';
import { startLocalRuntime } from '../local/runtime';
import { cloudifyLog } from '../src/events/model';
import type { EventScope, StoredEvent } from '../src/events/model';
import { QueueEventSink, chunkEvents } from '../src/events/pipeline/queue-sink';
import { newSystemExecution } from '../src/executions/records';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    e2e: { type: 'string', default: '50000' },
    latency: { type: 'string', default: '300' },
    rate: { type: 'string', default: '20' },
  },
});

const scope = (executionId: string): EventScope => ({ tenant: 'default_tenant', executionId, workflowId: 'install', deploymentId: 'dep', blueprintId: 'bp' });

function logs(executionId: string, count: number, from = 0): StoredEvent[] {
  return Array.from({ length: count }, (_, i) =>
    cloudifyLog(scope(executionId), 'info', `Script output line ${from + i}: installing packages for the web server`, { nodeName: 'web', nodeInstanceId: 'web_1', operation: 'cloudify.interfaces.lifecycle.create' }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function ingestionThroughHandler(total: number): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stratus-bench-events-'));
  try {
    const store = await LocalEventStore.open({ dataDir: dir });
    const settings = {
      config: { stage: 'bench', tables: {}, queues: {}, buckets: {} },
      aws: { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } },
      local: true,
      logLevel: 'SILENT' as const,
      localEvents: store,
    };
    const handler = createEventIndexerHandler(settings, { index: store });
    const context = lambdaContext('eventIndexer', 60000, 'us-east-1');
    const ex = randomUUID();
    // Pre-build the SQS batches (the emitters' work is not the indexer's).
    const batches: SQSEvent[] = [];
    for (let done = 0; done < total; done += 5000) {
      const chunks = chunkEvents(logs(ex, Math.min(5000, total - done), done));
      batches.push({
        Records: chunks.map((events) => ({ messageId: randomUUID(), body: JSON.stringify({ kind: 'events', events }) }) as never),
      });
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const batch of batches) {
      const result = (await handler(batch, context)) as { batchItemFailures: unknown[] };
      if (result.batchItemFailures.length) throw new Error('indexer reported failures');
    }
    await store.flush();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (store.size !== total) throw new Error(`stored ${store.size}, expected ${total}`);
    console.log(
      `1. indexer handler → local store (persisted): ${total} events in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} events/s ` +
        `(CPU ${((used.user + used.system) / 1e6).toFixed(2)} s; ${batches.length} batches of 10 messages x 500 events)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function endToEnd(total: number, latencyCount: number, rate: number): Promise<void> {
  const runtime = await startLocalRuntime({ port: 0, inMemory: true, stage: `b${randomUUID().slice(0, 6)}`, scheduleMinutes: 0, logLevel: 'SILENT' });
  try {
    const clients = new AwsClients(runtime.settings.aws);
    const sink = new QueueEventSink(new SqsQueueSender(clients.sqs, runtime.settings.config.queues));
    const store = new DynamoModelStore({ client: clients.documents, tableName: runtime.resources.tables.model });

    // 2. Sustained ingestion through the queue: 8 concurrent emitters.
    const ex = randomUUID();
    const before = runtime.events.size;
    const started = performance.now();
    const perEmitter = Math.ceil(total / 8);
    await Promise.all(
      Array.from({ length: 8 }, async (_, e) => {
        for (let done = 0; done < perEmitter; done += 500) await sink.emit(logs(ex, Math.min(500, perEmitter - done), e * perEmitter + done));
      }),
    );
    const sent = performance.now();
    const expected = before + perEmitter * 8;
    while (runtime.events.size < expected) await new Promise((resolve) => setTimeout(resolve, 10));
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `2. end to end (emit → fauxqs → poller → indexer → store): ${perEmitter * 8} events in ${seconds.toFixed(2)} s = ${Math.round((perEmitter * 8) / seconds)} events/s ` +
        `(sending took ${((sent - started) / 1000).toFixed(2)} s)`,
    );

    // 3. Emit-to-subscriber latency.
    const execution = await store.create(
      newSystemExecution({ tenant: 'default_tenant', workflowId: 'install', deploymentId: 'dep', blueprintId: 'bp', createdBy: 'admin', status: 'started', now: new Date().toISOString() }),
    );
    const auth = `Basic ${Buffer.from(`${runtime.admin.username}:${runtime.admin.password}`).toString('base64')}`;
    // The first REST call bootstraps the admin user (the WebSocket authorizer only reads).
    await fetch(`${runtime.restUrl}/api/v3.1/user`, { headers: { authorization: auth, tenant: 'default_tenant' } });
    const socket = await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(runtime.wsUrl, { headers: { authorization: auth, tenant: 'default_tenant' } });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    // Where the time goes: also when each probe reaches the store (before the push).
    const storedLatencies: number[] = [];
    const index = runtime.events.index.bind(runtime.events);
    runtime.events.index = async (events) => {
      const result = await index(events);
      for (const event of events) {
        const start = sentAt.get(event.message);
        if (start !== undefined) storedLatencies.push(performance.now() - start);
      }
      return result;
    };
    let subscribed!: () => void;
    const ready = new Promise<void>((resolve) => (subscribed = resolve));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { action: string; events?: { message: string }[] };
      if (message.action === 'subscribed') subscribed();
      for (const event of message.events ?? []) {
        const start = sentAt.get(event.message);
        if (start !== undefined) latencies.push(performance.now() - start);
      }
    });
    socket.send(JSON.stringify({ action: 'subscribe', execution_id: execution.id }));
    await ready;
    for (let i = 0; i < latencyCount; i++) {
      const text = `latency probe ${i}`;
      sentAt.set(text, performance.now());
      await sink.emit([cloudifyLog(scope(execution.id), 'info', text)]);
      await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
    }
    const deadline = Date.now() + 10000;
    while (latencies.length < latencyCount && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.close();
    latencies.sort((a, b) => a - b);
    storedLatencies.sort((a, b) => a - b);
    console.log(
      `3. emit → subscriber latency (${latencies.length}/${latencyCount} events at ${rate}/s): ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms ` +
        `(emit → stored: p50 ${percentile(storedLatencies, 50).toFixed(1)} ms, p99 ${percentile(storedLatencies, 99).toFixed(1)} ms)`,
    );
  } finally {
    await runtime.stop();
  }
}

console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await ingestionThroughHandler(Number(values.events));
await endToEnd(Number(values.e2e), Number(values.latency), Number(values.rate));
