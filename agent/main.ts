/**
 * `stratus-agent --manager URL --token TOKEN [--ws-url URL] [--data-dir DIR] [--ca FILE] [--proxy URL]
 * [--heartbeat S] [--reconnect-max S]`:
 * runs the host agent in the foreground until SIGINT/SIGTERM. The token may also come from
 * STRATUS_AGENT_TOKEN (keeps it out of `ps`).
 */
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { Agent, AGENT_VERSION } from './agent';

/** The WebSocket URL of a manager: the local runtime serves it at /ws of the REST URL. */
export function defaultWsUrl(managerUrl: string): string {
  const url = new URL(managerUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  return url.toString();
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('stratus-agent')
    .description('Stratus host agent: runs operations sent by the manager over an outbound WebSocket')
    .version(AGENT_VERSION)
    .option('--manager <url>', 'manager REST URL (https://...)')
    .option('--ws-url <url>', 'WebSocket URL (default: the manager URL with ws(s):// and /ws)')
    .option('--token <token>', 'agent token (default: $STRATUS_AGENT_TOKEN)')
    .option('--data-dir <dir>', 'state folder (outbox of unacknowledged results, ctx command)', path.join(os.homedir(), '.stratus-agent'))
    .option('--ca <file>', 'also trust this CA certificate (PEM) for TLS')
    .option('--proxy <url>', 'HTTPS proxy (default: $HTTPS_PROXY)')
    .option('--heartbeat <seconds>', 'heartbeat interval', '60')
    .option('--reconnect-max <seconds>', 'longest wait between reconnect attempts (exponential backoff from 1 s, full jitter)', '60')
    .exitOverride();
  try {
    program.parse(argv);
  } catch (err) {
    return (err as { exitCode?: number }).exitCode ?? 2;
  }
  const options = program.opts<{ manager?: string; wsUrl?: string; token?: string; dataDir: string; ca?: string; proxy?: string; heartbeat: string; reconnectMax: string }>();
  const token = options.token ?? process.env.STRATUS_AGENT_TOKEN;
  if (!token) {
    process.stderr.write('stratus-agent: --token (or STRATUS_AGENT_TOKEN) is required\n');
    return 2;
  }
  if (!options.wsUrl && !options.manager) {
    process.stderr.write('stratus-agent: --manager or --ws-url is required\n');
    return 2;
  }
  const heartbeatSeconds = Number(options.heartbeat);
  if (!Number.isFinite(heartbeatSeconds) || heartbeatSeconds <= 0 || heartbeatSeconds >= 600) {
    process.stderr.write('stratus-agent: --heartbeat must be between 0 and 600 seconds (API Gateway closes idle connections after 10 minutes)\n');
    return 2;
  }
  const reconnectMaxSeconds = Number(options.reconnectMax);
  if (!Number.isFinite(reconnectMaxSeconds) || reconnectMaxSeconds < 1 || reconnectMaxSeconds > 3600) {
    process.stderr.write('stratus-agent: --reconnect-max must be between 1 and 3600 seconds\n');
    return 2;
  }
  const agent = new Agent({
    wsUrl: options.wsUrl ?? defaultWsUrl(options.manager!),
    token,
    dataDir: path.resolve(options.dataDir),
    caFile: options.ca,
    proxy: options.proxy,
    heartbeatSeconds,
    backoffMaxMs: reconnectMaxSeconds * 1000,
  });
  await agent.start();
  await new Promise<void>((resolve) => {
    const stop = () => {
      void agent.stop().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
