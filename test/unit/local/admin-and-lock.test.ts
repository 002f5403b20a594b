import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { adminCredentials } from '../../../local/admin-credentials';
import { lockDataDir } from '../../../local/data-dir';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stratus-data-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('admin credentials', () => {
  it('takes STRATUS_ADMIN_PASSWORD when set and writes nothing', async () => {
    expect(await adminCredentials(dir, { STRATUS_ADMIN_PASSWORD: 's3cret' })).toEqual({ username: 'admin', password: 's3cret', source: 'environment' });
    await expect(stat(path.join(dir, 'admin-password'))).rejects.toThrow();
  });

  it('generates a password once, keeps it with mode 0600 and reads it back', async () => {
    const first = await adminCredentials(dir, {});
    expect(first.source).toBe('generated');
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await stat(path.join(dir, 'admin-password'))).mode & 0o777).toBe(0o600);
    expect(await adminCredentials(dir, {})).toEqual({ username: 'admin', password: first.password, source: 'file' });
  });

  it('generates a fresh password per run in memory', async () => {
    const a = await adminCredentials(undefined, {});
    const b = await adminCredentials(undefined, {});
    expect(a.password).not.toBe(b.password);
  });
});

describe('data folder lock', () => {
  it('refuses a second runtime on the same folder while the first holds it', async () => {
    const release = await lockDataDir(dir);
    expect(await readFile(path.join(dir, 'runtime.pid'), 'utf8')).toBe(`${process.pid}\n`);
    // Another runtime in this process.
    await expect(lockDataDir(dir)).rejects.toThrow(`Another Stratus runtime (pid ${process.pid})`);
    await release();
    await expect(stat(path.join(dir, 'runtime.pid'))).rejects.toThrow();
    // Another live process (pid 1 always exists).
    await writeFile(path.join(dir, 'runtime.pid'), '1\n');
    await expect(lockDataDir(dir)).rejects.toThrow(/Another Stratus runtime \(pid 1\)/);
  });

  it('takes over a lock left by a dead process', async () => {
    await writeFile(path.join(dir, 'runtime.pid'), '999999999\n');
    const release = await lockDataDir(dir);
    expect(await readFile(path.join(dir, 'runtime.pid'), 'utf8')).toBe(`${process.pid}\n`);
    await release();
  });
});
