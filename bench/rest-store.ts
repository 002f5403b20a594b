/**
 * Model store and REST foundation benchmark (issue 4, "Performance"), on an in-memory local
 * runtime (DynamoDB Local, the real HTTP API function behind the local gateway):
 *   1. the DynamoDB adapter alone, with 10,000 deployment-like entities (1.5 KB documents) in one
 *      tenant: single reads per second (concurrent; strongly and eventually consistent: this is
 *      also DynamoDB Local's own ceiling on the machine), and the latency of one list page
 *      `offset 5000, size 100` in creation order, both directions, with its exact total;
 *   2. through HTTP with Basic auth (authentication, tenant check, routing, rendering included),
 *      on 10,000 secrets (the foundation's own list resource): `GET /secrets/{key}` requests/s
 *      (autocannon in its own process) and `GET /secrets?_size=100&_offset=5000` latency;
 *   3. the same on 10,000 deployments (written straight to the store in the deployments
 *      resource's document shape; the one read by id has 10 node instances, written first as
 *      deployment creation does): `GET /deployments/{id}` and
 *      `GET /deployments?_size=100&_offset=5000`; and, load-independent, the exact DynamoDB
 *      requests one `GET /deployments/{id}` makes (the same routes in-process on a store whose
 *      client counts its requests, 200 GETs after one to warm the authentication caches).
 * Targets (issue 4, stated for deployments): >= 1,000 single reads/s; list page p99 < 100 ms.
 *
 *   npx tsx bench/rest-store.ts [--count 10000] [--duration 10] [--connections 20]
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { DynamoModelStore } from '../adapters/dynamodb/model-store';
import { LocalKeySecretCipher } from '../adapters/local-key/secret-cipher';
import { startLocalRuntime } from '../local/runtime';
import type { NewEntity } from '../src/ports/model-store';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsClients } from '../adapters/aws-clients';
import type { DeploymentData } from '../src/deployments/model';
import { createApiRouter } from '../src/api/app';
import { createApiServices } from '../src/api/dependencies';
import type { FileStore } from '../src/ports/file-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
  },
});
const count = Number(values.count);
const duration = Number(values.duration);
const connections = Number(values.connections);
const TENANT = 'default_tenant';

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

async function timed<T>(action: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await action();
  return [result, performance.now() - started];
}

/** A deployment-like document of about 1.5 KB. */
function deploymentDoc(i: number): Record<string, unknown> {
  return {
    blueprint_id: `bp-${i % 20}`,
    display_name: `deployment ${i}`,
    description: 'x'.repeat(600),
    inputs: { app_count: i % 5, region: 'eu-west-1', image: 'ami-0123456789abcdef0', tags: ['a', 'b', 'c'] },
    workflows: ['install', 'uninstall', 'heal', 'scale'].map((name) => ({ name, plugin: 'default_workflows', operation: `cloudify.plugins.workflows.${name}` })),
    visibility: 'tenant',
    created_by: 'admin',
    installation_status: 'inactive',
    deployment_status: 'good',
  };
}

