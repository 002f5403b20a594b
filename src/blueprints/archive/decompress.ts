/**
 * Streaming decompression of a whole compressed archive (gzip, bzip2) into chunks, for the tar
 * reader. A caller that refuses a chunk stops the decompressor: a bomb never expands further than
 * one chunk past the cap.
 */
import { createGunzip } from 'node:zlib';
import Bunzip from 'seek-bzip';
import { ArchiveError } from './errors';

export async function* gunzip(bytes: Buffer): AsyncGenerator<Buffer> {
  const stream = createGunzip();
  stream.end(bytes);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`Invalid gzip data: ${(err as Error).message}`);
  } finally {
    stream.destroy();
  }
}

/** Decoded bytes are handed over in slices of this size. */
const BZIP2_SLICE = 64 * 1024;

/** seek-bzip reads past the end of a Buffer as zeros; a truncated stream must fail instead. */
function strictInput(bytes: Buffer) {
  let pos = 0;
  return {
    readByte(): number {
      if (pos >= bytes.length) throw new ArchiveError('Invalid bzip2 data: the stream is truncated');
      return bytes[pos++];
    },
    read(buffer: Uint8Array, offset: number, length: number): number {
      const count = Math.min(length, bytes.length - pos);
      if (count <= 0) return -1;
      buffer.set(bytes.subarray(pos, pos + count), offset);
      pos += count;
      return count;
    },
    seek(to: number): void {
      pos = to;
    },
    eof(): boolean {
      return pos >= bytes.length;
    },
  };
}

/**
 * bzip2 through seek-bzip, which decodes synchronously byte by byte into a sink. The sink charges
 * every slice to `accept`; when `accept` throws, decoding stops right there. That bounds memory
 * and time by the budget (a bzip2 block can expand to ~45 MB, so block-wise decoders cannot).
 * Concatenated streams (pbzip2) are decoded too.
 */
export async function* bunzip2(bytes: Buffer, accept: (bytes: number) => void): AsyncGenerator<Buffer> {
  const slices: Buffer[] = [];
  let slice = Buffer.allocUnsafe(BZIP2_SLICE);
  let used = 0;
  const flush = () => {
    if (used === 0) return;
    accept(used);
    slices.push(slice.subarray(0, used));
    slice = Buffer.allocUnsafe(BZIP2_SLICE);
    used = 0;
  };
  try {
    Bunzip.decode(strictInput(bytes), {
      writeByte(byte: number) {
        slice[used++] = byte;
        if (used === BZIP2_SLICE) flush();
      },
    }, true);
    flush();
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`Invalid bzip2 data: ${(err as Error)?.message ?? String(err)}`);
  }
  yield* slices;
}
