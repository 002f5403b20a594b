/**
 * The local stand-in for API Gateway's HTTP API: reads a request (capped at API Gateway's 10 MB
 * payload limit), builds a payload 2.0 event, invokes the HTTP function and writes its response.
 * Failures answer like API Gateway: 413 for a too-large request, 500 when the function throws or
 * returns something malformed, 503 when it times out.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvocationTimeoutError, invoke } from './lambda-invoker';
import type { LocalFunction } from './lambda-invoker';
import { buildHttpApiEvent, mapHttpApiResult } from './http-event';

/** API Gateway HTTP API's maximum request payload. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** Lambda's synchronous invocation payload limit (the event, body included, as JSON). */
export const MAX_INVOKE_BYTES = 6 * 1024 * 1024;

export interface HttpGatewayOptions {
  fn: LocalFunction<unknown, unknown>;
  apiId: string;
  maxRequestBytes?: number;
  onError?: (err: unknown) => void;
}

function sendGatewayError(res: ServerResponse, statusCode: number, message: string, requestId: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'apigw-requestid': requestId });
  res.end(body);
}

class PayloadTooLargeError extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new PayloadTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

export function createHttpGateway(options: HttpGatewayOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
  return (req, res) => {
    const requestId = randomUUID();
    void (async () => {
      let body: Buffer;
      try {
        body = await readBody(req, limit);
      } catch (err) {
        if (err instanceof PayloadTooLargeError) {
          res.setHeader('connection', 'close');
          sendGatewayError(res, 413, 'Request Entity Too Large', requestId);
        } else {
          sendGatewayError(res, 400, 'Bad Request', requestId);
        }
        return;
      }
      const event = buildHttpApiEvent(
        {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          rawHeaders: req.rawHeaders,
          body,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          httpVersion: req.httpVersion,
        },
        { requestId, apiId: options.apiId, now: new Date(), port: req.socket.localPort ?? 0 },
      );
      // Base64 grows a binary body by a third: a 5 MB upload no longer fits in Lambda's 6 MB.
      if ((event.body?.length ?? 0) > MAX_INVOKE_BYTES) {
        sendGatewayError(res, 413, 'Request Entity Too Large', requestId);
        return;
      }
      try {
        const response = mapHttpApiResult(await invoke(options.fn, event));
        res.statusCode = response.statusCode;
        for (const [name, value] of response.headers) res.appendHeader(name, value);
        res.setHeader('content-length', response.body.length);
        res.setHeader('apigw-requestid', requestId);
        res.end(response.body);
      } catch (err) {
        options.onError?.(err);
        if (err instanceof InvocationTimeoutError) sendGatewayError(res, 503, 'Service Unavailable', requestId);
        else sendGatewayError(res, 500, 'Internal Server Error', requestId);
      }
    })();
  };
}
