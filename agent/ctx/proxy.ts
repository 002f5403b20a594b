/**
 * The ctx proxy of one operation: an HTTP server on 127.0.0.1 at a random port and a random secret
 * path (CTX_SOCKET_URL), so only the operation's own processes, which get the URL in their
 * environment, can drive its ctx. Each request is `{"args": [...]}`; the answer is
 * `{"type": "result", "payload": <printed text>}` or `{"type": "error", "payload": <message>}`.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CtxError, formatCtxValue, resolveCtx } from './resolve';
import type { Namespace } from './resolve';

const MAX_REQUEST_BYTES = 1024 * 1024;

export interface CtxProxy {
  url: string;
  close(): Promise<void>;
}

export async function startCtxProxy(root: Namespace): Promise<CtxProxy> {
  const secret = randomBytes(16).toString('hex');
  const server = createServer((req, res) => {
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== `/${secret}`) return answer(404, { type: 'error', payload: 'Not found' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      void (async () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { args?: unknown };
          if (!Array.isArray(body.args) || !body.args.every((arg) => typeof arg === 'string')) throw new CtxError('The request must be {"args": [strings]}');
          const value = await resolveCtx(root, body.args as string[]);
          answer(200, { type: 'result', payload: formatCtxValue(value) });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          answer(err instanceof CtxError || err instanceof SyntaxError ? 400 : 500, { type: 'error', payload: message });
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${secret}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The `ctx` command put on the PATH of operation scripts: plain Node (the agent's only host
 * requirement), posting its arguments to CTX_SOCKET_URL and printing the answer.
 */
export const CTX_CLI_SOURCE = `#!/usr/bin/env node
// Stratus agent ctx command: ctx [--timeout SECONDS] ARGS... (see docs/agent.md)
const args = process.argv.slice(2);
let timeout = 30;
if (args[0] === '--timeout') { timeout = Number(args[1]); args.splice(0, 2); }
const url = process.env.CTX_SOCKET_URL;
if (!url) { process.stderr.write('ctx: CTX_SOCKET_URL is not set (ctx works inside an operation only)\\n'); process.exit(2); }
// Works whether Node loads this file as CommonJS or as an ES module.
import('node:http').then((http) => {
const body = JSON.stringify({ args });
const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: timeout * 1000 }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    let answer;
    try { answer = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { process.stderr.write('ctx: bad answer from the ctx proxy\\n'); process.exit(1); }
    if (answer.type === 'error') { process.stderr.write('ctx: ' + answer.payload + '\\n'); process.exit(1); }
    if (answer.payload !== '') process.stdout.write(answer.payload + '\\n');
  });
});
req.on('timeout', () => { req.destroy(new Error('timed out after ' + timeout + ' s')); });
req.on('error', (err) => { process.stderr.write('ctx: ' + err.message + '\\n'); process.exit(1); });
req.end(body);
});
`;
