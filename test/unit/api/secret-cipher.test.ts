import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalKeySecretCipher, loadOrCreateSecretsKey, newSecretsKey } from '../../../adapters/local-key/secret-cipher';

describe('LocalKeySecretCipher', () => {
  const cipher = new LocalKeySecretCipher(newSecretsKey());
  const context = { tenant: 't1', key: 'db_password' };

  it('round-trips values of any size, never storing the plaintext', async () => {
    for (const value of ['', 's3cr3t', 'ü€𝄞', 'x'.repeat(100_000)]) {
      const sealed = await cipher.encrypt(value, context);
      expect(sealed.startsWith('local1.')).toBe(true);
      if (value.length > 3) expect(sealed).not.toContain(value);
      expect(await cipher.decrypt(sealed, context)).toBe(value);
    }
  });

  it('seals the same value differently each time', async () => {
    expect(await cipher.encrypt('v', context)).not.toBe(await cipher.encrypt('v', context));
  });

  it('refuses a value moved to another secret or tenant, altered, or sealed with another key', async () => {
    const sealed = await cipher.encrypt('v', context);
    await expect(cipher.decrypt(sealed, { tenant: 't2', key: 'db_password' })).rejects.toThrow();
    await expect(cipher.decrypt(sealed, { tenant: 't1', key: 'other' })).rejects.toThrow();
    // Alter the IV (16 base64url characters, every bit used): authentication must fail.
    const parts = sealed.split('.');
    parts[1] = (parts[1][0] === 'A' ? 'B' : 'A') + parts[1].slice(1);
    await expect(cipher.decrypt(parts.join('.'), context)).rejects.toThrow();
    await expect(new LocalKeySecretCipher(newSecretsKey()).decrypt(sealed, context)).rejects.toThrow();
    await expect(cipher.decrypt('kms1.abc', context)).rejects.toThrow();
  });

  it('keeps its key in the data folder with mode 0600 and reuses it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stratus-key-'));
    try {
      const first = await loadOrCreateSecretsKey(dir);
      const second = await loadOrCreateSecretsKey(dir);
      expect(first.equals(second)).toBe(true);
      expect(first).toHaveLength(32);
      expect((await stat(path.join(dir, 'secrets.key'))).mode & 0o777).toBe(0o600);
      expect((await readFile(path.join(dir, 'secrets.key'), 'utf8')).trim()).toBe(first.toString('base64'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
