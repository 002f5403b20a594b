/**
 * The Stratus host agent: one outbound WebSocket to the manager, authenticated with the host's
 * agent token. It says hello, heartbeats (API Gateway closes idle connections after 10 minutes),
 * reconnects with exponential backoff and full jitter when the connection drops (API Gateway also
 * closes every connection after 2 hours), runs the operations it is sent, streams their logs in
 * batches, renews the manager's lease of each running operation (`progress` every third of it),
 * and keeps each result on disk until the manager acknowledges it.
 * Messages over 32 KB are sent as several WebSocket frames (API Gateway's frame limit).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import WebSocket from 'ws';
import { batchLogs, MAX_FRAME_BYTES, MAX_OFFLOADED_BYTES, operationKey, PROTOCOL_VERSION, SAFE_MESSAGE_BYTES } from '../src/agents/protocol';
import type { AgentMessage, LogLine, ManagerMessage, ResultMessage, RunMessage } from '../src/agents/protocol';
import { CTX_CLI_SOURCE } from './ctx/proxy';
import { Outbox } from './outbox';
import { runOperation } from './runner';
import type { RunningOperation } from './runner';

export const AGENT_VERSION = '0.1.0';
/** The manager's default operation lease (STRATUS_OPERATION_LEASE) when a run message does not say. */
const DEFAULT_LEASE_SECONDS = 330;

export interface AgentOptions {
  wsUrl: string;
  token: string;
  /** State folder: outbox, ctx command, downloads. */
  dataDir: string;
  /** Extra CA certificate(s) to trust (PEM file), on top of the system's. TLS is always verified. */
  caFile?: string;
  /** HTTPS proxy URL (default: HTTPS_PROXY / https_proxy). */
  proxy?: string;
  heartbeatSeconds?: number;
  /** Reconnect backoff: first delay and cap (ms). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  log?: (line: string) => void;
}

interface PendingCtx {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

function hostIp(): string | null {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return null;
}

export class Agent {
  private socket: WebSocket | null = null;
  private stopped = false;
  private failures = 0;
  private heartbeat?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly outbox: Outbox;
  private readonly running = new Map<string, { attempt: number; op: RunningOperation }>();
  private readonly ctxRequests = new Map<string, PendingCtx>();
  private readonly logBuffers = new Map<string, { run: RunMessage; lines: LogLine[] }>();
  private logTimer?: NodeJS.Timeout;
  private readonly connectedWaiters: (() => void)[] = [];
  private welcomed = false;
  private readonly log: (line: string) => void;
  /** Counts for tests and status: connections opened, results acknowledged. */
  readonly stats = { connections: 0, acknowledged: 0 };

