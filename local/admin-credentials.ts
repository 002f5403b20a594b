/**
 * The initial admin's credentials for a local manager: STRATUS_ADMIN_PASSWORD when set, otherwise
 * a password generated once and kept in the data folder (mode 0600) so it survives restarts.
 * In memory, nothing is written: a fresh password per run unless the variable is set.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD_FILE = 'admin-password';

export interface AdminCredentials {
  username: string;
  password: string;
  /** Where the password came from, for the startup banner. */
  source: 'environment' | 'generated' | 'file';
}

function generate(): string {
  return randomBytes(18).toString('base64url');
}

export async function adminCredentials(dataDir: string | undefined, env: Record<string, string | undefined> = process.env): Promise<AdminCredentials> {
  const fromEnv = env.STRATUS_ADMIN_PASSWORD;
  if (fromEnv) return { username: ADMIN_USERNAME, password: fromEnv, source: 'environment' };
  if (!dataDir) return { username: ADMIN_USERNAME, password: generate(), source: 'generated' };
  const file = path.join(dataDir, ADMIN_PASSWORD_FILE);
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored) return { username: ADMIN_USERNAME, password: stored, source: 'file' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const password = generate();
  // wx: never overwrite a password another process wrote meanwhile.
  await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { username: ADMIN_USERNAME, password, source: 'generated' };
}
