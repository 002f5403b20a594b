/**
 * Tar archives (plain, gzip or bzip2 compressed) through tar-stream, fed by a streaming
 * decompressor. Every decompressed byte is charged to the ratio check, every file byte to the
 * size budget; entry types other than files, folders and links are refused.
 */
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import type { Header } from 'tar-stream';
import { bunzip2, gunzip } from './decompress';
import { normalizeEntryPath } from './entry-path';
import { readCharged } from './entries';
import type { RawEntry } from './entries';
import { ArchiveError } from './errors';
import type { Budget } from './limits';

export type TarCompression = 'none' | 'gzip' | 'bzip2';

async function* plain(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

function decompressed(bytes: Buffer, compression: TarCompression, budget: Budget): AsyncIterable<Buffer> {
  let total = 0;
  const charge = (count: number) => {
    total += count;
    // The tar layer adds headers and padding: allow them on top of the file budget.
    if (total > budget.limits.maxTotalBytes + budget.limits.maxEntries * 2048) {
      throw new ArchiveError(`Archive expands to more than ${budget.limits.maxTotalBytes} bytes`);
    }
    budget.checkRatio(total);
  };
  if (compression === 'bzip2') return bunzip2(bytes, charge);
  const source = compression === 'gzip' ? gunzip(bytes) : plain(bytes);
  return (async function* () {
    for await (const chunk of source) {
      charge(chunk.length);
      yield chunk;
    }
  })();
}

function entryOf(header: Header, path: string, data: Buffer | undefined): RawEntry {
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
      return { kind: 'file', path, data: data ?? Buffer.alloc(0) };
    case 'directory':
      return { kind: 'directory', path };
    case 'symlink':
      return { kind: 'symlink', path, target: header.linkname ?? '' };
    case 'link':
      return { kind: 'hardlink', path, target: header.linkname ?? '' };
    default:
      throw new ArchiveError(`Archive entry ${JSON.stringify(path)} has an unsupported type (${header.type})`);
  }
}

export async function readTar(bytes: Buffer, compression: TarCompression, budget: Budget): Promise<RawEntry[]> {
  const source = Readable.from(decompressed(bytes, compression, budget));
  const extract = tarStream.extract();
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract as unknown as NodeJS.WritableStream);
  const entries: RawEntry[] = [];
  try {
    for await (const entry of extract) {
      const { header } = entry;
      budget.addEntry();
      const path = normalizeEntryPath(header.name, budget.limits.maxPathBytes);
      const isFile = header.type === 'file' || header.type === 'contiguous-file' || !header.type;
      if (isFile) budget.checkDeclared(header.size ?? 0);
      const data = await readCharged(entry as unknown as AsyncIterable<Uint8Array>, (count) => {
        if (isFile) budget.addBytes(count);
      });
      if (!path) {
        if (header.type === 'directory') continue;
        throw new ArchiveError('Archive entry has an empty name');
      }
      entries.push(entryOf(header, path, isFile ? data : undefined));
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`Invalid tar archive: ${(err as Error).message}`);
  } finally {
    source.destroy();
    extract.destroy();
  }
  return entries;
}
