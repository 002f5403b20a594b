import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { WebSocket } from 'ws';
import { createWebSocketHandler } from '../../../lambdas/websocket';
import { createWsAuthorizerHandler } from '../../../lambdas/ws-authorizer';
import type { LocalRuntime } from '../../../local/runtime';
import type { Authenticator } from '../../../src/ports/authenticator';
import { startTestRuntime } from '../../support/local-runtime';

// The real authorizer and websocket functions; only the credential check is the test's own
// (users and tokens do not exist yet): token "good" proves user alice, "bad" proves nothing, and
// "slow" proves user bob only once the test calls releaseSlow().
let slowEntered: () => void = () => {};
let releaseSlow: () => void = () => {};
const testAuthenticator: Authenticator = {
  async authenticate({ query, headers }) {
    const token = query.token ?? headers['x-token'];
    if (token === 'slow') {
      await new Promise<void>((resolve) => {
        releaseSlow = resolve;
        slowEntered();
      });
      return { id: 'bob', kind: 'user', tenant: 'default_tenant' };
    }
    return token === 'good' ? { id: 'alice', kind: 'user', tenant: 'default_tenant' } : undefined;
  },
};
const runtimeLog: string[] = [];
// When set, the next $connect of user bob holds after the real function recorded the connection,
// until the test releases it (a client that leaves while $connect runs).
let holdBobConnect: { entered: () => void; release: Promise<void> } | undefined;

let runtime: LocalRuntime;
let documents: DynamoDBDocumentClient;
let management: ApiGatewayManagementApiClient;

beforeAll(async () => {
  runtime = await startTestRuntime({
    handlers: {
      wsAuthorizer: (settings) => createWsAuthorizerHandler(settings, [testAuthenticator]) as never,
      websocket: (settings) => {
        const real = createWebSocketHandler(settings) as unknown as (event: { requestContext: { eventType: string; authorizer?: Record<string, unknown> } }, context: unknown) => Promise<unknown>;
        return (async (event: Parameters<typeof real>[0], context: unknown) => {
          const answer = await real(event, context);
          const hold = holdBobConnect;
          if (hold && event.requestContext.eventType === 'CONNECT' && JSON.stringify(event.requestContext.authorizer ?? {}).includes('bob')) {
            holdBobConnect = undefined;
            hold.entered();
            await hold.release;
          }
          return answer;
        }) as never;
      },
    },
    log: (line) => runtimeLog.push(line),
  });
  const { region, credentials, endpoints } = runtime.settings.aws;
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region, credentials, endpoint: endpoints!.dynamodb }));
  management = new ApiGatewayManagementApiClient({ region, credentials, endpoint: runtime.wsManagementUrl });
});

afterAll(async () => {
  await runtime?.stop();
  documents?.destroy();
  management?.destroy();
});

/** Collects every message a client receives; next() waits for the following one. */
class Client {
  readonly messages: string[] = [];
  private waiters: ((message: string) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      const waiter = this.waiters.shift();
      if (waiter) waiter(text);
      else this.messages.push(text);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  next(timeoutMs = 5000): Promise<string> {
    const queued = this.messages.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message')), timeoutMs);
      this.waiters.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }
}

function connect(query: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${runtime.wsUrl}${query}`);
    const client = new Client(socket);
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

async function connectionIdOf(principal: string): Promise<string[]> {
  const { Items } = await documents.send(
    new QueryCommand({
      TableName: runtime.resources.tables.connections,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': `PRINCIPAL#user#${principal}` },
    }),
  );
  return (Items ?? []).map((item) => item.connectionId as string);
}

