/**
 * A real agent process (agent/bin.mjs) for tests: started with its credential, WebSocket URL and
 * data folder, its stdout and stderr collected so a test can read what it logged.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

const AGENT_BIN = path.resolve(import.meta.dirname, '../../agent/bin.mjs');

export interface AgentProcess {
  child: ChildProcess;
  output: string[];
}

/** Starts the agent; `args` are its further options (a short heartbeat unless told otherwise). */
export function startAgentProcess(wsUrl: string, token: string, dataDir: string, args: string[] = ['--heartbeat', '5']): AgentProcess {
  const output: string[] = [];
  const child = spawn(process.execPath, [AGENT_BIN, '--ws-url', wsUrl, '--data-dir', dataDir, ...args], {
    env: { ...process.env, STRATUS_AGENT_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  return { child, output };
}

/** How often the agent logged that it registered (once per connection it was welcomed on). */
export function registrations(agent: AgentProcess): number {
  return (agent.output.join('').match(/registered as the agent/g) ?? []).length;
}
