/**
 * The local stand-in for API Gateway's WebSocket API and its @connections management endpoint.
 *
 * $connect: the REQUEST authorizer runs on the upgrade request (401/403 reject the upgrade), then
 * the route function's $connect (a non-2xx answer or an error rejects it too); only then is the
 * socket accepted. Messages are routed by their `action` and invoked concurrently, as API Gateway
 * does. `POST/GET/DELETE /@connections/{id}` send, describe and close; an unknown or closed
 * connection answers 410 GoneException.
 *
 * Limits as in API Gateway: messages over 128 KB close the connection (1009), posts over 128 KB are
 * refused (413), idle connections close after 10 minutes and every connection after 2 hours. The
 * 32 KB frame limit is not enforced (`ws` does not expose frames); keep frames small anyway.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { InvocationTimeoutError, invoke } from './lambda-invoker';
import type { LocalFunction } from './lambda-invoker';
import { authorizerOutcome, buildAuthorizerEvent, buildConnectEvent, buildDisconnectEvent, buildMessageEvent, selectRoute } from './websocket-events';
import type { ApiMeta, ConnectionInfo } from './websocket-events';

export const MAX_MESSAGE_BYTES = 128 * 1024;
export const IDLE_TIMEOUT_MS = 10 * 60 * 1000;
export const MAX_CONNECTION_MS = 2 * 60 * 60 * 1000;

export interface WebSocketGatewayOptions {
  authorizer?: LocalFunction<unknown, unknown>;
  routeFunction: LocalFunction<unknown, unknown>;
  /** Route keys other than $connect/$disconnect/$default. */
  routes: Iterable<string>;
  api: Omit<ApiMeta, 'domainName'>;
  /** Access key id the management endpoint accepts in SigV4 Authorization headers. */
  managementAccessKeyId: string;
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  onError?: (err: unknown, what: string) => void;
}