async function record(connectionId: string) {
  const { Item } = await documents.send(
    new GetCommand({ TableName: runtime.resources.tables.connections, Key: { pk: `CONNECTION#${connectionId}`, sk: 'CONNECTION' }, ConsistentRead: true }),
  );
  return Item;
}

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A bare TCP upgrade request (no WebSocket client library), so the test can reset it at will. */
function rawUpgrade(token: string): net.Socket {
  const url = new URL(runtime.wsUrl);
  const raw = net.connect(Number(url.port), url.hostname);
  raw.on('error', () => {});
  raw.write(
    `GET ${url.pathname}?token=${token} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  return raw;
}

describe('WebSocket gateway → authorizer and websocket functions', () => {
  it('rejects the upgrade with 401 when the authorizer refuses the credentials', async () => {
    await expect(connect('?token=bad')).rejects.toThrow('HTTP 401');
    await expect(connect('')).rejects.toThrow('HTTP 401');
  });

  it('connect → heartbeat routed → PostToConnection back → GoneException after disconnect', async () => {
    const client = await connect('?token=good');
    const [connectionId] = await connectionIdOf('alice');
    expect(connectionId).toBeDefined();
    const stored = await record(connectionId);
    expect(stored).toMatchObject({ principal: { id: 'alice', kind: 'user', tenant: 'default_tenant' }, sourceIp: '127.0.0.1' });
    expect(stored!.expiresAt).toBeGreaterThan(Date.now() / 1000);

    // Routed by action to the heartbeat route, whose answer comes back through @connections.
    client.socket.send(JSON.stringify({ action: 'heartbeat' }));
    expect(JSON.parse(await client.next())).toEqual({ action: 'heartbeat', ok: true });

    // Anything else goes to $default.
    client.socket.send('not json');
    expect(JSON.parse(await client.next())).toMatchObject({ action: 'error', error: 'unsupported_route', route: '$default' });

    // The management API from outside, as other functions use it.
    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('{"direct":true}') }));
    expect(await client.next()).toBe('{"direct":true}');
    const info = await management.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    expect(info.ConnectedAt).toBeInstanceOf(Date);

    client.socket.close(1000, 'bye');
    await client.closed;
    // $disconnect removed the record.
    expect(await eventually(() => record(connectionId), (item) => item === undefined)).toBeUndefined();
    const gone = management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('late') }));
    await expect(gone).rejects.toBeInstanceOf(GoneException);
    await expect(gone).rejects.toMatchObject({ $metadata: { httpStatusCode: 410 } });
    await expect(management.send(new GetConnectionCommand({ ConnectionId: connectionId }))).rejects.toBeInstanceOf(GoneException);
  });

  it('DeleteConnection closes the socket and the connection is gone afterwards', async () => {
    const client = await connect('?token=good');
    const ids = await connectionIdOf('alice');
    expect(ids).toHaveLength(1);
    await management.send(new DeleteConnectionCommand({ ConnectionId: ids[0] }));
    expect((await client.closed).code).toBe(1000);
    await expect(management.send(new PostToConnectionCommand({ ConnectionId: ids[0], Data: Buffer.from('x') }))).rejects.toBeInstanceOf(GoneException);
    expect(await eventually(() => connectionIdOf('alice'), (list) => list.length === 0)).toEqual([]);
  });

  it('refuses @connections calls signed with other credentials', async () => {
    const stranger = new ApiGatewayManagementApiClient({
      region: runtime.settings.aws.region,
      credentials: { accessKeyId: 'SOMEONEELSE', secretAccessKey: 'x' },
      endpoint: runtime.wsManagementUrl,
    });
    await expect(stranger.send(new GetConnectionCommand({ ConnectionId: 'abc=' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    stranger.destroy();
  });

  it('enforces the 128 KB message limit both ways', async () => {
    const client = await connect('?token=good');
    const [connectionId] = await connectionIdOf('alice');
    await expect(management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.alloc(128 * 1024 + 1, 97) }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 413 },
    });
    client.socket.send('x'.repeat(128 * 1024 + 1));
    expect((await client.closed).code).toBe(1009);
  });

  it('survives a client that resets its connection while the authorizer runs', async () => {
    const entered = new Promise<void>((resolve) => (slowEntered = resolve));
    const raw = rawUpgrade('slow');
    await entered;
    raw.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    releaseSlow();

    // The runtime reported the reset instead of crashing, kept no connection, and still serves.
    const log = await eventually(async () => runtimeLog.join('\n'), (text) => /WebSocket upgrade: .*ECONNRESET/.test(text));
    expect(log).toMatch(/WebSocket upgrade: .*ECONNRESET/);
    expect(await eventually(() => connectionIdOf('bob'), (list) => list.length === 0)).toEqual([]);
    const client = await connect('?token=good');
    client.socket.send(JSON.stringify({ action: 'heartbeat' }));
    expect(JSON.parse(await client.next())).toEqual({ action: 'heartbeat', ok: true });
    client.socket.close(1000, 'bye');
    await client.closed;
  });
  it('forgets a connection whose client left while $connect ran ($disconnect runs for it)', async () => {
    let entered: () => void = () => {};
    let release: () => void = () => {};
    const inConnect = new Promise<void>((resolve) => (entered = resolve));
    holdBobConnect = { entered, release: new Promise<void>((resolve) => (release = resolve)) };
    const slow = new Promise<void>((resolve) => (slowEntered = resolve));
    const raw = rawUpgrade('slow');
    await slow;
    releaseSlow();
    await inConnect;
    // $connect has recorded the connection; the client goes away before the upgrade completes.
    expect(await connectionIdOf('bob')).toHaveLength(1);
    raw.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    expect(await eventually(() => connectionIdOf('bob'), (list) => list.length === 0)).toEqual([]);
  });
});
