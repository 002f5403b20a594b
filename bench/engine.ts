/**
 * Workflow engine benchmark on the in-memory local runtime (DynamoDB Local + fauxqs, the real
 * workflow worker, task worker and sweeper behind the local SQS pollers).
 *
 * Scenario 1: one deployment of `stratus.ops.noop` operations, HOSTS hosts x APPS apps per host
 * (default 10 x 100 = 1,000 app instances, plus the hosts and one db): every app contained_in its
 * host and connected_to the db (preconfigure/establish/unlink operations). Install, then uninstall.
 * Scenario 2: CONCURRENT smaller deployments of the same shape installing at once.
 *
 * Reported per run: wall time (POST /executions → the last execution's ended_at; about 10 polls
 * per second in all detect the end), operations/s
 * (total_operations / wall), and DynamoDB requests per operation, counted exactly: the engine's
 * handlers (workflow worker, task worker, sweeper) are built on DynamoDB clients with a counting
 * middleware in the SDK's deserialize step (one count per HTTP request sent, retries included),
 * and the items those requests read or wrote (a transaction's items, a batch's requests).
 * The HTTP API's requests (the bench's polling) are not counted. In the same run, the round trip
 * of a bare PutItem on the same DynamoDB Local, so the engine's cost reads as a ratio. CPU time per
 * operation of this process (engine, fauxqs, HTTP API, and the events indexer the engine's events
 * go to, as in the runtime) and of the DynamoDB Local JVM (from /proc):
 * on a shared machine these move much less with the load than wall time does.
 *
 *   npm run bench:engine
 *   npm run bench:engine -- --hosts 10 --apps 100 --concurrent 10 --concurrent-hosts 2 --concurrent-apps 50
 *   npm run bench:engine -- --hosts 2 --apps 50 --concurrent 0 --poller-concurrency 8   (quick; 8 batches in flight per queue)
 *   npm run bench:engine -- --warmup 1000   (steady state: 1,000 app instances installed and uninstalled first, not counted)
 *   npm run bench:engine -- --items   (also the items written and read per operation, by kind)
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AwsClients } from '../adapters/aws-clients';
import { createEngine } from '../lambdas/support/engine-container';
import type { HandlerSettings } from '../lambdas/support/settings';
import { sweepTasks, createSweeperHandler } from '../lambdas/sweeper';
import { createTaskWorkerHandler, taskMessageHandlers } from '../lambdas/task-worker';
import { createWorkflowWorkerHandler, workflowMessageHandlers } from '../lambdas/workflow-worker';
import { startLocalRuntime } from '../local/runtime';
import type { LocalRuntime } from '../local/runtime';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '10' },
    apps: { type: 'string', default: '100' },
    concurrent: { type: 'string', default: '10' },
    'concurrent-hosts': { type: 'string', default: '2' },
    'concurrent-apps': { type: 'string', default: '50' },
    'put-samples': { type: 'string', default: '300' },
    'skip-single': { type: 'boolean', default: false },
    // Installs and uninstalls this many app instances (2 hosts) first, outside the figures: both
    // processes' JITs warm up, as in a runtime that has been running for a while (0 = cold).
    warmup: { type: 'string', default: '0' },
    // Batches in flight per queue (the local pollers' stand-in for Lambda's concurrent invocations).
    'poller-concurrency': { type: 'string', default: '' },
    // false: every DynamoDB request goes alone, as in AWS (adapters/dynamodb/combining-client.ts).
    combine: { type: 'string', default: 'true' },
    // Also prints, per run, the items written and read by kind (table, key prefix, update expression).
    items: { type: 'boolean', default: false },
  },
});
const num = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got ${args[name]}`);
  return value;
};

// The engine runs with the manager's default settings (STRATUS_* unset); no IMDS lookups.
Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true' });

// ----- counting DynamoDB requests of the engine's handlers -----

const counts = new Map<string, number>();
/** Items the counted requests read or wrote (a transaction's items, a batch's requests, else 1). */
let itemsTouched = 0;
function countedTotal(): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

type RawItem = Record<string, { S?: string } | undefined>;

/** The sort keys a request names (its Key, its transaction's or batch's keys and items), without serializing it. */
function sortKeys(input: Record<string, unknown>): string[] {
  const keys: (RawItem | undefined)[] = [input.Key as RawItem | undefined];
  for (const item of (input.TransactItems as Record<string, { Key?: RawItem; Item?: RawItem }>[] | undefined) ?? []) {
    const action = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
    keys.push(action?.Key ?? action?.Item);
  }
  for (const requests of Object.values((input.RequestItems as Record<string, unknown> | undefined) ?? {})) {
    if (Array.isArray(requests)) {
      for (const request of requests as { PutRequest?: { Item: RawItem }; DeleteRequest?: { Key: RawItem } }[]) keys.push(request.PutRequest?.Item ?? request.DeleteRequest?.Key);
    } else keys.push(...((requests as { Keys?: RawItem[] }).Keys ?? []));
  }
  const found = keys.map((key) => key?.sk?.S).filter((sk): sk is string => sk !== undefined);
  // A Query names no key: its values say what it reads (a `T#` prefix, say).
  if (found.length === 0) for (const value of Object.values((input.ExpressionAttributeValues as RawItem | undefined) ?? {})) if (value?.S !== undefined) found.push(value.S);
  return found;
}

