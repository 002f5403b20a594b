/**
 * Turns the archive's entries into a flat map of files. Links are kept only when they resolve to
 * a regular file inside the archive (their content becomes that file's); a link pointing outside
 * the archive, at a folder, at nothing, or in a cycle is an error.
 */
import { resolveLinkTarget } from './entry-path';
import type { RawEntry } from './entries';
import { ArchiveError } from './errors';

const MAX_LINK_HOPS = 16;

export function toFileMap(entries: RawEntry[]): Map<string, Buffer> {
  const byPath = new Map<string, RawEntry>();
  for (const entry of entries) byPath.set(entry.path, entry); // a later duplicate wins, as tar does

  const resolve = (start: RawEntry): Buffer => {
    let current = start;
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      if (current.kind === 'file') return current.data;
      if (current.kind === 'directory') {
        throw new ArchiveError(`Archive link ${JSON.stringify(start.path)} points at a folder; only links to files are supported`);
      }
      const target = current.kind === 'symlink' ? resolveLinkTarget(current.path, current.target) : resolveLinkTarget('', current.target);
      if (target === undefined) throw new ArchiveError(`Archive link ${JSON.stringify(start.path)} points outside the archive`);
      const next = byPath.get(target);
      if (!next) throw new ArchiveError(`Archive link ${JSON.stringify(start.path)} points at a missing entry ${JSON.stringify(target)}`);
      current = next;
    }
    throw new ArchiveError(`Archive link ${JSON.stringify(start.path)} is part of a cycle or a chain longer than ${MAX_LINK_HOPS}`);
  };

  const files = new Map<string, Buffer>();
  for (const entry of byPath.values()) {
    if (entry.kind !== 'directory') files.set(entry.path, resolve(entry));
  }
  for (const path of files.keys()) {
    // `a` as a file and `a/b` as another file cannot both exist in a folder tree.
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      if (files.has(parent)) throw new ArchiveError(`Archive has ${JSON.stringify(parent)} both as a file and as a folder`);
    }
  }
  return files;
}
