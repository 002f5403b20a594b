/**
 * `npm start`: runs the local runtime until SIGINT/SIGTERM.
 *
 *   npm start [-- --in-memory]
 *   HOST, PORT (0 = any free port), STRATUS_DATA_DIR, STRATUS_ADMIN_PASSWORD, STRATUS_LOG_LEVEL
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseLogLevel } from '../lambdas/support/settings';
import { JavaMissingError } from './java';
import { DEFAULT_PORT, startLocalRuntime } from './runtime';
import type { LocalRuntime } from './runtime';

// Node 20 is supported for the local runtime; the SDK's notice about its future Node 22 minimum
// would otherwise be printed at every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage: npm start [-- --in-memory]

Starts Stratus locally: DynamoDB Local, fauxqs (SQS and S3), the REST API and the WebSocket API.

Options:
  --in-memory   keep nothing on disk (default: data persists in .stratus/)
  -h, --help    show this help

Environment:
  HOST                    interface to listen on (default 127.0.0.1)
  PORT                    port (default ${DEFAULT_PORT}; 0 = any free port)
  STRATUS_DATA_DIR        data folder (default ./.stratus)
  STRATUS_ADMIN_PASSWORD  the admin password (default: generated once, kept in the data folder)
  STRATUS_LOG_LEVEL       handler log level: DEBUG, INFO, WARN (default), ERROR, SILENT
`;

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer from 0 to 65535, got "${value}"`);
  return port;
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * What to type next: the README's quick start (README.md, "Quick start"; the README test checks
 * that each of these commands is there). The CLI finds this manager by itself when it listens on
 * the default address and keeps its password in ./.stratus; otherwise the exports say where it is.
 */
function nextSteps(runtime: Pick<LocalRuntime, 'restUrl' | 'dataDir' | 'admin'>): string[] {
  const exports: string[] = [];
  if (runtime.restUrl !== `http://127.0.0.1:${DEFAULT_PORT}`) exports.push(`export STRATUS_MANAGER=${runtime.restUrl}`);
  if (runtime.dataDir !== path.resolve('.stratus')) exports.push(`export STRATUS_PASSWORD=${shellQuote(runtime.admin.password)}`);
  return [
    `Next, in another terminal in this folder (README.md, "Quick start"):`,
    ...exports.map((line) => `  ${line}`),
    '  npx stratus blueprints upload examples/hello-world -b hello',
    '  npx stratus deployments create hello -b hello -i port=${HELLO_PORT:-8000}',
    '  sh -c "$(npx stratus agents install-command -d hello --local)"    # the host\'s agent: a third terminal, keep it running',
    '  npx stratus executions start install -d hello',
    '  curl "$(npx stratus deployments outputs hello url)"',
  ];
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { 'in-memory': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  const inMemory = args.values['in-memory'] === true;
  const log = (line: string) => console.log(`[stratus] ${line}`);
  const runtime = await startLocalRuntime({
    host: process.env.HOST || '127.0.0.1',
    port: parsePort(process.env.PORT),
    inMemory,
    dataDir: process.env.STRATUS_DATA_DIR,
    logLevel: parseLogLevel(process.env.STRATUS_LOG_LEVEL, 'WARN'),
    log,
  });
  const passwordNote = {
    environment: '(from STRATUS_ADMIN_PASSWORD)',
    generated: runtime.dataDir ? `(generated, kept in ${runtime.dataDir}/admin-password)` : '(generated for this run)',
    file: `(from ${runtime.dataDir}/admin-password)`,
  }[runtime.admin.source];
  console.log(
    [
      '',
      `Stratus is ready in ${(runtime.startupMs / 1000).toFixed(1)} s.`,
      `  REST API:   ${runtime.restUrl}   (try ${runtime.restUrl}/api/version)`,
      `  WebSocket:  ${runtime.wsUrl}`,
      `  Admin:      ${runtime.admin.username} / ${runtime.admin.password} ${passwordNote}`,
      `  Data:       ${runtime.dataDir ?? 'in memory (nothing is kept)'}`,
      '',
      ...nextSteps(runtime),
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      log(`${signal} received, stopping…`);
      // A second signal while stopping means "now" — but not the copy that comes right after the
      // first: Ctrl+C signals the whole process group, and npm relays it once more.
      const first = Date.now();
      process.on(signal, () => {
        if (Date.now() - first > 1000) process.exit(130);
      });
      resolve();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await runtime.stop();
  log('Stopped.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof JavaMissingError) console.error(`\n${err.message}\n`);
    else console.error(`Stratus failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
