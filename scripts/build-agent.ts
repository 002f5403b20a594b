/**
 * Builds the single-file Stratus agent: agent/main.ts with its dependencies (ws, nunjucks,
 * https-proxy-agent, commander) bundled by esbuild into one CommonJS file that runs on any
 * Node.js >= 18 with nothing else installed (docs/agent.md). The manager serves it at
 * `GET /api/v3.1/agents/package`: the local runtime builds it on the first request; in AWS it is
 * uploaded to the agentPackages bucket under AGENT_BUNDLE_KEY by `cdk deploy` (lib/constructs/agent-package.ts).
 *
 *   npx tsx scripts/build-agent.ts [OUT_FILE]      # default: cdk.out/stratus-agent.js
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildSync } from 'esbuild';
import type { BuildOptions } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The entry calls main() itself: the bundle is run as `node agent.js ...`. */
const ENTRY = `import { main } from './main';
main(process.argv).then((code) => { process.exitCode = code; }, (err) => { console.error(err); process.exitCode = 1; });
`;

/** esbuild options of the bundle (shared by the async build and the CDK's synth-time build). */
export function agentBundleOptions() {
  return {
    stdin: { contents: ENTRY, resolveDir: path.join(ROOT, 'agent'), sourcefile: 'stratus-agent.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    minify: true,
    legalComments: 'eof',
    // Optional native speed-ups of ws and the file watcher of nunjucks: absent is fine (both are
    // required inside try/catch).
    external: ['bufferutil', 'utf-8-validate', 'chokidar', 'fsevents'],
    banner: { js: '#!/usr/bin/env node\n// Stratus host agent (single file). Usage: node agent.js --manager URL (token in STRATUS_AGENT_TOKEN)' },
    write: false,
    logLevel: 'silent',
  } satisfies BuildOptions;
}

export async function buildAgentBundle(): Promise<Buffer> {
  const result = await build(agentBundleOptions());
  return Buffer.from(result.outputFiles[0].contents);
}

/** The same bundle, synchronously: CDK constructs are built synchronously at synth. */
export function buildAgentBundleSync(): Buffer {
  const result = buildSync(agentBundleOptions());
  return Buffer.from(result.outputFiles[0].contents);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'cdk.out/stratus-agent.js'));
  const bundle = await buildAgentBundle();
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, bundle, { mode: 0o755 });
  process.stdout.write(`${out} (${bundle.length} bytes)\n`);
}
