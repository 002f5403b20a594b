/**
 * Port for encrypting secret values at rest: KMS envelope encryption in AWS
 * (adapters/kms/secret-cipher.ts), AES-256-GCM with a key kept in `.stratus/` locally
 * (adapters/local-key/secret-cipher.ts). The context (tenant and key of the secret) is bound to
 * the ciphertext: a value copied onto another secret does not decrypt.
 */

export interface SecretContext {
  tenant: string;
  key: string;
}

export interface SecretCipher {
  /** An opaque printable string safe to store. */
  encrypt(plaintext: string, context: SecretContext): Promise<string>;
  /** The plaintext; throws when the sealed value was not made for this context or was altered. */
  decrypt(sealed: string, context: SecretContext): Promise<string>;
}
