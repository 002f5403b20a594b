/**
 * The Authenticator port (src/ports/authenticator.ts) for users opening a WebSocket: the same
 * credentials and tenant rules as the REST API. Browsers cannot set headers on a WebSocket, so
 * the token and tenant may also come as query parameters (`?token=ctok-...&tenant=...`).
 * Anything that does not authenticate is "not mine" (undefined), never an error.
 */
import type { Authenticator, ConnectCredentials } from '../../ports/authenticator';
import type { Principal } from '../../ports/connections';
import { ApiError } from '../errors';
import type { Authentication } from './authenticate';

export class UserConnectAuthenticator implements Authenticator {
  constructor(private readonly auth: Authentication) {}

  async authenticate(credentials: ConnectCredentials): Promise<Principal | undefined> {
    const headers = { ...credentials.headers };
    if (credentials.query.token && !headers['authentication-token'] && !headers.authorization) headers['authentication-token'] = credentials.query.token;
    if (credentials.query.tenant && !headers.tenant) headers.tenant = credentials.query.tenant;
    if (!headers['authentication-token'] && !headers.authorization) return undefined;
    try {
      const context = await this.auth.authenticate({ method: 'GET', path: '/', query: {}, headers, body: Buffer.alloc(0), cookies: [], params: {}, requestId: 'connect' });
      return { id: context.username, kind: 'user', tenant: context.tenant };
    } catch (err) {
      if (err instanceof ApiError && (err.statusCode === 401 || err.statusCode === 403)) return undefined;
      throw err;
    }
  }
}
