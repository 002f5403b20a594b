/**
 * Helpers for the examples' end-to-end tests: a free TCP port, an HTTP GET that reports a closed
 * port as `undefined`, and starting the host agent exactly as `stratus agents install-command --local`
 * prints it (in its own process group, so the test can end it and whatever it started).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import type { Cli } from '../cli/cli-process';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The page's status and body, or undefined when nothing listens on the port. */
export async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs the line `agents install-command -d DEPLOYMENT --local` printed, as a user would paste it. */
export async function startLocalAgent(cli: Cli, deployment: string): Promise<ChildProcess> {
  const printed = await cli.ok(['agents', 'install-command', '-d', deployment, '--local']);
  const command = printed.trim().split('\n').find((line) => line.startsWith('STRATUS_AGENT_TOKEN='));
  if (!command) throw new Error(`no agent command printed:\n${printed}`);
  return spawn('sh', ['-c', command], { cwd: cli.home, env: cli.env(), detached: true, stdio: 'ignore' });
}

export function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL'); // the shell and the agent it started
  } catch {
    // already gone
  }
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/**
 * Kills what an example left running when a test failed half way: the processes whose command line
 * holds the test's own temporary HOME (only this test's servers do). Linux /proc; elsewhere a no-op.
 */
export function killLeftovers(home: string): void {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return;
  }
  for (const pid of entries) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${home}/.stratus-examples/`)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}