/** What a request touched (for the breakdown): the execution header, tasks, or the model (node instances). */
function itemKind(input: Record<string, unknown>): string {
  const keys = sortKeys(input);
  const header = keys.includes('#H');
  const task = keys.some((sk) => sk.startsWith('T#'));
  if (header && task) return 'task+header';
  if (header) return 'header';
  if (task) return 'task';
  return 'model';
}

/** --items: items by kind (`<request or transaction action> <table> <sort key prefix> <update expression>`). */
const itemTally = new Map<string, number>();
function tally(label: string, n = 1): void {
  itemTally.set(label, (itemTally.get(label) ?? 0) + n);
}
function tallyItems(command: string, input: Record<string, unknown>): void {
  const table = (name: unknown) => String(name).replace(/^.*-(model|operations)$/, '$1');
  const transaction = input.TransactItems as Record<string, { Key?: RawItem; Item?: RawItem; UpdateExpression?: string; TableName?: string }>[] | undefined;
  for (const item of transaction ?? []) {
    const [action, write] = Object.entries(item)[0];
    tally(`transaction ${action} ${table(write.TableName)} ${(write.Key ?? write.Item)?.sk?.S?.slice(0, 2)} ${(write.UpdateExpression ?? '').slice(0, 40)}`);
  }
  if (transaction) return;
  const tableName = input.TableName ?? Object.keys((input.RequestItems as object | undefined) ?? {})[0];
  tally(`${command.replace('Command', '')} ${table(tableName)} ${sortKeys(input)[0]?.slice(0, 2)} ${String(input.UpdateExpression ?? '').slice(0, 40)}`, itemsOf(input));
}
function itemsOf(input: Record<string, unknown>): number {
  if (Array.isArray(input.TransactItems)) return input.TransactItems.length;
  const batch = input.RequestItems as Record<string, unknown[] | { Keys?: unknown[] }> | undefined;
  if (!batch) return 1;
  return Object.values(batch).reduce<number>((n, requests) => n + (Array.isArray(requests) ? requests.length : (requests.Keys?.length ?? 0)), 0);
}

/** Counts the requests each DynamoDB client sends (added to the raw client, so after combining). */
function countRequests<T>(client: T): T {
  if (!(client instanceof DynamoDBClient)) return client;
  client.middlewareStack.add(
    (next, context) => async (request) => {
      const command = (context as { commandName?: string }).commandName ?? 'unknown';
      const input = request.input as Record<string, unknown>;
      const name = `${command.replace('Command', '')} ${itemKind(input)}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      itemsTouched += itemsOf(input);
      if (args.items) tallyItems(command, input);
      return next(request);
    },
    { step: 'deserialize', name: 'benchRequestCounter' },
  );
  return client;
}

/**
 * The engine exactly as the handlers build it (one per handler, like one Lambda each: the same
 * stores, events to the events queue), on clients that count.
 */
function countedEngine(settings: HandlerSettings) {
  return createEngine(settings, {}, new AwsClients(settings.aws, countRequests));
}

// ----- blueprint and REST -----

const LIFECYCLE = '{create: stratus.ops.noop, configure: stratus.ops.noop, start: stratus.ops.noop, stop: stratus.ops.noop, delete: stratus.ops.noop}';
function blueprint(hosts: number, apps: number): string {
  return `tosca_definitions_version: cloudify_dsl_1_5
imports:
  - cloudify/types/types.yaml
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: ${hosts}}}}
    interfaces: {cloudify.interfaces.lifecycle: ${LIFECYCLE}}
  db:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: ${LIFECYCLE}}
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: ${apps}}}}
    interfaces: {cloudify.interfaces.lifecycle: ${LIFECYCLE}}
    relationships:
      - type: cloudify.relationships.contained_in
        target: host
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: stratus.ops.noop, unlink: stratus.ops.noop}}
        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: stratus.ops.noop}}
