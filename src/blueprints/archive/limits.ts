/**
 * Caps that make an archive bomb fail fast: entries, bytes after decompression, and the ratio of
 * decompressed to compressed bytes. Every extractor charges what it reads to one Budget as it
 * streams, so a bomb is stopped after at most one extra chunk, long before memory runs out.
 */
import { ArchiveError } from './errors';

export interface ArchiveLimits {
  /** Files, directories and links together. */
  maxEntries: number;
  /** Bytes of all files after decompression. */
  maxTotalBytes: number;
  /** Decompressed bytes per compressed byte, checked once more than `ratioFloorBytes` came out. */
  maxRatio: number;
  /** Small archives may compress as well as they like (a few KB of zeros is no bomb). */
  ratioFloorBytes: number;
  /** Longest accepted entry path in bytes (keys of stored resources must fit S3's 1,024). */
  maxPathBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 128 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
  maxPathBytes: 768,
};

function mb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

export class Budget {
  private entries = 0;
  private bytes = 0;

  constructor(
    readonly limits: ArchiveLimits,
    /** Size of the archive as received (compressed). */
    private readonly compressedBytes: number,
  ) {}

  addEntry(): void {
    this.entries++;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveError(`Archive has more than ${this.limits.maxEntries} entries`);
    }
  }

  /** Fails before reading when an entry announces more than what is left. */
  checkDeclared(size: number): void {
    if (size > this.limits.maxTotalBytes - this.bytes) this.tooLarge();
  }

  addBytes(count: number): void {
    this.bytes += count;
    if (this.bytes > this.limits.maxTotalBytes) this.tooLarge();
    this.checkRatio(this.bytes);
  }

  /** The ratio check for a decompressed stream (tar.gz, tar.bz2) before the tar layer sees it. */
  checkRatio(decompressed: number): void {
    if (decompressed <= this.limits.ratioFloorBytes) return;
    if (decompressed > this.limits.maxRatio * Math.max(this.compressedBytes, 1)) {
      throw new ArchiveError(
        `Archive expands more than ${this.limits.maxRatio} times its compressed size (${mb(this.compressedBytes)}); refusing a likely archive bomb`,
      );
    }
  }

  private tooLarge(): never {
    throw new ArchiveError(`Archive expands to more than ${mb(this.limits.maxTotalBytes)}`);
  }
}