  constructor(private readonly options: AgentOptions) {
    this.outbox = new Outbox(path.join(options.dataDir, 'outbox'));
    this.log = options.log ?? ((line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`));
  }

  get ctxBinDir(): string {
    return path.join(this.options.dataDir, 'bin');
  }

  async start(): Promise<void> {
    await mkdir(this.ctxBinDir, { recursive: true });
    const ctxFile = path.join(this.ctxBinDir, 'ctx');
    await writeFile(ctxFile, CTX_CLI_SOURCE);
    await chmod(ctxFile, 0o755);
    await this.outbox.load();
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    clearTimeout(this.logTimer);
    for (const { op } of this.running.values()) op.cancel('the agent is stopping');
    this.socket?.close(1000, 'agent stopping');
  }

  private connect(): void {
    if (this.stopped) return;
    const proxy = this.options.proxy ?? process.env.HTTPS_PROXY ?? process.env.https_proxy;
    const ca = this.options.caFile ? readFileSync(this.options.caFile) : undefined;
    const socket = new WebSocket(this.options.wsUrl, {
      headers: { authorization: `Bearer ${this.options.token}` },
      ...(proxy && this.options.wsUrl.startsWith('wss:') ? { agent: new HttpsProxyAgent(proxy, ca ? { ca } : {}) } : {}),
      // --ca adds to the system's CAs rather than replacing them.
      ...(ca ? { ca: [...tls.rootCertificates, ca.toString()] } : {}),
      rejectUnauthorized: true,
      handshakeTimeout: 15000,
    });
    this.socket = socket;
    socket.on('open', () => {
      this.stats.connections++;
      this.log(`connected to ${this.options.wsUrl}`);
      const hello: AgentMessage = { action: 'hello', protocol: PROTOCOL_VERSION, version: AGENT_VERSION, os: `${os.platform()} ${os.release()}`, arch: os.arch(), hostname: os.hostname(), ip: hostIp() };
      this.send(hello);
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.send({ action: 'heartbeat' }), (this.options.heartbeatSeconds ?? 60) * 1000);
    });
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('unexpected-response', (_req, res) => {
      this.log(`the manager refused the connection: HTTP ${res.statusCode}${res.statusCode === 401 ? ' (wrong, rotated or revoked agent token)' : ''}`);
    });
    socket.on('error', (err) => this.log(`connection error: ${err.message}`));
    socket.on('close', (code) => {
      clearInterval(this.heartbeat);
      if (this.socket === socket) this.socket = null;
      this.welcomed = false;
      if (this.stopped) return;
      const delay = this.backoff();
      this.log(`disconnected (${code}); reconnecting in ${Math.round(delay)} ms`);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  /** Exponential backoff with full jitter: random in [0, min(cap, base * 2^failures)]. */
  private backoff(): number {
    const base = this.options.backoffBaseMs ?? 1000;
    const cap = this.options.backoffMaxMs ?? 60000;
    const ceiling = Math.min(cap, base * 2 ** Math.min(this.failures, 20));
    this.failures++;
    return Math.max(50, Math.random() * ceiling);
  }

  get connected(): boolean {
    return this.welcomed && this.socket?.readyState === WebSocket.OPEN;
  }

  private waitConnected(timeoutMs: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not connected to the manager')), timeoutMs);
      this.connectedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Sends one message, in frames of at most 32 KB. False when not connected. */
  send(message: AgentMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    const data = Buffer.from(JSON.stringify(message), 'utf8');
    if (data.length <= MAX_FRAME_BYTES) {
      socket.send(data, { binary: false });
      return true;
    }
    for (let offset = 0; offset < data.length; offset += MAX_FRAME_BYTES) {
      socket.send(data.subarray(offset, offset + MAX_FRAME_BYTES), { binary: false, fin: offset + MAX_FRAME_BYTES >= data.length });
    }
    return true;
  }

  /**
   * Sends an operation's message whatever its size: over SAFE_MESSAGE_BYTES it is uploaded to the
   * manager's agent message bucket (a presigned PUT from ctx `upload-url`) and referenced by key.
   */
  async deliver(message: ResultMessage): Promise<boolean> {
    const text = JSON.stringify(message);
    if (Buffer.byteLength(text) <= SAFE_MESSAGE_BYTES) return this.send(message);
    const upload = (await this.ctxRequest(message, ['upload-url'])) as { url?: unknown; key?: unknown };
    if (typeof upload?.url !== 'string' || typeof upload.key !== 'string') throw new Error('the manager gave no upload URL');
    const response = await fetch(upload.url, { method: 'PUT', body: text, headers: { 'content-type': 'application/json' } });
    if (!response.ok) throw new Error(`uploading the ${message.action} message failed: HTTP ${response.status}`);
    return this.send({ action: message.action, id: message.id, execution_id: message.execution_id, task_id: message.task_id, attempt: message.attempt, payload_key: upload.key } as unknown as AgentMessage);
  }

  /** Delivers a result; a failed upload is logged and retried after the next welcome (it stays in the outbox). */
  private deliverResult(result: ResultMessage): void {
    this.deliver(result).catch((err: Error) => this.log(`could not send result ${result.id}: ${err.message}; it stays in the outbox`));
  }

  private onMessage(text: string): void {
    let message: ManagerMessage;
    try {
      message = JSON.parse(text) as ManagerMessage;
    } catch {
      this.log('ignored a message that is not JSON');
      return;
    }
    const payloadUrl = (message as { payload_url?: unknown }).payload_url;
    if (typeof payloadUrl === 'string') {
      // Over 128 KB: the manager stored the message; fetch it and handle it as if it came over the socket.
      void this.fetchStored(payloadUrl, message.action).then((stored) => stored && this.onMessage(stored));
      return;
    }
    switch (message.action) {
      case 'welcome':
        this.welcomed = true;
        this.failures = 0;
        this.log(`registered as the agent of host ${message.host_id}`);
        for (const waiter of this.connectedWaiters.splice(0)) waiter();
        for (const result of this.outbox.pending()) this.deliverResult(result);
        this.flushLogs();
        return;
      case 'run':
        void this.onRun(message);
        return;
      case 'cancel': {
        const running = this.running.get(operationKey(message));
        running?.op.cancel('cancelled by the manager');
        return;
      }
      case 'ack':
        this.stats.acknowledged++;
        void this.outbox.remove(message.id);
        if (!message.accepted) this.log(`the manager did not take result ${message.id}: ${message.reason ?? 'no reason given'}`);
        return;
      case 'ctx': {
        const pending = this.ctxRequests.get(message.request_id);
        if (!pending) return;
        this.ctxRequests.delete(message.request_id);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(new Error(message.error ?? 'ctx request failed'));
        return;
      }
      case 'error':
        this.log(`manager error: ${message.error}${message.message ? `: ${message.message}` : ''}`);
        return;
      default:
        return;
    }
  }

  private async fetchStored(url: string, action: string): Promise<string | undefined> {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      const parsed = JSON.parse(text) as { action?: unknown; payload_url?: unknown };
      if (parsed.action !== action || parsed.payload_url !== undefined) throw new Error('not the announced message');
      return text;
    } catch (err) {
      this.log(`could not fetch a large ${action} message from the manager: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async ctxRequest(run: { execution_id: string; task_id: string; attempt: number }, args: string[], timeoutMs = 30000): Promise<unknown> {
    await this.waitConnected(timeoutMs);
    const requestId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.ctxRequests.delete(requestId);
        reject(new Error(`ctx request ${args[0]} got no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.ctxRequests.set(requestId, { resolve, reject, timer });
      this.send({ action: 'ctx', request_id: requestId, execution_id: run.execution_id, task_id: run.task_id, attempt: run.attempt, args });
    });
  }

  private async fetchResource(run: RunMessage, resourcePath: string): Promise<Buffer> {
    const url = await this.ctxRequest(run, ['resource-url', resourcePath]);
    if (typeof url !== 'string') throw new Error(`No URL for resource ${resourcePath}`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`Downloading resource ${resourcePath} failed: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  private addLog(run: RunMessage, level: LogLine['level'], message: string): void {
    const key = `${operationKey(run)}#${run.attempt}`;
    const buffer = this.logBuffers.get(key) ?? { run, lines: [] };
    buffer.lines.push({ level, message, timestamp: new Date().toISOString() });
    // Bounded while disconnected: the oldest lines go first.
    if (buffer.lines.length > 10000) buffer.lines.splice(0, buffer.lines.length - 10000);
    this.logBuffers.set(key, buffer);
    this.logTimer ??= setTimeout(() => {
      this.logTimer = undefined;
      this.flushLogs();
    }, 200);
  }

  private flushLogs(): void {
    if (!this.connected) return;
    for (const [key, { run, lines }] of this.logBuffers) {
      for (const batch of batchLogs(lines)) this.send({ action: 'logs', execution_id: run.execution_id, task_id: run.task_id, attempt: run.attempt, logs: batch });
      this.logBuffers.delete(key);
    }
  }

  private async onRun(run: RunMessage): Promise<void> {
    const key = operationKey(run);
    const stored = this.outbox.find(run.execution_id, run.task_id, run.attempt);
    if (stored) {
      this.deliverResult(stored);
      return;
    }
    const current = this.running.get(key);
    if (current && current.attempt === run.attempt) return;
    if (current) current.op.cancel(`attempt ${run.attempt} replaces attempt ${current.attempt}`);
    this.log(`running ${run.name} (${run.task_id}, attempt ${run.attempt})`);
    const opDir = path.join(this.options.dataDir, 'operations', `${run.task_id.replace(/[^A-Za-z0-9_-]/g, '_')}-${run.attempt}`);
    const op = runOperation(
      run,
      {
        log: (level, message) => this.addLog(run, level, message),
        fetchResource: (resourcePath) => this.fetchResource(run, resourcePath),
        workDir: path.join(this.options.dataDir, 'resources'),
        ctxBinDir: this.ctxBinDir,
      },
      opDir,
    );
    this.running.set(key, { attempt: run.attempt, op });
    // Renews the manager's lease of this attempt while it runs (a third of it, so two renewals may be lost).
    const leaseSeconds = run.lease_seconds && run.lease_seconds > 0 ? run.lease_seconds : DEFAULT_LEASE_SECONDS;
    const renewal = setInterval(() => {
      if (this.connected) this.send({ action: 'progress', execution_id: run.execution_id, task_id: run.task_id, attempt: run.attempt });
    }, Math.max(500, (leaseSeconds * 1000) / 3));
    let outcome;
    try {
      outcome = await op.done;
    } catch (err) {
      outcome = { status: 'failure' as const, recoverable: true, error: `The agent failed to run the operation: ${(err as Error).message}`, retry_after: null, returns: null, runtime_properties: {} };
    } finally {
      clearInterval(renewal);
    }
    if (this.running.get(key)?.op === op) this.running.delete(key);
    this.flushLogs();
    let result: ResultMessage = { action: 'result', id: randomUUID(), execution_id: run.execution_id, task_id: run.task_id, attempt: run.attempt, ...outcome };
    // Over 128 KB it goes through the manager's message bucket; beyond MAX_OFFLOADED_BYTES it is refused.
    if (Buffer.byteLength(JSON.stringify(result)) > MAX_OFFLOADED_BYTES) {
      result = { ...result, status: 'failure', recoverable: false, returns: null, runtime_properties: {}, error: `The operation's result (returns and runtime properties) is larger than the ${MAX_OFFLOADED_BYTES / 1024 / 1024} MB an agent message may have: keep runtime properties small` };
    }
    await this.outbox.add(result);
    this.log(`${run.name} (${run.task_id}) ${result.status}${result.error ? `: ${result.error}` : ''}`);
    if (this.connected) this.deliverResult(result);
  }
}

