/**
 * Entry names as archives carry them, turned into safe relative paths: '/'-separated, no empty,
 * '.' or '..' segments, nothing absolute (no leading '/', no drive letter, no UNC prefix), no
 * control characters. An entry that would land outside the archive is an error, never clamped.
 */
import { ArchiveError } from './errors';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function normalizeEntryPath(name: string, maxPathBytes: number): string {
  if (CONTROL.test(name)) throw new ArchiveError(`Archive entry name has control characters: ${JSON.stringify(name)}`);
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) {
    throw new ArchiveError(`Archive entry has an absolute path: ${JSON.stringify(name)}`);
  }
  const segments: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') throw new ArchiveError(`Archive entry leaves the archive: ${JSON.stringify(name)}`);
    segments.push(segment);
  }
  const path = segments.join('/');
  if (Buffer.byteLength(path) > maxPathBytes) {
    throw new ArchiveError(`Archive entry path is longer than ${maxPathBytes} bytes: ${JSON.stringify(name.slice(0, 80))}...`);
  }
  return path;
}

/**
 * Where a symbolic link stored at `linkPath` points, as an archive path; undefined when the
 * target is absolute or climbs above the archive root.
 */
export function resolveLinkTarget(linkPath: string, target: string): string | undefined {
  const slashed = target.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) return undefined;
  const segments = linkPath.split('/').slice(0, -1);
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  return segments.join('/');
}
