/**
 * Local runtime benchmark (issue 2, section 6):
 *   1. time to ready of `npm start --in-memory` (a real process, jar already cached), from spawn
 *      to the "ready" banner, and the runtime's own startup time;
 *   2. HTTP gateway throughput with autocannon (in its own process, so the gateway and the load
 *      generator each get one of the two cores): a trivial handler, and the real HTTP API
 *      function on GET /api/version (middy + Powertools + router).
 * Targets: ready < 5 s; >= 5,000 requests/s for the trivial handler.
 *
 *   npm run bench:local [-- --runs 3 --duration 10 --connections 50]
 */
import { execFile, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHttpApiHandler } from '../lambdas/http-api';
import { defaultJarCacheDir, ensureDynamoDbLocalJar } from '../local/dynamodb-jar';
import { startLocalRuntime } from '../local/runtime';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } },
});
const runs = Number(values.runs);
const duration = Number(values.duration);
const connections = Number(values.connections);

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Spawns `npm start --in-memory` on a free port and measures spawn → ready banner. */
async function timeToReady(): Promise<{ wallMs: number; runtimeMs: number }> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent', '--', '--in-memory'], { cwd: root, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = await new Promise<{ wallMs: number; runtimeMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 60 s:\n${output}`)), 60000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Stratus is ready in ([\d.]+) s/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ wallMs: performance.now() - started, runtimeMs: Number(match[1]) * 1000 });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before ready:\n${output}`)));
  });
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return ready;
}

interface LoadResult {
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string): Promise<LoadResult> {
  const { stdout } = await run(path.join(root, 'node_modules/.bin/autocannon'), ['-c', String(connections), '-d', String(duration), '-j', url], {
    maxBuffer: 16 << 20,
  });
  const result = JSON.parse(stdout);
  return {
    requestsPerSecond: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function main(): Promise<void> {
  await ensureDynamoDbLocalJar(defaultJarCacheDir(root));
  console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);

  const readies: { wallMs: number; runtimeMs: number }[] = [];
  for (let i = 0; i < runs; i++) readies.push(await timeToReady());
  console.log(`Time to ready (npm start --in-memory, ${runs} runs): spawn→banner ${readies.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')} s (median ${(median(readies.map((r) => r.wallMs)) / 1000).toFixed(2)} s); runtime's own ${readies.map((r) => (r.runtimeMs / 1000).toFixed(1)).join(', ')} s`);

  const trivial = async () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' });
  const runtime = await startLocalRuntime({
    port: 0,
    inMemory: true,
    logLevel: 'SILENT',
    scheduleMinutes: 0,
    handlers: {
      // /trivial measures the gateway alone; every other path goes to the real HTTP API function.
      httpApi: (settings) => {
        const real = createHttpApiHandler(settings);
        return (async (event: APIGatewayProxyEventV2, context: Context) => (event.rawPath === '/trivial' ? trivial() : real(event, context))) as never;
      },
    },
  });
  try {
    for (const [label, pathName] of [
      ['trivial handler', '/trivial'],
      ['real HTTP API function, GET /api/version', '/api/version'],
    ] as const) {
      await load(`${runtime.restUrl}${pathName}`); // warm-up
      const result = await load(`${runtime.restUrl}${pathName}`);
      console.log(
        `Throughput, ${label}: ${Math.round(result.requestsPerSecond)} req/s (autocannon -c ${connections} -d ${duration}; p50 ${result.latencyP50} ms, p99 ${result.latencyP99} ms, errors ${result.errors}, non-2xx ${result.non2xx})`,
      );
    }
  } finally {
    await runtime.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
