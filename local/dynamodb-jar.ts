/**
 * Where DynamoDB Local's jar comes from: AWS publishes it as a download, and the npm registry carries
 * the same jar inside `amplify-dynamodb-simulator` (under `package/emulator/`). `npm pack` fetches only
 * that package's tarball (57 MB, integrity-checked by npm) without installing its ≈350 MB of
 * dependencies; the emulator folder is extracted once into a cache and reused.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';

export interface JarLocation {
  /** Folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/. */
  dir: string;
  jar: string;
  libDir: string;
}

export function defaultJarCacheDir(projectRoot: string): string {
  return process.env.STRATUS_DYNAMODB_LOCAL_DIR || path.join(projectRoot, 'node_modules', '.cache', 'stratus', 'dynamodb-local');
}

function locate(dir: string): JarLocation {
  return { dir, jar: path.join(dir, 'DynamoDBLocal.jar'), libDir: path.join(dir, 'DynamoDBLocal_lib') };
}

export function isJarCached(dir: string): boolean {
  const location = locate(dir);
  return existsSync(location.jar) && existsSync(location.libDir);
}

/** Returns the cached jar, fetching it from the npm registry the first time. */
export async function ensureDynamoDbLocalJar(cacheDir: string, log: (line: string) => void = () => {}): Promise<JarLocation> {
  if (isJarCached(cacheDir)) return locate(cacheDir);
  await mkdir(path.dirname(cacheDir), { recursive: true });
  // Work in a sibling temp folder and rename at the end, so an interrupted fetch never leaves a
  // half-extracted cache behind and two concurrent fetches cannot mix their files.
  const work = await mkdtemp(`${cacheDir}.tmp-`);
  try {
    log(`Fetching DynamoDB Local (${DYNAMODB_LOCAL_PACKAGE}, ≈57 MB) from the npm registry…`);
    try {
      await run('npm', ['pack', DYNAMODB_LOCAL_PACKAGE, '--silent', '--pack-destination', work], { maxBuffer: 1 << 20 });
    } catch (err) {
      throw new Error(
        `Could not fetch DynamoDB Local with \`npm pack ${DYNAMODB_LOCAL_PACKAGE}\`: ${(err as Error).message}\n` +
          'Check network access to the npm registry, or download DynamoDB Local from AWS and point ' +
          'STRATUS_DYNAMODB_LOCAL_DIR at the folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/.',
      );
    }
    const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${DYNAMODB_LOCAL_PACKAGE} produced no tarball`);
    const extracted = path.join(work, 'emulator');
    await mkdir(extracted);
    await run('tar', ['-xzf', path.join(work, tarball), '-C', extracted, '--strip-components=2', 'package/emulator']);
    if (!isJarCached(extracted)) throw new Error(`${DYNAMODB_LOCAL_PACKAGE} does not contain emulator/DynamoDBLocal.jar`);
    try {
      await rename(extracted, cacheDir);
    } catch (err) {
      // Another process finished first: its copy is as good as ours.
      if (!isJarCached(cacheDir)) throw err;
    }
    return locate(cacheDir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
