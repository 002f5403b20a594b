/**
 * Zip archives through yauzl: entries are read one at a time (lazyEntries) and each is inflated as
 * a stream charged to the budget. yauzl checks that the inflated size matches the declared one;
 * the declared size is checked against the budget before inflating.
 */
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { normalizeEntryPath } from './entry-path';
import { readCharged } from './entries';
import type { RawEntry } from './entries';
import { ArchiveError } from './errors';
import type { Budget } from './limits';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function open(bytes: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true }, (err, zip) => {
      if (err || !zip) reject(new ArchiveError(`Not a readable zip archive: ${err?.message ?? 'unknown error'}`));
      else resolve(zip);
    });
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) reject(new ArchiveError(`Cannot read zip entry ${JSON.stringify(entry.fileName)}: ${err?.message ?? 'unknown error'}`));
      else resolve(stream);
    });
  });
}

/** Entries one by one; rejects with the zip's own error (bad name, bad size, truncation). */
async function* zipEntries(zip: ZipFile): AsyncGenerator<Entry> {
  const queue: (Entry | null | Error)[] = [];
  let wake: (() => void) | undefined;
  const push = (item: Entry | null | Error) => {
    queue.push(item);
    wake?.();
  };
  zip.on('entry', (entry: Entry) => push(entry));
  zip.on('end', () => push(null));
  zip.on('error', (err: Error) => push(err));
  zip.readEntry();
  for (;;) {
    if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    const item = queue.shift()!;
    if (item === null) return;
    if (item instanceof Error) throw new ArchiveError(`Invalid zip archive: ${item.message}`);
    yield item;
    zip.readEntry();
  }
}

function isSymlink(entry: Entry): boolean {
  const madeByUnix = entry.versionMadeBy >> 8 === 3;
  return madeByUnix && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

export async function readZip(bytes: Buffer, budget: Budget): Promise<RawEntry[]> {
  const zip = await open(bytes);
  const entries: RawEntry[] = [];
  try {
    for await (const entry of zipEntries(zip)) {
      budget.addEntry();
      const path = normalizeEntryPath(entry.fileName, budget.limits.maxPathBytes);
      if (entry.fileName.endsWith('/')) {
        if (path) entries.push({ kind: 'directory', path });
        continue;
      }
      if (!path) throw new ArchiveError(`Archive entry has an empty name`);
      if (entry.isEncrypted()) throw new ArchiveError(`Archive entry ${JSON.stringify(path)} is encrypted`);
      budget.checkDeclared(entry.uncompressedSize);
      const stream = await openEntry(zip, entry);
      let data: Buffer;
      try {
        data = await readCharged(stream as AsyncIterable<Uint8Array>, (count) => budget.addBytes(count));
      } catch (err) {
        (stream as unknown as { destroy?: () => void }).destroy?.();
        if (err instanceof ArchiveError) throw err;
        throw new ArchiveError(`Cannot read zip entry ${JSON.stringify(path)}: ${(err as Error).message}`);
      }
      if (isSymlink(entry)) entries.push({ kind: 'symlink', path, target: data.toString('utf8') });
      else entries.push({ kind: 'file', path, data });
    }
  } finally {
    zip.close();
  }
  return entries;
}
