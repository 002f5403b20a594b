/** Recognizes an upload by its first bytes, never by its name or declared content type. */

export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz' | 'tar.bz2' | 'yaml';

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

function isTar(bytes: Buffer): boolean {
  // POSIX/GNU tar: "ustar" at offset 257 of the first header block.
  return bytes.length >= 512 && bytes.subarray(257, 262).toString('latin1') === 'ustar';
}

export function detectFormat(bytes: Buffer): ArchiveFormat {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'tar.gz';
  if (startsWith(bytes, [0x42, 0x5a, 0x68])) return 'tar.bz2'; // "BZh"
  if (isTar(bytes)) return 'tar';
  return 'yaml';
}
