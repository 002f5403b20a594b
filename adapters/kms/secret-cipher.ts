/**
 * The SecretCipher in AWS: envelope encryption under the manager's KMS key. Each value gets its
 * own data key (GenerateDataKey, AES-256, with the secret's tenant and key as encryption context,
 * so CloudTrail shows which secret a decryption was for); the value is sealed locally with
 * AES-256-GCM and the encrypted data key is stored beside it. Values of any size work (KMS Encrypt
 * alone stops at 4 KB). Decrypted data keys are cached briefly per process to spare KMS calls.
 */
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SecretCipher, SecretContext } from '../../src/ports/secret-cipher';
import { TtlCache } from '../../src/api/auth/ttl-cache';
import { open, seal } from '../local-key/aes-gcm';

const PREFIX = 'kms1.';
const DATA_KEY_CACHE_MS = 5 * 60 * 1000;

function encryptionContext(context: SecretContext): Record<string, string> {
  return { tenant: context.tenant, secret: context.key };
}

export class KmsSecretCipher implements SecretCipher {
  private readonly dataKeys = new TtlCache<Buffer>(DATA_KEY_CACHE_MS, 1000);

  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string,
  ) {}

  async encrypt(plaintext: string, context: SecretContext): Promise<string> {
    const result = await this.client.send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(context) }));
    if (!result.Plaintext || !result.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    const key = Buffer.from(result.Plaintext);
    try {
      return `${PREFIX}${Buffer.from(result.CiphertextBlob).toString('base64url')}.${seal(key, plaintext, context)}`;
    } finally {
      key.fill(0);
    }
  }

  async decrypt(sealed: string, context: SecretContext): Promise<string> {
    if (!sealed.startsWith(PREFIX)) throw new Error('The secret was not sealed with KMS');
    const rest = sealed.slice(PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) throw new Error('Sealed secret value is malformed');
    const blob = rest.slice(0, dot);
    const cacheKey = `${context.tenant}\0${context.key}\0${blob}`;
    let key = this.dataKeys.get(cacheKey);
    if (!key) {
      const result = await this.client.send(
        new DecryptCommand({ CiphertextBlob: Buffer.from(blob, 'base64url'), KeyId: this.keyId, EncryptionContext: encryptionContext(context) }),
      );
      if (!result.Plaintext) throw new Error('KMS Decrypt returned no key');
      key = Buffer.from(result.Plaintext);
      this.dataKeys.set(cacheKey, key);
    }
    return open(key, rest.slice(dot + 1), context);
  }
}