`;
}

class Rest {
  private readonly auth: string;
  constructor(private readonly runtime: LocalRuntime) {
    this.auth = `Basic ${Buffer.from(`${runtime.admin.username}:${runtime.admin.password}`).toString('base64')}`;
  }

  async call(method: string, path: string, body?: unknown, expected = [200, 201]): Promise<Record<string, unknown>> {
    const init: RequestInit = { method, headers: { authorization: this.auth, tenant: 'default_tenant' } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.runtime.restUrl}${path}`, init);
    const text = await response.text();
    if (!expected.includes(response.status)) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  /**
   * Polls an execution until it ended; its end time is the record's `ended_at` (same machine's
   * clock), so the poll interval does not blur it. With many executions each is polled less often
   * (`pollMs`), so that the polling's own REST load stays small next to the engine's work.
   */
  async waitForEnd(executionId: string, timeoutMs: number, pollMs = 100): Promise<{ execution: Record<string, unknown>; endedAt: number }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const execution = await this.call('GET', `/api/v3.1/executions/${executionId}`);
      if (['terminated', 'failed', 'cancelled'].includes(execution.status as string)) return { execution, endedAt: Date.parse(execution.ended_at as string) || Date.now() };
      if (Date.now() > end) throw new Error(`Execution ${executionId} did not end within ${timeoutMs / 1000} s (status ${execution.status}, ${execution.finished_operations}/${execution.total_operations})`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async deploy(name: string, yaml: string): Promise<void> {
    const form = new FormData();
    form.append('params', JSON.stringify({ visibility: 'tenant', async_upload: false, skip_execution: false, application_file_name: 'blueprint.yaml' }));
    form.append('blueprint_archive', new Blob([yaml]), 'blueprint.yaml');
    await this.call('PUT', `/api/v3.1/blueprints/${name}`, form);
    await this.call('PUT', `/api/v3.1/deployments/${name}`, { blueprint_id: name, inputs: {} });
    const list = await this.call('GET', `/api/v3.1/executions?deployment_id=${name}&workflow_id=create_deployment_environment&_include_system_workflows=true`);
    const created = (list.items as Record<string, unknown>[])[0];
    const { execution } = await this.waitForEnd(created.id as string, 600000);
    if (execution.status !== 'terminated') throw new Error(`create_deployment_environment of ${name} ended ${execution.status}: ${execution.error}`);
  }
}

// ----- measurements -----

interface RunResult {
  label: string;
  executions: number;
  operations: number;
  wallMs: number;
  requests: number;
  /** Items those requests read or wrote (the items in transactions and batches). */
  items: number;
  byCommand: Map<string, number>;
  /** --items: items by kind. */
  byItem: Map<string, number>;
  load: number[];
  cpuMs: number;
  /** CPU time of the DynamoDB Local JVM over the run (undefined when not readable). */
  javaCpuMs?: number;
}

