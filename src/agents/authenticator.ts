/**
 * The Authenticator port for host agents opening their WebSocket: an agent token (`sagt-...`) in
 * `Authorization: Bearer`, an `X-Agent-Token` header or the `token` query parameter. It proves the
 * principal `{kind: 'agent', id: <host node instance id>, tenant}` while the stored hash matches
 * (rotation and revocation take effect at the next connect). Anything else is "not mine".
 */
import type { Authenticator, ConnectCredentials } from '../ports/authenticator';
import type { Principal } from '../ports/connections';
import type { ModelStore } from '../ports/model-store';
import { agentSecretMatches, parseAgentToken } from './credentials';
import { AGENT_TOKEN_PREFIX } from './protocol';
import { agentRef } from './records';
import type { AgentData } from './records';

export function agentTokenOf(credentials: ConnectCredentials): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.headers.authorization ?? '')?.[1];
  const candidates = [bearer, credentials.headers['x-agent-token'], credentials.query.token];
  return candidates.find((value) => typeof value === 'string' && value.startsWith(`${AGENT_TOKEN_PREFIX}-`));
}

export class AgentConnectAuthenticator implements Authenticator {
  constructor(private readonly store: ModelStore) {}

  async authenticate(credentials: ConnectCredentials): Promise<Principal | undefined> {
    const value = agentTokenOf(credentials);
    if (!value) return undefined;
    const parsed = parseAgentToken(value);
    if (!parsed) return undefined;
    const agent = await this.store.get<AgentData>(agentRef(parsed.tenant, parsed.hostId));
    if (!agent || !agentSecretMatches(parsed.secret, agent.data.credential_hash)) return undefined;
    return { id: parsed.hostId, kind: 'agent', tenant: parsed.tenant };
  }
}
