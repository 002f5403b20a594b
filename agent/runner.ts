/**
 * Runs one operation on the host: Cloudify's script plugin (`script_runner.tasks.run`). The script
 * (script_path downloaded from the blueprint's resources or an http(s)/file URL, or script_source)
 * is written to the operation's folder with mode 755 and started in its own process group:
 * interpreter by extension (.py → python3, .ps1 → powershell, .js/.mjs/.cjs → node) or shebang
 * (else /bin/sh); `process.command_prefix` runs `prefix path args` through the shell. Environment:
 * the agent's, every other input (dicts/lists/booleans JSON-encoded), `process.env`, CTX_SOCKET_URL
 * and the ctx command first on PATH. stdout/stderr lines become logs. Exit 0 = success, anything
 * else a recoverable failure; a timeout or a cancel terminates the whole process tree.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Dict } from '../src/dsl';
import type { LogLine, RunMessage } from '../src/agents/protocol';
import { buildOperationCtx } from './ctx/context';
import type { CtxHooks } from './ctx/context';
import { startCtxProxy } from './ctx/proxy';

export const SCRIPT_OPERATION = 'script_runner.tasks.run';
/** After SIGTERM, how long a process tree gets before SIGKILL. */
const KILL_GRACE_MS = 3000;

export interface RunHooks extends CtxHooks {
  /** Folder holding the `ctx` command. */
  ctxBinDir: string;
}

export interface OperationResult {
  status: 'success' | 'failure';
  recoverable: boolean;
  error: string | null;
  retry_after: number | null;
  returns: unknown;
  runtime_properties: Record<string, Dict>;
}

/** Operation inputs as environment variables: strings as they are, dicts/lists/booleans/numbers JSON. */
export function inputsAsEnv(inputs: Dict): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (value === null || value === undefined) env[name] = '';
    else env[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return env;
}

const RESERVED_INPUTS = new Set(['script_path', 'script_source', 'process', 'ssl_cert_content']);

function extensionOf(scriptPath: string): string {
  return path.extname(scriptPath.split('?')[0]).toLowerCase();
}

async function scriptBytes(inputs: Dict, hooks: RunHooks): Promise<{ data: Buffer; name: string }> {
  if (typeof inputs.script_source === 'string' && inputs.script_source !== '') return { data: Buffer.from(inputs.script_source), name: 'script' };
  const source = inputs.script_path;
  if (typeof source !== 'string' || source === '') throw new Error('script_runner.tasks.run needs a script_path or script_source input');
  if (/^https?:\/\//i.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`Downloading ${source} failed: HTTP ${response.status}`);
    return { data: Buffer.from(await response.arrayBuffer()), name: path.basename(new URL(source).pathname) || 'script' };
  }
  if (source.startsWith('file://')) return { data: await readFile(fileURLToPath(source)), name: path.basename(source) };
  return { data: await hooks.fetchResource(source), name: path.basename(source) };
}

function commandFor(file: string, data: Buffer, processInputs: Dict): { command: string; args: string[]; shell: boolean } {
  const extra = Array.isArray(processInputs.args) ? processInputs.args.map(String) : [];
  const prefix = typeof processInputs.command_prefix === 'string' ? processInputs.command_prefix : null;
  const quoted = [file, ...extra].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  if (prefix) return { command: `${prefix} ${quoted}`, args: [], shell: true };
  const ext = extensionOf(file);
  if (ext === '.py') return { command: 'python3', args: [file, ...extra], shell: false };
  if (ext === '.ps1') return { command: 'powershell', args: ['-File', file, ...extra], shell: false };
  if (['.js', '.mjs', '.cjs'].includes(ext)) return { command: process.execPath, args: [file, ...extra], shell: false };
  if (data.subarray(0, 2).toString() === '#!') return { command: file, args: extra, shell: false };
  return { command: '/bin/sh', args: [file, ...extra], shell: false };
}