/** User + system CPU of a process from /proc (Linux), in ms; undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks (100/s).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function runWorkflow(rest: Rest, label: string, deployments: string[], workflow: string, javaPid?: number): Promise<RunResult> {
  counts.clear();
  itemsTouched = 0;
  itemTally.clear();
  const cpu = process.cpuUsage();
  const javaCpu = processCpuMs(javaPid);
  const started = Date.now();
  const ids = await Promise.all(deployments.map(async (id) => (await rest.call('POST', '/api/v3.1/executions', { deployment_id: id, workflow_id: workflow })).id as string));
  // About 10 polls per second in all, however many executions run.
  const ends = await Promise.all(ids.map((id) => rest.waitForEnd(id, 3600000, 100 * Math.max(1, ids.length))));
  const wallMs = Math.max(...ends.map((end) => end.endedAt)) - started;
  const used = process.cpuUsage(cpu);
  const javaCpuEnd = processCpuMs(javaPid);
  // Let in-flight follow-ups (the last releases and deletes) land before reading the count.
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const { execution } of ends) if (execution.status !== 'terminated') throw new Error(`${workflow} ${execution.id} ended ${execution.status}: ${execution.error}`);
  const operations = ends.reduce((n, { execution }) => n + (execution.finished_operations as number), 0);
  return { label, executions: ids.length, operations, wallMs, requests: countedTotal(), items: itemsTouched, byCommand: new Map(counts), byItem: new Map(itemTally), load: os.loadavg(), cpuMs: (used.user + used.system) / 1000, javaCpuMs: javaCpu !== undefined && javaCpuEnd !== undefined ? javaCpuEnd - javaCpu : undefined };
}

function report(result: RunResult): void {
  const seconds = result.wallMs / 1000;
  const perOp = result.requests / result.operations;
  const commands = [...result.byCommand].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${(n / result.operations).toFixed(2)}`).join(', ');
  console.log(
    `${result.label.padEnd(40)} ${result.executions} exec, ${result.operations} ops, wall ${seconds.toFixed(1)} s, ${(result.operations / seconds).toFixed(0)} ops/s, ` +
      `${result.requests} DynamoDB requests = ${perOp.toFixed(2)}/op (${commands}), ${(result.items / result.operations).toFixed(2)} items/op; load ${result.load.map((l) => l.toFixed(1)).join(' ')}; ` +
      `CPU: bench process ${(result.cpuMs / 1000).toFixed(1)} s = ${(result.cpuMs / result.operations).toFixed(2)} ms/op` +
      (result.javaCpuMs !== undefined ? `, DynamoDB Local ${(result.javaCpuMs / 1000).toFixed(1)} s = ${(result.javaCpuMs / result.operations).toFixed(2)} ms/op` : ''),
  );
  for (const [kind, n] of [...result.byItem].sort((a, b) => b[1] - a[1])) console.log(`  ${(n / result.operations).toFixed(3)} items/op  ${kind}`);
}

async function barePutItem(runtime: LocalRuntime, samples: number): Promise<{ median: number; mean: number; p99: number }> {
  const client = new DynamoDBClient({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.dynamodb });
  const table = runtime.resources.tables.operations;
  const times: number[] = [];
  try {
    for (let i = 0; i < samples + 20; i++) {
      const start = process.hrtime.bigint();
      await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `BENCH#${i % 50}` }, sk: { S: 'put' }, v: { N: String(i) } } }));
      if (i >= 20) times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    client.destroy();
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], mean: times.reduce((a, b) => a + b, 0) / times.length, p99: times[Math.floor(times.length * 0.99)] };
}

async function main(): Promise<void> {
  const hosts = num('hosts');
  const apps = num('apps');
  const concurrent = num('concurrent');
  const cHosts = num('concurrent-hosts');
  const cApps = num('concurrent-apps');
  console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`DynamoDB requests: ${args.combine !== 'false' ? 'combined (concurrent writes and reads sent together)' : 'one each, as in AWS'}`);
  const runtime = await startLocalRuntime({
    port: 0,
    inMemory: true,
    stage: 'bench',
    logLevel: 'SILENT',
    scheduleMinutes: 0.25,
    combineRequests: args.combine !== 'false',
    ...(args['poller-concurrency'] ? { pollerConcurrency: { workflow: num('poller-concurrency'), tasks: num('poller-concurrency') } } : {}),
    handlers: {
      workflowWorker: (settings) => createWorkflowWorkerHandler(settings, workflowMessageHandlers(settings, countedEngine(settings))),
      taskWorker: (settings) => createTaskWorkerHandler(settings, taskMessageHandlers(settings, countedEngine(settings))),
      sweeper: (settings) => createSweeperHandler(settings, sweepTasks(settings, countedEngine(settings))),
    },
  });
  const rest = new Rest(runtime);
  const results: RunResult[] = [];
  try {
    if (num('warmup') > 0) {
      const t = Date.now();
      await rest.deploy('warmup', blueprint(2, Math.ceil(num('warmup') / 2)));
      for (const workflow of ['install', 'uninstall']) await runWorkflow(rest, `warm-up ${workflow}`, ['warmup'], workflow);
      console.log(`Warm-up: installed and uninstalled ${num('warmup')} app instances (not in the figures) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const put = await barePutItem(runtime, num('put-samples'));
    console.log(`Bare PutItem round trip (DynamoDB Local, sequential): median ${put.median.toFixed(2)} ms, mean ${put.mean.toFixed(2)} ms, p99 ${put.p99.toFixed(2)} ms`);
    if (!args['skip-single']) {
      const t = Date.now();
      await rest.deploy('single', blueprint(hosts, apps));
      console.log(`Deployed single (${hosts} hosts x ${apps} apps = ${hosts * apps} app instances + ${hosts + 1}) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      for (const workflow of ['install', 'uninstall']) {
        const result = await runWorkflow(rest, `single ${workflow} (${hosts * apps + hosts + 1} instances)`, ['single'], workflow, runtime.javaPid);
        report(result);
        results.push(result);
      }
    }
    if (concurrent > 0) {
      const t = Date.now();
      const names = Array.from({ length: concurrent }, (_, i) => `multi${i}`);
      for (let i = 0; i < names.length; i += 4) await Promise.all(names.slice(i, i + 4).map((name) => rest.deploy(name, blueprint(cHosts, cApps))));
      console.log(`Deployed ${concurrent} x (${cHosts} hosts x ${cApps} apps = ${cHosts * cApps + cHosts + 1} instances) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      const result = await runWorkflow(rest, `${concurrent} concurrent installs (${cHosts * cApps + cHosts + 1} instances each)`, names, 'install', runtime.javaPid);
      report(result);
      results.push(result);
    }
    const ratioBase = put.median;
    for (const result of results) {
      const perOpMs = result.wallMs / result.operations;
      console.log(`${result.label}: ${perOpMs.toFixed(2)} ms of wall time per operation = ${(perOpMs / ratioBase).toFixed(2)} bare PutItem round trips`);
    }
    console.log(`Load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await runtime.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
