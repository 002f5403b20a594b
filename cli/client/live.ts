/**
 * Live events over the WebSocket API (docs/events.md): connect with the REST credentials, send
 * `{"action": "subscribe", "execution_id"}`, receive `{"action": "events", "events": [...]}`.
 * Anything that goes wrong (no WebSocket API at that URL, refused, no `subscribed` answer within
 * a few seconds) yields no subscription: the caller then relies on polling alone.
 */
import WebSocket from 'ws';
import type { Credentials } from './client';

export interface LiveEvents {
  url: string;
  close(): void;
}

/**
 * The WebSocket URL: the connection's (STRATUS_WS_URL, else the profile's `--ws-url`), else the
 * manager's `/ws` (where the local runtime serves it).
 */
export function wsUrlOf(credentials: Pick<Credentials, 'manager' | 'wsUrl'>): string {
  if (credentials.wsUrl) return credentials.wsUrl;
  return `${credentials.manager.replace(/\/+$/, '').replace(/^http/, 'ws')}/ws`;
}

export function subscribeExecution(credentials: Credentials, url: string, executionId: string, onEvents: (events: Record<string, unknown>[]) => void, timeoutMs = 3000): Promise<LiveEvents | undefined> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { tenant: credentials.tenant };
    if (credentials.token) headers['authentication-token'] = credentials.token;
    else if (credentials.user) headers.authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password ?? ''}`).toString('base64')}`;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, { headers, handshakeTimeout: timeoutMs });
    } catch {
      resolve(undefined);
      return;
    }
    let settled = false;
    const settle = (value: LiveEvents | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!value) socket.terminate();
      resolve(value);
    };
    const timer = setTimeout(() => settle(undefined), timeoutMs);
    socket.on('open', () => socket.send(JSON.stringify({ action: 'subscribe', execution_id: executionId })));
    socket.on('message', (data) => {
      let message: { action?: string; events?: Record<string, unknown>[]; execution_id?: string };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      if (message.action === 'subscribed' && message.execution_id === executionId) settle({ url, close: () => socket.terminate() });
      else if (message.action === 'events' && Array.isArray(message.events)) onEvents(message.events);
      else if (message.action === 'error') settle(undefined);
    });
    socket.on('error', () => settle(undefined));
    socket.on('close', () => settle(undefined));
    // The socket must not keep the CLI alive once following ends.
    socket.on('open', () => (socket as unknown as { _socket?: { unref(): void } })._socket?.unref());
  });
}
