/**
 * Port for checking the credentials presented when a WebSocket connects (a user token or an agent
 * credential). Implementations arrive with the issues that create users, tokens and agents.
 */
import type { Principal } from './connections';

export interface ConnectCredentials {
  /** Lower-cased header names. */
  headers: Record<string, string>;
  query: Record<string, string>;
}

export interface Authenticator {
  /** The principal the credentials prove, or undefined when they prove nothing this authenticator knows. */
  authenticate(credentials: ConnectCredentials): Promise<Principal | undefined>;
}
