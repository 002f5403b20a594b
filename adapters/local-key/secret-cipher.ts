/**
 * The local runtime's SecretCipher: AES-256-GCM under one 256-bit key, kept in the data folder
 * (`.stratus/secrets.key`, mode 0600) so secrets survive restarts, or held in memory for
 * `--in-memory` runs. Sealed values are prefixed `local1.` so a KMS-sealed value is never fed to it.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SecretCipher, SecretContext } from '../../src/ports/secret-cipher';
import { open, seal } from './aes-gcm';

export const SECRETS_KEY_FILE = 'secrets.key';
const PREFIX = 'local1.';
const KEY_BYTES = 32;

export class LocalKeySecretCipher implements SecretCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`The local secrets key must be ${KEY_BYTES} bytes`);
    this.key = Buffer.from(key);
  }

  async encrypt(plaintext: string, context: SecretContext): Promise<string> {
    return PREFIX + seal(this.key, plaintext, context);
  }

  async decrypt(sealed: string, context: SecretContext): Promise<string> {
    if (!sealed.startsWith(PREFIX)) throw new Error('The secret was not sealed with the local key');
    return open(this.key, sealed.slice(PREFIX.length), context);
  }
}

/** A fresh key (in-memory runs). */
export function newSecretsKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** The key in `<dataDir>/secrets.key`, created (0600) on first use. */
export async function loadOrCreateSecretsKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, SECRETS_KEY_FILE);
  try {
    const stored = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (stored.length !== KEY_BYTES) throw new Error(`${file} does not hold a ${KEY_BYTES}-byte base64 key`);
    return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = newSecretsKey();
  try {
    // wx: never overwrite a key another process wrote meanwhile (that would orphan its secrets).
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSecretsKey(dataDir);
    throw err;
  }
  await chmod(file, 0o600);
  return key;
}
