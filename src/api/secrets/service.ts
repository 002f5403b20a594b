/**
 * Secrets as stored: tenant-scoped entities of kind `secret` whose value is sealed by the
 * SecretCipher (KMS in AWS, a local AES key locally) and bound to (tenant, key). Plaintext exists
 * only in memory while a request or an evaluation needs it; it is never logged.
 *
 * The DSL uses `lookup(tenant)`: `get_secret` existence checks at deployment creation
 * (`has`), values at runtime (`value`); both see the tenant's own and global secrets.
 */
import { KINDS } from '../../model/kinds';
import type { Entity, ModelStore, ReadOptions } from '../../ports/model-store';
import type { SecretCipher } from '../../ports/secret-cipher';
import type { Visibility } from '../body';

export interface SecretData {
  key: string;
  /** The value sealed by the SecretCipher for (tenant, key). */
  sealed: string;
  is_hidden_value: boolean;
  visibility: Visibility;
  created_by: string;
  updated_at: string;
}

/** What evaluation (get_secret) reads. */
export interface SecretLookup {
  has(key: string): Promise<boolean>;
  /** The plaintext value, or undefined when there is no such secret. */
  value(key: string): Promise<string | undefined>;
}

export class SecretsService {
  constructor(
    private readonly store: ModelStore,
    private readonly cipher: SecretCipher,
    readonly now: () => Date,
  ) {}

  /** The secret the tenant sees under this key: its own, or a global one of another tenant. */
  find(tenant: string, key: string, options?: ReadOptions): Promise<Entity<SecretData> | undefined> {
    return this.store.find<SecretData>({ kind: KINDS.secret, tenant, id: key }, options);
  }

  seal(tenant: string, key: string, value: string): Promise<string> {
    return this.cipher.encrypt(value, { tenant, key });
  }

  /** Decrypts with the context of the tenant that owns the secret. */
  open(secret: Entity<SecretData>): Promise<string> {
    return this.cipher.decrypt(secret.data.sealed, { tenant: secret.tenant, key: secret.id });
  }

  lookup(tenant: string): SecretLookup {
    return {
      has: async (key) => (await this.find(tenant, key)) !== undefined,
      value: async (key) => {
        const secret = await this.find(tenant, key);
        return secret ? this.open(secret) : undefined;
      },
    };
  }
}
