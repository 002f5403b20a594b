/**
 * AES-256-GCM sealing shared by the local and KMS secret ciphers: a random 96-bit IV per value,
 * the secret's (tenant, key) as additional authenticated data, so a sealed value moved onto another
 * secret fails to open. Output: base64url of IV, tag and ciphertext, `.`-joined.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretContext } from '../../src/ports/secret-cipher';

const IV_BYTES = 12;

function aad(context: SecretContext): Buffer {
  return Buffer.from(`${context.tenant}\0${context.key}`, 'utf8');
}

export function seal(key: Buffer, plaintext: string, context: SecretContext): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.');
}

export function open(key: Buffer, sealed: string, context: SecretContext): string {
  const parts = sealed.split('.');
  if (parts.length !== 3) throw new Error('Sealed secret value is malformed');
  const [iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url'));
  if (iv.length !== IV_BYTES || tag.length !== 16) throw new Error('Sealed secret value is malformed');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
}
