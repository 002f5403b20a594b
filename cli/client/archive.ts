/**
 * Packs a blueprint folder as `cfy` does: a tar.gz holding one top-level folder (the blueprint's
 * folder, by its own name) with everything inside it. Symbolic links to files are stored as the
 * files they point at; links to folders are skipped (they could loop or leave the folder).
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';

async function files(root: string, relative = ''): Promise<{ name: string; full: string; size: number; mode: number }[]> {
  const found: { name: string; full: string; size: number; mode: number }[] = [];
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    const full = path.join(root, rel);
    const info = (await lstat(full)).isSymbolicLink() ? await stat(full).catch(() => undefined) : await lstat(full);
    if (!info) continue; // dangling link
    if (info.isDirectory()) {
      if (!entry.isSymbolicLink()) found.push(...(await files(root, rel)));
    } else if (info.isFile()) {
      found.push({ name: rel, full, size: info.size, mode: info.mode & 0o777 });
    }
  }
  return found;
}

/** The tar.gz of `folder`, under a top-level folder named like it. */
export async function packFolder(folder: string): Promise<Buffer> {
  const top = path.basename(path.resolve(folder));
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const gzip = createGzip();
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    gzip.on('end', resolve);
    gzip.on('error', reject);
    pack.on('error', reject);
  });
  pack.pipe(gzip);
  for (const file of await files(folder)) {
    await new Promise<void>((resolve, reject) => {
      const entry = pack.entry({ name: `${top}/${file.name}`, size: file.size, mode: file.mode }, (err) => (err ? reject(err) : resolve()));
      createReadStream(file.full).on('error', reject).pipe(entry);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const ARCHIVE = /\.(zip|tar|tgz|tar\.gz|tar\.bz2|tbz2)$/i;

export function isArchiveName(file: string): boolean {
  return ARCHIVE.test(file);
}

/** The blueprint id `cfy` would pick: the folder's name, or the archive's name without its extension. */
export function defaultBlueprintId(source: string, isDirectory: boolean): string {
  const resolved = path.resolve(source);
  if (isDirectory) return path.basename(resolved);
  if (isArchiveName(resolved)) return path.basename(resolved).replace(ARCHIVE, '');
  return path.basename(path.dirname(resolved));
}
