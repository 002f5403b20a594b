/**
 * The folder layout of an uploaded blueprint. `cfy blueprints upload` sends one top-level folder
 * (the blueprint's own folder) holding the main file, and `application_file_name` is relative to
 * that folder; archives made by hand often have the files at the root. Both are accepted: a single
 * top-level folder is stripped. macOS's `__MACOSX/` resource-fork folder is dropped.
 */

const IGNORED_TOP_LEVEL = new Set(['__MACOSX']);

export function normalizeLayout(files: Map<string, Buffer>): Map<string, Buffer> {
  const kept = new Map([...files].filter(([path]) => !IGNORED_TOP_LEVEL.has(path.split('/')[0])));
  const tops = new Set([...kept.keys()].map((path) => path.split('/')[0]));
  const [onlyTop] = tops;
  const allNested = [...kept.keys()].every((path) => path.includes('/'));
  if (tops.size !== 1 || !allNested) return kept;
  const prefix = `${onlyTop}/`;
  return new Map([...kept].map(([path, data]) => [path.slice(prefix.length), data]));
}