interface LiveConnection {
  info: ConnectionInfo;
  socket: WebSocket;
  authorizer?: Record<string, unknown>;
  lastActiveAt: number;
  domainName: string;
  idleTimer?: NodeJS.Timeout;
  lifetimeTimer?: NodeJS.Timeout;
  disconnected?: Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal Server Error' };

function rejectUpgrade(socket: Duplex, statusCode: number): void {
  const text = STATUS_TEXT[statusCode] ?? 'Error';
  const body = JSON.stringify({ message: text });
  socket.end(`HTTP/1.1 ${statusCode} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function sendJson(res: ServerResponse, statusCode: number, value?: unknown, errorType?: string): void {
  const body = value === undefined ? '' : JSON.stringify(value);
  const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(body) };
  if (body) headers['content-type'] = 'application/json';
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(statusCode, headers);
  res.end(body);
}

/** API Gateway's connection ids look like `L0SM9cOFvHcCIhw=`: base64, so they need URL-encoding. */
function newConnectionId(): string {
  return randomBytes(11).toString('base64');
}

function readAll(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

export class WebSocketGateway {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private readonly connections = new Map<string, LiveConnection>();
  private readonly routes: ReadonlySet<string>;
  private closing = false;

  constructor(private readonly options: WebSocketGatewayOptions) {
    this.routes = new Set([...options.routes].filter((route) => !route.startsWith('$')));
  }

  get size(): number {
    return this.connections.size;
  }

  private meta(domainName: string): ApiMeta {
    return { ...this.options.api, domainName };
  }

  private request() {
    return { requestId: randomUUID(), now: new Date() };
  }

  /** Runs $connect (authorizer first) for an upgrade request and accepts or rejects it. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node's HTTP server drops its own error listener from an upgraded socket, and ws adds one only
    // once the upgrade completes: a client that resets while $connect runs must not crash the runtime.
    const onError = (err: Error) => this.options.onError?.(err, 'upgrade');
    socket.on('error', onError);
    void this.connect(req, socket, head, () => socket.off('error', onError)).catch((err) => {
      this.options.onError?.(err, '$connect');
      if (socket.writable) rejectUpgrade(socket, 500);
    });
  }

  private async connect(req: IncomingMessage, socket: Duplex, head: Buffer, upgraded: () => void): Promise<void> {
    if (this.closing) return rejectUpgrade(socket, 403);
    const url = req.url ?? '/';
    const queryIndex = url.indexOf('?');
    const info: ConnectionInfo = {
      connectionId: newConnectionId(),
      connectedAt: Date.now(),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: req.headers['user-agent'],
      rawHeaders: req.rawHeaders,
      rawQueryString: queryIndex >= 0 ? url.slice(queryIndex + 1) : '',
    };
    const domainName = req.headers.host ?? 'localhost';
    let authorizer: Record<string, unknown> | undefined;
    if (this.options.authorizer) {
      let result: unknown;
      try {
        result = await invoke(this.options.authorizer, buildAuthorizerEvent(info, this.meta(domainName), this.request()));
      } catch (err) {
        // API Gateway turns exactly "Unauthorized" into 401; any other failure is a 500.
        if (err instanceof Error && err.message === 'Unauthorized') return rejectUpgrade(socket, 401);
        this.options.onError?.(err, 'authorizer');
        return rejectUpgrade(socket, 500);
      }
      const outcome = authorizerOutcome(result);
      if (!outcome.allowed) return rejectUpgrade(socket, outcome.statusCode);
      authorizer = outcome.context;
    }
    // The client left while the authorizer ran: there is no connection to open.
    if (!socket.writable) return;
    let answer: unknown;
    try {
      answer = await invoke(this.options.routeFunction, buildConnectEvent(info, authorizer, this.meta(domainName), this.request()));
    } catch (err) {
      this.options.onError?.(err, '$connect');
      return rejectUpgrade(socket, 500);
    }
    const statusCode = (answer as { statusCode?: unknown } | undefined)?.statusCode;
    if (typeof statusCode === 'number' && (statusCode < 200 || statusCode > 299)) {
      return rejectUpgrade(socket, statusCode === 401 || statusCode === 403 ? statusCode : 500);
    }
    if (!socket.writable || this.closing) {
      // $connect accepted a connection that is already gone (the client left, or the gateway is
      // closing): $disconnect lets the route function forget it, as API Gateway would.
      return this.runDisconnect(info, authorizer, domainName, 1006, 'Connection closed during $connect');
    }
    this.server.handleUpgrade(req, socket, head, (ws) => {
      upgraded();
      this.accept(ws, info, authorizer, domainName);
    });
  }

  private accept(socket: WebSocket, info: ConnectionInfo, authorizer: Record<string, unknown> | undefined, domainName: string): void {
    const connection: LiveConnection = { info, socket, authorizer, lastActiveAt: Date.now(), domainName };
    this.connections.set(info.connectionId, connection);
    this.touch(connection);
    connection.lifetimeTimer = setTimeout(() => socket.close(1001, 'Going away'), this.options.maxConnectionMs ?? MAX_CONNECTION_MS);
    connection.lifetimeTimer.unref();
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      this.touch(connection);
      const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      void this.route(connection, buffer, isBinary);
    });
    socket.on('error', (err) => this.options.onError?.(err, 'socket'));
    socket.on('close', (code: number, reason: Buffer) => {
      connection.disconnected = this.disconnect(connection, code, reason.toString());
    });
  }

  private touch(connection: LiveConnection): void {
    connection.lastActiveAt = Date.now();
    clearTimeout(connection.idleTimer);
    connection.idleTimer = setTimeout(() => connection.socket.close(1001, 'Going away'), this.options.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
    connection.idleTimer.unref();
  }

  private async route(connection: LiveConnection, data: Buffer, isBinary: boolean): Promise<void> {
    const routeKey = isBinary ? '$default' : selectRoute(data.toString('utf8'), this.routes);
    const request = this.request();
    const event = buildMessageEvent(connection.info, connection.authorizer, routeKey, data, isBinary, this.meta(connection.domainName), request);
    try {
      await invoke(this.options.routeFunction, event);
    } catch (err) {
      this.options.onError?.(err, routeKey);
      // What API Gateway sends back when the integration fails.
      const message = err instanceof InvocationTimeoutError ? 'Endpoint request timed out' : 'Internal server error';
      if (connection.socket.readyState === WebSocket.OPEN) {
        connection.socket.send(JSON.stringify({ message, connectionId: connection.info.connectionId, requestId: request.requestId }));
      }
    }
  }

  private async disconnect(connection: LiveConnection, statusCode: number, reason: string): Promise<void> {
    clearTimeout(connection.idleTimer);
    clearTimeout(connection.lifetimeTimer);
    this.connections.delete(connection.info.connectionId);
    await this.runDisconnect(connection.info, connection.authorizer, connection.domainName, statusCode, reason);
  }

  /** The route function's $disconnect; its failure is reported, not thrown. */
  private async runDisconnect(info: ConnectionInfo, authorizer: Record<string, unknown> | undefined, domainName: string, statusCode: number, reason: string): Promise<void> {
    const event = buildDisconnectEvent(info, authorizer, statusCode, reason, this.meta(domainName), this.request());
    try {
      await invoke(this.options.routeFunction, event);
    } catch (err) {
      this.options.onError?.(err, '$disconnect');
    }
  }

  /** Serves `{method} /@connections/{id}`; `encodedId` is the URL-encoded id from the path. */
  async handleManagement(req: IncomingMessage, res: ServerResponse, encodedId: string): Promise<void> {
    if (!this.authorized(req)) return sendJson(res, 403, { message: 'Forbidden' }, 'ForbiddenException');
    let connectionId: string;
    try {
      connectionId = decodeURIComponent(encodedId);
    } catch {
      return sendJson(res, 400, { message: 'Invalid connection id' }, 'BadRequestException');
    }
    const connection = this.connections.get(connectionId);
    const gone = () => sendJson(res, 410, { message: `Connection ${connectionId} is gone` }, 'GoneException');
    switch (req.method) {
      case 'POST': {
        const body = await readAll(req, MAX_MESSAGE_BYTES);
        if (body === undefined) return sendJson(res, 413, { message: 'Message too long' }, 'PayloadTooLargeException');
        if (!connection || connection.socket.readyState !== WebSocket.OPEN) return gone();
        this.touch(connection);
        // Text frames for UTF-8 data (what clients expect from JSON), binary otherwise.
        const text = body.toString('utf8');
        const isText = Buffer.from(text, 'utf8').equals(body);
        connection.socket.send(isText ? text : body, { binary: !isText });
        return sendJson(res, 200);
      }
      case 'GET':
        if (!connection) return gone();
        return sendJson(res, 200, {
          connectedAt: new Date(connection.info.connectedAt).toISOString(),
          identity: { sourceIp: connection.info.sourceIp, userAgent: connection.info.userAgent ?? '' },
          lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        });
      case 'DELETE':
        if (!connection) return gone();
        connection.socket.close(1000, 'Connection closed by the server');
        return sendJson(res, 204);
      default:
        return sendJson(res, 405, { message: 'Method not allowed' }, 'MethodNotAllowedException');
    }
  }

  /** Only callers holding the runtime's credentials (the handlers) may use @connections. */
  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const match = /Credential=([^/,\s]+)\//.exec(header);
    return match !== null && match[1] === this.options.managementAccessKeyId;
  }

  /** Closes every connection (running $disconnect for each) and refuses new ones. */
  async close(): Promise<void> {
    this.closing = true;
    const open = [...this.connections.values()];
    for (const connection of open) connection.socket.close(1001, 'Going away');
    await Promise.all(
      open.map(
        (connection) =>
          new Promise<void>((resolve) => {
            const done = () => void (connection.disconnected ?? Promise.resolve()).then(() => resolve());
            if (connection.socket.readyState === WebSocket.CLOSED) done();
            else {
              connection.socket.once('close', () => setImmediate(done));
              // A client that never answers the close handshake.
              setTimeout(() => connection.socket.terminate(), 2000).unref();
            }
          }),
      ),
    );
    this.server.close();
  }
}