async function concurrentReads(read: (i: number) => Promise<unknown>, workers: number, seconds: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        const i = (next++ * 7919) % count;
        const begin = performance.now();
        await read(i);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function sequentialLatency(action: () => Promise<unknown>, iterations: number): Promise<{ p50: number; p99: number; max: number }> {
  for (let i = 0; i < 5; i++) await action(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push((await timed(action))[1]);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: Math.max(...samples) };
}

async function autocannon(url: string, headers: string[], conns: number): Promise<{ rps: number; p50: number; p99: number; non2xx: number; errors: number }> {
  const args = ['-c', String(conns), '-d', String(duration), '-j', ...headers.flatMap((header) => ['-H', header]), url];
  const { stdout } = await run(path.join(root, 'node_modules/.bin/autocannon'), args, { maxBuffer: 16 << 20 });
  const result = JSON.parse(stdout);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function main(): Promise<void> {
  console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  const runtime = await startLocalRuntime({ port: 0, inMemory: true, logLevel: 'SILENT', scheduleMinutes: 0, pollers: false });
  const clients = new AwsClients(runtime.settings.aws);
  try {
    const store = new DynamoModelStore({ client: clients.documents, tableName: runtime.resources.tables.model });

    // ---- 1. the adapter alone
    const deployments: NewEntity<object>[] = Array.from({ length: count }, (_, i) => ({ kind: 'deployment', tenant: TENANT, id: `dep-${i}`, data: deploymentDoc(i) }));
    const [, seedMs] = await timed(() => store.createMany(deployments));
    console.log(`Seeded ${count} deployments through createMany in ${(seedMs / 1000).toFixed(1)} s (${Math.round(count / (seedMs / 1000))} creates/s, transactions of ~47 entities)`);

    for (const consistent of [true, false]) {
      const reads = await concurrentReads((i) => store.get({ kind: 'deployment', tenant: TENANT, id: `dep-${i}` }, { consistent }), 16, duration);
      console.log(`Adapter get, ${consistent ? 'strongly' : 'eventually'} consistent (16 concurrent, ${duration} s): ${Math.round(reads.perSecond)} reads/s, p50 ${ms(reads.p50)}, p99 ${ms(reads.p99)}`);
    }

    const half = Math.floor(count / 2);
    const page = await store.page({ tenant: TENANT, kind: 'deployment' }, { offset: half, size: 100, descending: false });
    if (page.total !== count || page.items.length !== 100 || page.items[0].id !== `dep-${half}`) {
      throw new Error(`Page check failed: total ${page.total}, ${page.items.length} items, first ${page.items[0]?.id}`);
    }
    const up = await sequentialLatency(() => store.page({ tenant: TENANT, kind: 'deployment' }, { offset: half, size: 100, descending: false }), 200);
    const down = await sequentialLatency(() => store.page({ tenant: TENANT, kind: 'deployment' }, { offset: half, size: 100, descending: true }), 200);
    console.log(`Adapter page offset ${half} size 100 (200 runs): ascending p50 ${ms(up.p50)}, p99 ${ms(up.p99)}; descending p50 ${ms(down.p50)}, p99 ${ms(down.p99)}; total ${page.total} exact`);
    const all = await sequentialLatency(() => store.all({ tenant: TENANT, kind: 'deployment' }), 5);
    console.log(`For comparison, reading the whole collection (memory path of filtered lists): p50 ${ms(all.p50)}`);

    // ---- 2. through HTTP
    const cipher = new LocalKeySecretCipher(Buffer.from(runtime.settings.localSecrets!.secretsKey, 'base64'));
    const auth = `Basic ${Buffer.from(`${runtime.admin.username}:${runtime.admin.password}`).toString('base64')}`;
    // Bootstrap happens on the first request.
    const first = await fetch(`${runtime.restUrl}/api/v3.1/status`, { headers: { authorization: auth } });
    if (first.status !== 200) throw new Error(`GET /status answered ${first.status}`);
    const sealed = await cipher.encrypt('value', { tenant: TENANT, key: 'x' });
    const secrets: NewEntity<object>[] = await Promise.all(
      Array.from({ length: count }, async (_, i) => ({
        kind: 'secret',
        tenant: TENANT,
        id: `s-${i}`,
        data: { key: `s-${i}`, sealed: i % 100 === 0 ? await cipher.encrypt(`v${i}`, { tenant: TENANT, key: `s-${i}` }) : sealed, is_hidden_value: false, visibility: 'tenant', created_by: 'admin', updated_at: new Date().toISOString() },
      })),
    );
    await store.createMany(secrets);
    const headers = [`authorization:${auth}`, 'tenant:default_tenant'];
    const single = await autocannon(`${runtime.restUrl}/api/v3.1/secrets/s-100`, headers, connections);
    console.log(`HTTP GET /secrets/{key} (Basic auth, autocannon -c ${connections} -d ${duration}): ${Math.round(single.rps)} req/s, p50 ${single.p50} ms, p99 ${single.p99} ms, non-2xx ${single.non2xx}, errors ${single.errors}`);
    const listUrl = `${runtime.restUrl}/api/v3.1/secrets?_size=100&_offset=${half}`;
    const check = (await (await fetch(listUrl, { headers: { authorization: auth } })).json()) as { items: { key: string }[]; metadata: { pagination: { total: number } } };
    if (check.metadata.pagination.total !== count || check.items[0]?.key !== `s-${half}`) throw new Error('List page check failed');
    const list = await sequentialLatency(async () => {
      const response = await fetch(listUrl, { headers: { authorization: auth } });
      await response.arrayBuffer();
    }, 200);
    console.log(`HTTP GET /secrets?_size=100&_offset=${half} (200 sequential): p50 ${ms(list.p50)}, p99 ${ms(list.p99)}, max ${ms(list.max)}`);
    const listLoad = await autocannon(listUrl, headers, 4);
    console.log(`HTTP list page under load (autocannon -c 4 -d ${duration}): ${Math.round(listLoad.rps)} req/s, p50 ${listLoad.p50} ms, p99 ${listLoad.p99} ms, non-2xx ${listLoad.non2xx}`);

    // ---- 3. deployments through HTTP (the resource built on the foundation)
    const tenant = 'bench_deployments';
    const created = await fetch(`${runtime.restUrl}/api/v3.1/tenants/${tenant}`, { method: 'POST', headers: { authorization: auth } });
    if (created.status !== 201) throw new Error(`POST /tenants answered ${created.status}`);
    const now = new Date().toISOString();
    const deploymentData = (i: number): DeploymentData => ({
      blueprint_id: `bp-${i % 20}`,
      blueprint_tenant: tenant,
      display_name: `dep-${i}`,
      description: 'x'.repeat(600),
      inputs: { app_count: i % 5, region: 'eu-west-1' },
      outputs: {},
      capabilities: {},
      groups: {},
      policy_types: {},
      policy_triggers: {},
      policies: {},
      scaling_groups: {},
      workflows: {},
      workflow_types_present: {},
      deployment_settings: {},
      resource_tags: null,
      labels: [],
      site_name: null,
      runtime_only_evaluation: false,
      visibility: 'tenant',
      created_by: 'admin',
      updated_at: now,
      installation_status: 'inactive',
      create_execution: `exec-${i}`,
      latest_execution: null,
      latest_execution_status: null,
      latest_execution_total_operations: null,
      latest_execution_finished_operations: null,
    });
    // dep-100, the one read by id, has node instances (written before it, as deployment creation does).
    await store.createMany(
      Array.from({ length: 10 }, (_, i) => ({
        kind: 'node_instance',
        tenant,
        id: `dep-100_vm_${i}`,
        parent: 'dep-100',
        data: { id: `dep-100_vm_${i}`, node_id: 'vm', deployment_id: 'dep-100', host_id: null, index: i, state: i < 3 ? 'started' : 'uninitialized', runtime_properties: {}, system_properties: {}, relationships: [], scaling_groups: [], visibility: 'tenant', created_by: 'admin' },
      })),
    );
    await store.createMany(Array.from({ length: count }, (_, i) => ({ kind: 'deployment', tenant, id: `dep-${i}`, data: deploymentData(i) })));
    const tenantHeaders = [`authorization:${auth}`, `tenant:${tenant}`];
    const one = await fetch(`${runtime.restUrl}/api/v3.1/deployments/dep-100`, { headers: { authorization: auth, tenant } });
    if (one.status !== 200) throw new Error(`GET /deployments/dep-100 answered ${one.status}: ${await one.text()}`);
    const deployment = await autocannon(`${runtime.restUrl}/api/v3.1/deployments/dep-100`, tenantHeaders, connections);
    console.log(`HTTP GET /deployments/{id} (autocannon -c ${connections} -d ${duration}): ${Math.round(deployment.rps)} req/s, p50 ${deployment.p50} ms, p99 ${deployment.p99} ms, non-2xx ${deployment.non2xx}, errors ${deployment.errors}`);
    const deploymentsUrl = `${runtime.restUrl}/api/v3.1/deployments?_size=100&_offset=${half}`;
    const listed = (await (await fetch(deploymentsUrl, { headers: { authorization: auth, tenant } })).json()) as { items: { id: string }[]; metadata: { pagination: { total: number } } };
    if (listed.metadata.pagination.total !== count || listed.items[0]?.id !== `dep-${half}`) throw new Error('Deployments page check failed');
    const deploymentsPage = await sequentialLatency(async () => {
      const response = await fetch(deploymentsUrl, { headers: { authorization: auth, tenant } });
      await response.arrayBuffer();
    }, 200);
    console.log(`HTTP GET /deployments?_size=100&_offset=${half} (200 sequential): p50 ${ms(deploymentsPage.p50)}, p99 ${ms(deploymentsPage.p99)}, max ${ms(deploymentsPage.max)}`);

    // ---- 4. DynamoDB requests per GET /deployments/{id}: the same routes in-process, counted.
    const counted = new DynamoDBClient({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.dynamodb });
    const requests: string[] = [];
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        requests.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    try {
      const unused = () => Promise.reject(new Error('unused'));
      const services = createApiServices({
        store: new DynamoModelStore({ client: DynamoDBDocumentClient.from(counted), tableName: runtime.resources.tables.model }),
        cipher,
        adminPassword: { read: async () => ({ username: runtime.admin.username, password: runtime.admin.password }) },
        files: { put: unused, get: unused, delete: unused, deletePrefix: unused } as unknown as FileStore,
        queues: { send: unused },
      });
      const router = createApiRouter({}, services);
      const getOne = async () => {
        const response = await router.handle({ method: 'GET', path: '/api/v3.1/deployments/dep-100', query: {}, headers: { authorization: auth, tenant }, body: Buffer.alloc(0), cookies: [], params: {}, requestId: 'count' });
        if (response.statusCode !== 200) throw new Error(`in-process GET /deployments/dep-100 answered ${response.statusCode}`);
      };
      await getOne(); // warms the user, tenant and verified-password caches
      requests.length = 0;
      const gets = 200;
      const [, countMs] = await timed(async () => {
        for (let i = 0; i < gets; i++) await getOne();
      });
      const byCommand = Object.entries(requests.reduce<Record<string, number>>((acc, name) => ({ ...acc, [name]: (acc[name] ?? 0) + 1 }), {}))
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
      console.log(`DynamoDB requests per GET /deployments/{id} (${gets} sequential GETs in-process, warm caches, ${(countMs / 1000).toFixed(1)} s): ${(requests.length / gets).toFixed(3)} (${byCommand}; user/tenant cache refreshes every 2 s included)`);
    } finally {
      counted.destroy();
    }
  } finally {
    clients.destroy();
    await runtime.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
