/**
 * Blueprint upload benchmark (issue 4, "Performance": upload of the 1,000-node blueprint < 2 s),
 * on an in-memory local runtime (DynamoDB Local, fauxqs S3, the real HTTP API function behind the
 * local gateway). The blueprint is bench/dsl.ts's generated one: 1,000 node templates (100 tiers
 * of a Compute host and 9 applications, contained_in and connected_to mixed) planned to 10,000
 * node instances. It is packed as `cfy blueprints upload` packs it (a tar.gz with one folder) and
 * sent as its multipart request (async_upload=true). Measured from the client: the whole
 * `PUT /blueprints/{id}` (extraction, parsing and validation, storage of archive, files and the
 * gzipped plan, the entity and its upload execution), then `GET /blueprints/{id}` of the result
 * (plan read back from S3 and sent gzip-encoded) for scale.
 *
 *   npx tsx bench/rest-blueprints.ts [--runs 5] [--tiers 100]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { startLocalRuntime } from '../local/runtime';
import { generateBlueprint } from './dsl';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, tiers: { type: 'string', default: '100' } } });
const RUNS = Number(values.runs);
const TIERS = Number(values.tiers);

async function cfyArchive(yaml: string): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  pack.entry({ name: 'bench/blueprint.yaml' }, yaml);
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

function multipart(archive: Buffer): { body: Buffer; type: string } {
  const boundary = 'benchboundary0123456789';
  const params = JSON.stringify({ visibility: 'tenant', async_upload: true, skip_execution: false, application_file_name: 'blueprint.yaml' });
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="params"\r\n\r\n${params}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="blueprint_archive"; filename="filename"\r\nContent-Type: text/plain\r\n\r\n`),
    archive,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const yaml = generateBlueprint(TIERS);
  const archive = await cfyArchive(yaml);
  const { body, type } = multipart(archive);
  const runtime = await startLocalRuntime({ port: 0, inMemory: true, stage: 'benchbp', scheduleMinutes: 0, pollers: false, logLevel: 'SILENT' });
  const auth = `Basic ${Buffer.from(`${runtime.admin.username}:${runtime.admin.password}`).toString('base64')}`;
  const headers = { authorization: auth, tenant: 'default_tenant' };
  try {
    console.log(`Blueprint: ${TIERS * 10} node templates, YAML ${(yaml.length / 1e6).toFixed(2)} MB, tar.gz ${(archive.length / 1024).toFixed(0)} KB`);
    console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}, Node ${process.version}`);
    const uploads: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const id = `bench-${run}`;
      const started = performance.now();
      const response = await fetch(`${runtime.restUrl}/api/v3.1/blueprints/${id}`, { method: 'PUT', headers: { ...headers, 'content-type': type }, body });
      const reply = (await response.json()) as { state?: string; message?: string };
      const ms = performance.now() - started;
      if (response.status !== 201 || reply.state !== 'uploaded') throw new Error(`Upload failed: ${response.status} ${JSON.stringify(reply).slice(0, 500)}`);
      // The first upload warms the JIT and the runtime; it is reported but not counted.
      console.log(`  upload ${run === 0 ? '(warm-up)' : run}: ${ms.toFixed(0)} ms`);
      if (run > 0) uploads.push(ms);
    }
    const started = performance.now();
    const read = await fetch(`${runtime.restUrl}/api/v3.1/blueprints/bench-1`, { headers: { ...headers, 'accept-encoding': 'gzip' } });
    const plan = ((await read.json()) as { plan: { nodes: unknown[] } }).plan;
    const readMs = performance.now() - started;
    console.log(`PUT /blueprints/{id} (1,000 nodes): median ${median(uploads).toFixed(0)} ms, best ${Math.min(...uploads).toFixed(0)} ms, worst ${Math.max(...uploads).toFixed(0)} ms over ${uploads.length} runs (target < 2000 ms)`);
    console.log(`GET /blueprints/{id} with its plan (${plan.nodes.length} nodes, content-encoding ${read.headers.get('content-encoding') ?? 'none'}): ${readMs.toFixed(0)} ms`);
  } finally {
    await runtime.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
