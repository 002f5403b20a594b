/**
 * The initial admin credentials in AWS: the Secrets Manager secret the stack generates
 * (lib/constructs/manager-secrets.ts), a JSON string `{"username": "admin", "password": "..."}`.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AdminPasswordSource } from '../../src/ports/admin-password';

export class SecretsManagerAdminPassword implements AdminPasswordSource {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async read(): Promise<{ username: string; password: string }> {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (!SecretString) throw new Error(`The admin secret ${this.secretId} has no string value`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(SecretString);
    } catch {
      // A plain string secret is the password itself.
      return { username: 'admin', password: SecretString };
    }
    const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
    if (typeof password !== 'string' || password === '') throw new Error(`The admin secret ${this.secretId} has no "password"`);
    return { username: typeof username === 'string' && username ? username : 'admin', password };
  }
}
