/**
 * Who may open a WebSocket: the first authenticator that recognises the credentials wins.
 * No authenticator yet exists (users, tokens and agent credentials come with later issues), so
 * until then every connection is refused: the safe default.
 */
import type { Authenticator, ConnectCredentials } from '../ports/authenticator';
import type { Principal } from '../ports/connections';

export async function authorizeConnection(
  authenticators: Authenticator[],
  credentials: ConnectCredentials,
): Promise<Principal | undefined> {
  for (const authenticator of authenticators) {
    const principal = await authenticator.authenticate(credentials);
    if (principal) return principal;
  }
  return undefined;
}
