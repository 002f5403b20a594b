/**
 * Builds archives in memory for tests: zip (fflate), tar with any entry type (tar-stream), gzip
 * (zlib) and bzip2 (the `bzip2` program, as no maintained JavaScript bzip2 compressor exists).
 * Entry names are written exactly as given, so tests can build hostile archives too.
 */
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import tarStream from 'tar-stream';

export type TestEntry =
  | { name: string; data: string | Buffer }
  | { name: string; type: 'directory' }
  | { name: string; type: 'symlink' | 'link'; linkname: string }
  | { name: string; type: 'fifo' | 'character-device' };

export async function tarOf(entries: TestEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const entry of entries) {
    if ('data' in entry) {
      const data = Buffer.from(entry.data);
      await new Promise<void>((resolve, reject) => pack.entry({ name: entry.name, size: data.length }, data, (err) => (err ? reject(err) : resolve())));
    } else if (entry.type === 'symlink' || entry.type === 'link') {
      pack.entry({ name: entry.name, type: entry.type, linkname: entry.linkname });
    } else {
      pack.entry({ name: entry.name, type: entry.type });
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function tarGzOf(entries: TestEntry[]): Promise<Buffer> {
  return gzipSync(await tarOf(entries));
}

export function bzip2(bytes: Buffer): Buffer {
  return execFileSync('bzip2', ['-c', '-9'], { input: bytes, maxBuffer: 1024 * 1024 * 1024 });
}

export async function tarBz2Of(entries: TestEntry[]): Promise<Buffer> {
  return bzip2(await tarOf(entries));
}

/** Files only (plus symlinks through `symlinks`, stored with Unix mode bits as Info-ZIP does). */
export function zipOf(files: Record<string, string | Buffer>, symlinks: Record<string, string> = {}): Buffer {
  const zippable: Zippable = {};
  for (const [name, data] of Object.entries(files)) zippable[name] = [Buffer.from(data), { level: 6 }];
  for (const [name, target] of Object.entries(symlinks)) {
    zippable[name] = [Buffer.from(target), { level: 0, os: 3, attrs: (0o120777 << 16) >>> 0 }];
  }
  return Buffer.from(zipSync(zippable));
}
