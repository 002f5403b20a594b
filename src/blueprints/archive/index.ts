/**
 * Safe extraction of an uploaded blueprint or plugin: a zip, tar, tar.gz or tar.bz2 archive, or a
 * single YAML file. Everything happens in memory under the limits of ./limits (no file system, so
 * no entry can ever be written outside its folder); any problem raises ArchiveError.
 */
import { Budget, DEFAULT_ARCHIVE_LIMITS } from './limits';
import type { ArchiveLimits } from './limits';
import { ArchiveError } from './errors';
import { detectFormat } from './format';
import type { ArchiveFormat } from './format';
import { normalizeLayout } from './layout';
import { toFileMap } from './links';
import { readTar } from './tar';
import { readZip } from './zip';

export { ArchiveError } from './errors';
export { DEFAULT_ARCHIVE_LIMITS } from './limits';
export type { ArchiveLimits } from './limits';
export type { ArchiveFormat } from './format';

export interface ExtractedArchive {
  format: ArchiveFormat;
  /** Relative '/'-separated paths (single top-level folder stripped) → contents. */
  files: Map<string, Buffer>;
}

export interface ExtractOptions {
  limits?: ArchiveLimits;
  /** The name a single uploaded YAML file is stored under. */
  singleFileName: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function singleYaml(bytes: Buffer, name: string, limits: ArchiveLimits): Map<string, Buffer> {
  if (bytes.length === 0) throw new ArchiveError('The uploaded blueprint is empty');
  if (bytes.length > limits.maxTotalBytes) throw new ArchiveError(`The uploaded file is larger than ${limits.maxTotalBytes} bytes`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = '\0';
  }
  if (text.includes('\0')) {
    throw new ArchiveError('The upload is neither a zip, tar, tar.gz or tar.bz2 archive nor a UTF-8 YAML file');
  }
  return new Map([[name, bytes]]);
}

export async function extractArchive(bytes: Buffer, options: ExtractOptions): Promise<ExtractedArchive> {
  const limits = options.limits ?? DEFAULT_ARCHIVE_LIMITS;
  const format = detectFormat(bytes);
  if (format === 'yaml') return { format, files: singleYaml(bytes, options.singleFileName, limits) };
  const budget = new Budget(limits, bytes.length);
  const entries =
    format === 'zip'
      ? await readZip(bytes, budget)
      : await readTar(bytes, format === 'tar.gz' ? 'gzip' : format === 'tar.bz2' ? 'bzip2' : 'none', budget);
  const files = normalizeLayout(toFileMap(entries));
  if (files.size === 0) throw new ArchiveError('The archive holds no files');
  return { format, files };
}
