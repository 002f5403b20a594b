/**
 * Agent connection benchmark (issue 6): N agents (default 10,000) connected at once to the local
 * runtime's WebSocket gateway, each with its own agent credential, heartbeating.
 *   - connect time: upgrade request → open (authorizer: credential check in DynamoDB Local; route
 *     function $connect: connection registered), per connection and for all of them;
 *   - heartbeat round trip: `{"action":"heartbeat"}` → `{"action":"heartbeat","ok":true}` (the
 *     websocket function touches the connection record and answers through @connections);
 *   - memory of the runtime process (this one; the gateway, handlers and fauxqs live here,
 *     DynamoDB Local is its own Java process) before and after the connections, per connection.
 * The agents are plain `ws` clients in a few child processes (`--clients`), so their memory and CPU
 * are not the runtime's. Credentials are written straight to the model table (the same records
 * POST /agents/{id}/credentials writes), which keeps 10,000 REST calls out of the measurement.
 *
 *   npm run bench:agents [-- --agents 10000 --clients 4 --heartbeat 20 --duration 60 --hello]
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '4' },
    heartbeat: { type: 'string', default: '20' },
    duration: { type: 'string', default: '60' },
    inflight: { type: 'string', default: '50' },
    hello: { type: 'boolean', default: false },
    client: { type: 'boolean', default: false },
  },
});

interface ClientJob {
  wsUrl: string;
  tokens: string[];
  heartbeatSeconds: number;
  durationSeconds: number;
  inflight: number;
  hello: boolean;
}

interface ClientReport {
  connectMs: number[];
  failures: string[];
  rttMs: number[];
  helloMs: number[];
  closedEarly: number;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return `n=${s.length} p50 ${pct(s, 50).toFixed(1)} ms, p99 ${pct(s, 99).toFixed(1)} ms, max ${s.length ? s[s.length - 1].toFixed(1) : NaN} ms`;
};

// ----- client process: many agent connections -----

async function runClient(job: ClientJob): Promise<ClientReport> {
  const report: ClientReport = { connectMs: [], failures: [], rttMs: [], helloMs: [], closedEarly: 0 };
  const sockets: WebSocket[] = [];
  let measuring = true;
  const open = (token: string) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const socket = new WebSocket(job.wsUrl, { headers: { authorization: `Bearer ${token}` }, handshakeTimeout: 120000 });
      let pendingBeat = 0;
      let helloAt = 0;
      socket.on('open', () => {
        report.connectMs.push(performance.now() - started);
        sockets.push(socket);
        if (job.hello) {
          helloAt = performance.now();
          socket.send(JSON.stringify({ action: 'hello', protocol: 1, version: 'bench', os: 'linux', arch: 'x64', hostname: 'bench', ip: '127.0.0.1' }));
        }
        // Heartbeats start at a random point of the interval (agents do not beat in step).
        const beat = () => {
          if (socket.readyState !== WebSocket.OPEN) return;
          pendingBeat = performance.now();
          socket.send('{"action":"heartbeat"}');
        };
        setTimeout(() => {
          beat();
          (socket as WebSocket & { timer?: NodeJS.Timeout }).timer = setInterval(beat, job.heartbeatSeconds * 1000);
        }, Math.random() * job.heartbeatSeconds * 1000);
        resolve();
      });
      socket.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('{"action":"heartbeat"') && pendingBeat) {
          if (measuring) report.rttMs.push(performance.now() - pendingBeat);
          if (!text.includes('"ok":true')) report.failures.push(`heartbeat: ${text.slice(0, 200)}`);
          pendingBeat = 0;
        } else if (text.includes('"action":"welcome"') && helloAt) {
          report.helloMs.push(performance.now() - helloAt);
          helloAt = 0;
        }
      });
      socket.on('unexpected-response', (_req, res) => {
        report.failures.push(`HTTP ${res.statusCode}`);
        resolve();
      });
      socket.on('error', (err) => {
        if (socket.readyState !== WebSocket.OPEN) {
          report.failures.push(err.message);
          resolve();
        }
      });
      socket.on('close', () => {
        if (measuring) report.closedEarly++;
      });
    });
  // A bounded number of connects in flight per client (a fleet of hosts does not connect in one instant either).
  let next = 0;
  await Promise.all(
    Array.from({ length: job.inflight }, async () => {
      while (next < job.tokens.length) await open(job.tokens[next++]);
    }),
  );
  process.send?.({ kind: 'connected', count: sockets.length });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  // Heartbeat phase: as long as the parent says.
  await new Promise((resolve) => setTimeout(resolve, job.durationSeconds * 1000));
  measuring = false;
  for (const socket of sockets) {
    clearInterval((socket as WebSocket & { timer?: NodeJS.Timeout }).timer);
    socket.terminate();
  }
  return report;
}

if (values.client) {
  process.once('message', (job: ClientJob) => {
    runClient(job).then(
      (report) => process.send?.({ kind: 'report', report }, () => process.exit(0)),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
} else {
  await main();
}

// ----- the runtime process -----

async function main(): Promise<void> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const { DynamoModelStore } = await import('../adapters/dynamodb/model-store');
  const { startLocalRuntime } = await import('../local/runtime');
  const { agentTokenValue, hashAgentSecret, newAgentCredential } = await import('../src/agents/credentials');
  const { agentRef } = await import('../src/agents/records');
  const agents = Number(values.agents);
  const clients = Math.max(1, Number(values.clients));
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const memory = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage();
  };
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}`);

  const runtime = await startLocalRuntime({ port: 0, inMemory: true, logLevel: 'SILENT', scheduleMinutes: 0 });
  const raw = new DynamoDBClient({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.dynamodb });
  const store = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: runtime.resources.tables.model });
  try {
    const seedStarted = performance.now();
    const tokens: string[] = [];
    const now = new Date().toISOString();
    const entities = Array.from({ length: agents }, (_, i) => {
      const hostId = `host_${i.toString(36).padStart(6, '0')}`;
      const credential = newAgentCredential('default_tenant', hostId);
      tokens.push(agentTokenValue(credential));
      const ref = agentRef('default_tenant', hostId);
      return {
        ...ref,
        parent: 'bench',
        data: { id: hostId, host_id: hostId, node: 'host', deployment: 'bench', install_method: 'provided', ip: null, system: null, version: null, hostname: null, state: 'created', credential_hash: hashAgentSecret(credential.secret), credential_created_at: now, connection_id: null, connected_at: null, created_at: now },
      };
    });
    for (let i = 0; i < entities.length; i += 1000) await store.createMany(entities.slice(i, i + 1000));
    console.log(`seeded ${agents} agent credentials in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    const before = memory();
    console.log(`runtime process before: rss ${mb(before.rss)}, heap used ${mb(before.heapUsed)}`);
    const script = fileURLToPath(import.meta.url);
    const perClient = Math.ceil(agents / clients);
    const children: ChildProcess[] = [];
    const connected: Promise<number>[] = [];
    const reports: Promise<ClientReport>[] = [];
    const connectStarted = performance.now();
    for (let c = 0; c < clients; c++) {
      const child = fork(script, ['--client'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
      children.push(child);
      connected.push(new Promise((resolve) => child.on('message', (m: { kind: string; count?: number }) => m.kind === 'connected' && resolve(m.count ?? 0))));
      reports.push(new Promise((resolve, reject) => {
        child.on('message', (m: { kind: string; report?: ClientReport }) => m.kind === 'report' && resolve(m.report!));
        child.on('exit', (code) => code !== 0 && reject(new Error(`client ${c} exited with ${code}`)));
      }));
      const job: ClientJob = { wsUrl: runtime.wsUrl, tokens: tokens.slice(c * perClient, (c + 1) * perClient), heartbeatSeconds: Number(values.heartbeat), durationSeconds: Number(values.duration), inflight: Number(values.inflight), hello: values.hello ?? false };
      child.send(job);
    }
    const counts = await Promise.all(connected);
    const allConnectedS = (performance.now() - connectStarted) / 1000;
    const open = counts.reduce((a, b) => a + b, 0);
    const after = memory();
    console.log(`connected ${open}/${agents} in ${allConnectedS.toFixed(1)} s (${(open / allConnectedS).toFixed(0)} connects/s)`);
    console.log(`runtime process after connect: rss ${mb(after.rss)}, heap used ${mb(after.heapUsed)}; per connection rss ${((after.rss - before.rss) / Math.max(1, open) / 1024).toFixed(1)} KB, heap ${((after.heapUsed - before.heapUsed) / Math.max(1, open) / 1024).toFixed(1)} KB`);
    for (const child of children) child.send('go');
    const done = await Promise.all(reports);
    const steady = memory();
    console.log(`runtime process after ${values.duration} s of heartbeats: rss ${mb(steady.rss)}, heap used ${mb(steady.heapUsed)}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const all = (pick: (r: ClientReport) => number[]) => done.flatMap(pick);
    console.log(`connect time per connection: ${summary(all((r) => r.connectMs))}`);
    console.log(`heartbeat round trip: ${summary(all((r) => r.rttMs))}`);
    if (values.hello) console.log(`hello → welcome: ${summary(all((r) => r.helloMs))}`);
    const failures = done.flatMap((r) => r.failures);
    console.log(`failures: ${failures.length}${failures.length ? ` (first: ${failures.slice(0, 5).join('; ')})` : ''}; closed early: ${done.reduce((a, r) => a + r.closedEarly, 0)}`);
  } finally {
    raw.destroy();
    await runtime.stop();
  }
}
