import { DslError } from '../errors';
import type { SourceLocation } from '../errors';

/** Error code of a failed import (Cloudify: "Import failed: no suitable location found"). */
export const IMPORT_FAILED = 13;

/**
 * Normalises a '/'-separated archive path, resolving '.' and '..'. Rejects absolute paths,
 * backslashes, NUL bytes and anything that climbs out of the archive root.
 */
export function normalizeArchivePath(path: string, location?: SourceLocation): string {
  if (path.includes('\0') || path.includes('\\')) {
    throw new DslError(`Import failed: '${path}' is not a valid path inside the blueprint archive`, IMPORT_FAILED, location);
  }
  if (path.startsWith('/')) {
    throw new DslError(`Import failed: '${path}' is an absolute path; only paths inside the blueprint archive are allowed`, IMPORT_FAILED, location);
  }
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) {
        throw new DslError(`Import failed: '${path}' points outside the blueprint archive`, IMPORT_FAILED, location);
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  if (parts.length === 0) throw new DslError(`Import failed: '${path}' is not a file path`, IMPORT_FAILED, location);
  return parts.join('/');
}

/** Directory part of an archive path ('' for a file at the root). */
export function dirnameOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Resolves `relative` against the directory of the archive file `from`. */
export function resolveInArchive(from: string, relative: string, location?: SourceLocation): string {
  const dir = dirnameOf(from);
  return normalizeArchivePath(dir ? `${dir}/${relative}` : relative, location);
}

/** http(s)/ftp/file URL or another "scheme:" form Cloudify treats as remote. */
export function hasScheme(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
}
