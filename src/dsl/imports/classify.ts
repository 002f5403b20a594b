import { DslError } from '../errors';
import type { SourceLocation } from '../errors';
import { generationForDsl, generationForManagerVersion } from '../library';
import type { Generation } from '../library';
import type { DslVersion } from '../plan';
import { IMPORT_FAILED, hasScheme, resolveInArchive } from './paths';

/** One place an import may be found, tried in order. */
export type ImportCandidate =
  | { kind: 'archive'; path: string }
  | { kind: 'library'; generation: Generation }
  | { kind: 'plugin'; name: string; versionSpec: string | null }
  | { kind: 'remote'; url: string }
  | { kind: 'blueprint'; id: string };

/** Where the importing file came from (relative imports resolve against it). */
export type ImportOrigin = { kind: 'archive'; path: string } | { kind: 'remote'; url: string } | { kind: 'other' };

const SPEC_URL = /^https?:\/\/(?:www\.)?(?:getcloudify\.org|cloudify\.co)\/spec\/(.+)$/;
const TYPES_PATH = /^cloudify\/types\/types(?:_(1_[0-5]))?\.yaml$/;

/** "ns--url" -> namespace "ns" (everything before the last "--", as Cloudify's rpartition). */
export function splitNamespace(raw: string): { namespace: string | null; url: string } {
  const at = raw.lastIndexOf('--');
  if (at <= 0) return { namespace: null, url: at === 0 ? raw.slice(2) : raw };
  return { namespace: raw.slice(0, at), url: raw.slice(at + 2) };
}

function parsePluginImport(url: string, location?: SourceLocation): ImportCandidate {
  const rest = url.slice('plugin:'.length);
  const q = rest.indexOf('?');
  const name = (q < 0 ? rest : rest.slice(0, q)).trim();
  if (!name) throw new DslError(`Import failed: '${url}' names no plugin`, IMPORT_FAILED, location);
  let versionSpec: string | null = null;
  if (q >= 0) {
    for (const part of rest.slice(q + 1).split('&')) {
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (key === 'version') versionSpec = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1)).trim() || null;
    }
  }
  return { kind: 'plugin', name, versionSpec };
}

function specCandidate(path: string, dsl: DslVersion): ImportCandidate | null {
  const types = /^cloudify\/([^/]+)\/types\.yaml$/.exec(path);
  if (types) return { kind: 'library', generation: generationForManagerVersion(types[1]!, dsl) };
  const plugin = /^([^/]+)\/([^/]+)\/plugin(?:_1_[0-5])?\.yaml$/.exec(path);
  if (plugin) {
    const name = plugin[1]!.startsWith('cloudify-') ? plugin[1]! : `cloudify-${plugin[1]}`;
    return { kind: 'plugin', name, versionSpec: plugin[2]! };
  }
  return null;
}

/**
 * The places an import URL may be found, in the order Cloudify's resolver would try them, mapped
 * to what Stratus has offline: archive files, the built-in type library, the plugin resolver,
 * and (only when the caller allows it) remote fetching.
 */
export function importCandidates(url: string, origin: ImportOrigin, dsl: DslVersion, location?: SourceLocation): ImportCandidate[] {
  if (url.startsWith('plugin:')) return [parsePluginImport(url, location)];
  if (url.startsWith('blueprint:')) return [{ kind: 'blueprint', id: url.slice('blueprint:'.length) }];
  const spec = SPEC_URL.exec(url);
  if (spec) {
    const mapped = specCandidate(spec[1]!.replace(/^\/+/, ''), dsl);
    return mapped ? [mapped] : [{ kind: 'remote', url }];
  }
  if (hasScheme(url)) {
    if (/^file:/i.test(url)) {
      throw new DslError(`Import failed: '${url}': file URLs are not allowed, import files of the blueprint archive by relative path`, IMPORT_FAILED, location);
    }
    return [{ kind: 'remote', url }];
  }
  const candidates: ImportCandidate[] = [];
  if (origin.kind === 'archive') candidates.push({ kind: 'archive', path: resolveInArchive(origin.path, url, location) });
  else if (origin.kind === 'remote') candidates.push({ kind: 'remote', url: new URL(url, origin.url).toString() });
  const types = TYPES_PATH.exec(url);
  if (types) candidates.push({ kind: 'library', generation: types[1] ? generationForDsl(`cloudify_dsl_${types[1]}` as DslVersion) : generationForDsl(dsl) });
  return candidates;
}
