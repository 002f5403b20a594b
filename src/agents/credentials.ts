/**
 * Agent credentials: `sagt-<where>-<secret>`, where `<where>` is base64url(JSON [tenant, host
 * node instance id]) so the authorizer finds the agent record in one read, and `<secret>` is 192
 * random bits. Only a SHA-256 of the secret is stored (like user tokens: random secrets need no slow
 * hash), compared in constant time. Rotating replaces the hash; revoking removes it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AGENT_TOKEN_PREFIX } from './protocol';

export interface AgentCredential {
  tenant: string;
  hostId: string;
  secret: string;
}

export function newAgentCredential(tenant: string, hostId: string): AgentCredential {
  return { tenant, hostId, secret: randomBytes(24).toString('base64url') };
}

export function agentTokenValue(credential: AgentCredential): string {
  const where = Buffer.from(JSON.stringify([credential.tenant, credential.hostId]), 'utf8').toString('base64url');
  return `${AGENT_TOKEN_PREFIX}-${where}-${credential.secret}`;
}

/** The parts of an agent token, or undefined when the value is not one. */
export function parseAgentToken(value: string): AgentCredential | undefined {
  const match = /^sagt-([A-Za-z0-9_-]{4,2048})-([A-Za-z0-9_-]{32})$/.exec(value.trim());
  if (!match) return undefined;
  try {
    const where = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(where) || where.length !== 2 || typeof where[0] !== 'string' || typeof where[1] !== 'string') return undefined;
    if (!where[0] || !where[1]) return undefined;
    return { tenant: where[0], hostId: where[1], secret: match[2] };
  } catch {
    return undefined;
  }
}

export function hashAgentSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function agentSecretMatches(secret: string, storedHash: string | null | undefined): boolean {
  if (!storedHash) return false;
  const actual = Buffer.from(hashAgentSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
