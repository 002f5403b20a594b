/**
 * The persistent data folder (`.stratus/` by default) and its lock: two runtimes sharing one
 * folder would share DynamoDB Local's database file, so the second is refused with a clear message.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const LOCK_FILE = 'runtime.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Folders locked by runtimes of this process (the pid file cannot tell them apart). */
const heldHere = new Set<string>();

function inUse(dataDir: string, pid: number): Error {
  return new Error(`Another Stratus runtime (pid ${pid}) is using ${dataDir}. Stop it first, or use --in-memory or STRATUS_DATA_DIR.`);
}

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const key = path.resolve(dataDir);
  if (heldHere.has(key)) throw inUse(dataDir, process.pid);
  heldHere.add(key);
  try {
    return await takePidFile(dataDir, key);
  } catch (err) {
    heldHere.delete(key);
    throw err;
  }
}

async function takePidFile(dataDir: string, key: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return async () => {
        heldHere.delete(key);
        await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (holder && holder !== process.pid && alive(holder)) throw inUse(dataDir, holder);
      // A lock left by a runtime that died (or by this process before a crash of its runtime).
      await rm(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}
