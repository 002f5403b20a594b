/** What every archive reader produces: the entries in archive order, paths already made safe. */

export type RawEntry =
  | { kind: 'file'; path: string; data: Buffer }
  | { kind: 'directory'; path: string }
  /** `target` as stored: relative to the link's own folder. */
  | { kind: 'symlink'; path: string; target: string }
  /** `target` as stored: an archive path (tar hard links name another entry). */
  | { kind: 'hardlink'; path: string; target: string };

/** Reads an entry's bytes while charging them to the budget; stops the source when it refuses. */
export async function readCharged(source: AsyncIterable<Uint8Array>, charge: (bytes: number) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) {
    charge(chunk.length);
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks);
}