/** Sends a signal to a whole process group (the script and everything it started). */
export function killTree(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export interface RunningOperation {
  done: Promise<OperationResult>;
  /** Terminates the process tree; the result is a non-recoverable failure. */
  cancel(reason: string): void;
}

export function runOperation(run: RunMessage, hooks: RunHooks, opDir: string): RunningOperation {
  let cancelReason: string | null = null;
  let child: ReturnType<typeof spawn> | null = null;
  const cancel = (reason: string) => {
    cancelReason = reason;
    if (child?.pid) terminate(child.pid);
  };
  const done = execute(run, hooks, opDir, () => cancelReason, (started) => {
    child = started;
    if (cancelReason && started.pid) terminate(started.pid);
  });
  return { done, cancel };
}

function terminate(pid: number): void {
  killTree(pid, 'SIGTERM');
  setTimeout(() => killTree(pid, 'SIGKILL'), KILL_GRACE_MS).unref();
}

function failure(error: string, recoverable: boolean): OperationResult {
  return { status: 'failure', recoverable, error, retry_after: null, returns: null, runtime_properties: {} };
}

async function execute(run: RunMessage, hooks: RunHooks, opDir: string, cancelled: () => string | null, started: (child: ReturnType<typeof spawn>) => void): Promise<OperationResult> {
  if (run.plugin === 'agent' && run.operation.startsWith('cloudify_agent.operations.')) {
    // Cloudify's agent self-management (stop/restart over AMQP, plugin installation): nothing to do here.
    hooks.log('info', `${run.operation}: nothing to do for the Stratus agent`);
    return { status: 'success', recoverable: false, error: null, retry_after: null, returns: null, runtime_properties: {} };
  }
  if (run.operation !== SCRIPT_OPERATION) {
    return failure(`Operation ${run.plugin}.${run.operation} is not supported by the Stratus agent: host operations run through the script plugin (${SCRIPT_OPERATION})`, false);
  }
  const inputs = run.inputs ?? {};
  const processInputs = (inputs.process && typeof inputs.process === 'object' && !Array.isArray(inputs.process) ? inputs.process : {}) as Dict;
  const ctx = buildOperationCtx(run, hooks);
  await mkdir(opDir, { recursive: true });
  let proxy: Awaited<ReturnType<typeof startCtxProxy>> | undefined;
  try {
    let script: { data: Buffer; name: string };
    try {
      script = await scriptBytes(inputs, hooks);
    } catch (err) {
      return failure(`Could not get the script: ${(err as Error).message}`, true);
    }
    const file = path.join(opDir, script.name.replace(/[^A-Za-z0-9._-]/g, '_') || 'script');
    await writeFile(file, script.data);
    await chmod(file, 0o755);
    proxy = await startCtxProxy(ctx.root);
    const operationEnv = Object.fromEntries(Object.entries(inputs).filter(([name]) => !RESERVED_INPUTS.has(name)));
    const processEnv = processInputs.env && typeof processInputs.env === 'object' ? inputsAsEnv(processInputs.env as Dict) : {};
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      TMPDIR: opDir,
      ...inputsAsEnv(operationEnv),
      ...processEnv,
      CTX_SOCKET_URL: proxy.url,
      PATH: `${hooks.ctxBinDir}${path.delimiter}${processEnv.PATH ?? process.env.PATH ?? '/usr/bin:/bin'}`,
    };
    const { command, args, shell } = commandFor(file, script.data, processInputs);
    const cwd = typeof processInputs.cwd === 'string' && processInputs.cwd ? processInputs.cwd : opDir;
    const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; stderrTail: string[]; spawnError?: Error }>((resolve) => {
      const child = spawn(command, args, { cwd, env, shell, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      started(child);
      const stderrTail: string[] = [];
      let timedOut = false;
      const timer = run.timeout && run.timeout > 0 ? setTimeout(() => {
        timedOut = true;
        if (child.pid) terminate(child.pid);
      }, run.timeout * 1000) : null;
      createInterface({ input: child.stdout! }).on('line', (line) => hooks.log('info', line));
      createInterface({ input: child.stderr! }).on('line', (line) => {
        hooks.log('warning', line);
        stderrTail.push(line);
        if (stderrTail.length > 10) stderrTail.shift();
      });
      child.once('error', (spawnError) => {
        if (timer) clearTimeout(timer);
        resolve({ code: null, signal: null, timedOut, stderrTail, spawnError });
      });
      // 'exit', not 'close': a daemon the script started may keep stdout open for ever.
      child.once('exit', (code, signal) => {
        if (timer) clearTimeout(timer);
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          resolve({ code, signal, timedOut, stderrTail });
        };
        const drained = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish();
        }, 500);
        child.once('close', () => {
          clearTimeout(drained);
          finish();
        });
      });
    });
    const reason = cancelled();
    if (reason) return failure(`Operation ${run.name} was cancelled: ${reason}`, false);
    if (outcome.spawnError) return failure(`Could not start ${command}: ${outcome.spawnError.message}`, true);
    if (outcome.timedOut) return failure(`Operation ${run.name} timed out after ${run.timeout} seconds (process tree terminated)`, true);
    const set = ctx.outcome();
    const base = { returns: ctx.returns(), runtime_properties: ctx.runtimeUpdates() };
    if (set?.kind === 'abort') return { ...base, status: 'failure', recoverable: false, error: set.message, retry_after: null };
    if (set?.kind === 'retry') return { ...base, status: 'failure', recoverable: true, error: set.message, retry_after: set.afterSeconds ?? 0 };
    if (outcome.code !== 0) {
      const how = outcome.code === null ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
      const tail = outcome.stderrTail.length ? `: ${outcome.stderrTail.join('\n')}` : '';
      return failure(`Script ${script.name} ${how}${tail}`, true);
    }
    return { ...base, status: 'success', recoverable: false, error: null, retry_after: null };
  } finally {
    await proxy?.close();
    await rm(opDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

export type { LogLine };
