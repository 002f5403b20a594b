/**
 * The KMS envelope cipher's own logic (data key per value, encryption context, data-key cache)
 * against a stand-in for KMS that behaves like it on the two calls used: KMS does not run here,
 * so this checks Stratus's side of the contract, not KMS.
 */
import { describe, expect, it } from '@jest/globals';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import { KmsSecretCipher } from '../../../adapters/kms/secret-cipher';

/** Wraps data keys under a master key with the encryption context as authenticated data, as KMS does. */
class KmsStandIn {
  readonly master = randomBytes(32);
  calls = { generate: 0, decrypt: 0 };

  private aad(context: Record<string, string> | undefined): Buffer {
    return Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort()));
  }

  async send(command: unknown): Promise<unknown> {
    if (command instanceof GenerateDataKeyCommand) {
      this.calls.generate++;
      expect(command.input).toMatchObject({ KeyId: 'key-1', KeySpec: 'AES_256' });
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.master, iv).setAAD(this.aad(command.input.EncryptionContext));
      const blob = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return { Plaintext: new Uint8Array(plaintext), CiphertextBlob: new Uint8Array(blob) };
    }
    if (command instanceof DecryptCommand) {
      this.calls.decrypt++;
      const blob = Buffer.from(command.input.CiphertextBlob!);
      const decipher = createDecipheriv('aes-256-gcm', this.master, blob.subarray(0, 12)).setAAD(this.aad(command.input.EncryptionContext));
      decipher.setAuthTag(blob.subarray(blob.length - 16));
      const plaintext = Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]);
      return { Plaintext: new Uint8Array(plaintext) };
    }
    throw new Error('unexpected KMS call');
  }
}

describe('KmsSecretCipher', () => {
  const context = { tenant: 't1', key: 'api_key' };

  it('seals each value under its own data key and opens it with one Decrypt, cached afterwards', async () => {
    const kms = new KmsStandIn();
    const cipher = new KmsSecretCipher(kms as unknown as KMSClient, 'key-1');
    const sealed = await cipher.encrypt('top-secret-value', context);
    expect(sealed).toMatch(/^kms1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/);
    expect(sealed).not.toContain('top-secret-value');
    expect(kms.calls.generate).toBe(1);
    expect(await cipher.decrypt(sealed, context)).toBe('top-secret-value');
    expect(await cipher.decrypt(sealed, context)).toBe('top-secret-value');
    expect(kms.calls.decrypt).toBe(1);
    // Another process (no cache) opens it too.
    expect(await new KmsSecretCipher(kms as unknown as KMSClient, 'key-1').decrypt(sealed, context)).toBe('top-secret-value');
    const again = await cipher.encrypt('top-secret-value', context);
    expect(again).not.toBe(sealed);
    expect(kms.calls.generate).toBe(2);
  });

  it('does not open a value under another secret or tenant, altered, or sealed locally', async () => {
    const kms = new KmsStandIn();
    const cipher = new KmsSecretCipher(kms as unknown as KMSClient, 'key-1');
    const sealed = await cipher.encrypt('v', context);
    await expect(cipher.decrypt(sealed, { tenant: 't2', key: 'api_key' })).rejects.toThrow();
    await expect(cipher.decrypt(sealed, { tenant: 't1', key: 'other' })).rejects.toThrow();
    // Alter the IV (16 base64url characters, every bit used): authentication must fail.
    const parts = sealed.split('.');
    parts[2] = (parts[2][0] === 'A' ? 'B' : 'A') + parts[2].slice(1);
    await expect(cipher.decrypt(parts.join('.'), context)).rejects.toThrow();
    await expect(cipher.decrypt('local1.a.b.c', context)).rejects.toThrow('not sealed with KMS');
    await expect(cipher.decrypt('kms1.', context)).rejects.toThrow();
  });
});
