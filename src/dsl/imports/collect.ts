import { DslError } from '../errors';
import type { SourceLocation } from '../errors';
import { isLibraryValue, libraryUrl, typesDocument } from '../library';
import type { LoadLimits } from '../load/limits';
import type { LocationIndex } from '../load/locations';
import { loadYaml } from '../load/yaml-loader';
import type { Dict, DslVersion, Value } from '../plan';
import type { BlueprintSource, PluginResolver } from '../source';
import { isDict } from '../values';
import { atLeast, isDslVersion, versionIndex } from '../version';
import { importCandidates, splitNamespace } from './classify';
import type { ImportCandidate, ImportOrigin } from './classify';
import { IMPORT_FAILED } from './paths';

/** One file of the blueprint (the main file first), as the merge consumes it. */
export interface ImportedFile {
  /** Archive path, resolver path, URL or library pseudo-URL. */
  url: string;
  namespace: string | null;
  doc: Dict;
  /** Defines cloudify.nodes.Root: Cloudify's basic types, which may be re-imported. */
  basicTypes: boolean;
  /** Plugin properties given with a `{url: {properties}}` import (1_5). */
  properties: Dict | null;
  origin: ImportOrigin;
}

export interface CollectContext {
  source: BlueprintSource;
  pluginResolver?: PluginResolver;
  fetchRemote?: (url: string) => Promise<string>;
  limits: LoadLimits;
  index: LocationIndex;
  dsl: DslVersion;
}

const INVALID_IMPORT_SPECS = 220;

function isBasicTypes(doc: Dict): boolean {
  const nodeTypes = doc.node_types;
  return isDict(nodeTypes) && Object.prototype.hasOwnProperty.call(nodeTypes, 'cloudify.nodes.Root');
}

interface ImportEntry {
  raw: string;
  properties: Dict | null;
  location?: SourceLocation;
}

/** Validates the `imports` list of one file: strings or single-key dicts, no duplicates (err 2). */
function importEntries(file: ImportedFile, ctx: CollectContext): ImportEntry[] {
  const imports = file.doc.imports;
  if (imports === undefined || imports === null) return [];
  const where = ctx.index.ofValue(file.doc, 'imports');
  if (!Array.isArray(imports)) throw new DslError(`'imports' must be a list, found ${describe(imports)}`, 1, where);
  const seen = new Set<string>();
  return imports.map((item, i) => {
    const location = ctx.index.ofItem(imports, i) ?? where;
    let entry: ImportEntry;
    if (typeof item === 'string') entry = { raw: item, properties: null, location };
    else if (isDict(item)) {
      const keys = Object.keys(item);
      if (keys.length !== 1) throw new DslError('Import with properties should be a single-entry dictionary', INVALID_IMPORT_SPECS, location);
      const props = item[keys[0]!];
      if (!isLibraryValue(file.doc) && !atLeast(ctx.dsl, '1_5')) {
        throw new DslError(`Import properties not supported in version ${ctx.dsl}, it was added in cloudify_dsl_1_5`, 102, location);
      }
      if (props !== null && !isDict(props)) throw new DslError('Import properties must be a dictionary', INVALID_IMPORT_SPECS, location);
      entry = { raw: keys[0]!, properties: (props as Dict | null) ?? null, location };
    } else {
      throw new DslError('The import statement should be either a string or a dictionary', INVALID_IMPORT_SPECS, location);
    }
    if (seen.has(entry.raw)) throw new DslError(`Duplicate imports: '${entry.raw}'`, 2, location);
    seen.add(entry.raw);
    return entry;
  });
}

function describe(value: Value): string {
  if (Array.isArray(value)) return 'a list';
  if (isDict(value)) return 'a dict';
  return `'${String(value)}'`;
}

interface Fetched {
  url: string;
  doc: Dict;
  origin: ImportOrigin;
}

/** Loads one candidate; null when the candidate does not exist (the next one is tried). */
async function fetchCandidate(candidate: ImportCandidate, entry: ImportEntry, namespace: string | null, ctx: CollectContext): Promise<Fetched | null> {
  switch (candidate.kind) {
    case 'library':
      return { url: libraryUrl(candidate.generation), doc: typesDocument(candidate.generation), origin: { kind: 'other' } };
    case 'archive': {
      const text = await ctx.source.readFile(candidate.path);
      if (text === undefined) return null;
      return { url: candidate.path, doc: asDocument(loadYaml(text, candidate.path, ctx.limits, ctx.index), candidate.path, ctx), origin: { kind: 'archive', path: candidate.path } };
    }
    case 'plugin': {
      if (!ctx.pluginResolver) {
        throw new DslError(`Import failed: '${entry.raw}' needs the manager's plugins and no plugin resolver was given`, IMPORT_FAILED, entry.location);
      }
      const found = await ctx.pluginResolver.resolve(candidate.name, candidate.versionSpec, ctx.dsl);
      if (!found) {
        const version = candidate.versionSpec ? ` (version ${candidate.versionSpec})` : '';
        throw new DslError(`Import failed: no plugin '${candidate.name}'${version} is known to the manager`, IMPORT_FAILED, entry.location);
      }
      // Plugin files come from the manager: duplicate keys are tolerated there, as PyYAML does.
      const loaded = loadYaml(found.yaml, found.path, ctx.limits, ctx.index, { allowDuplicateKeys: true });
      return { url: found.path, doc: asDocument(loaded, found.path, ctx), origin: { kind: 'other' } };
    }
    case 'remote': {
      if (!ctx.fetchRemote) {
        throw new DslError(`Import failed: remote import '${candidate.url}' is not fetched (only the blueprint's own files, Cloudify spec URLs and plugin: imports are resolved)`, IMPORT_FAILED, entry.location);
      }
      let text: string;
      try {
        text = await ctx.fetchRemote(candidate.url);
      } catch (err) {
        throw new DslError(`Import failed: could not fetch '${candidate.url}': ${(err as Error).message}`, IMPORT_FAILED, entry.location);
      }
      return { url: candidate.url, doc: asDocument(loadYaml(text, candidate.url, ctx.limits, ctx.index), candidate.url, ctx), origin: { kind: 'remote', url: candidate.url } };
    }
    case 'blueprint':
      if (!namespace) throw new DslError(`Invalid ${entry.raw}: blueprint import cannot be used without namespace`, 213, entry.location);
      throw new DslError(`Import failed: blueprint imports ('${entry.raw}') are not supported by Stratus yet`, IMPORT_FAILED, entry.location);
  }
}

/** A loaded file must be a mapping (an empty file counts as an empty one). */
export function asDocument(value: Value, file: string, ctx: { index: LocationIndex }): Dict {
  if (value === null) return {};
  if (!isDict(value)) throw new DslError(`Expected 'dict' type but found ${describe(value)} at the top of '${file}'`, 1, ctx.index.of(value) ?? { file, line: 1, column: 1 });
  return value;
}

function checkImportedVersion(file: ImportedFile, ctx: CollectContext): void {
  if (isLibraryValue(file.doc)) return;
  const version = file.doc.tosca_definitions_version;
  if (version === undefined || version === null) return;
  const location = ctx.index.ofValue(file.doc, 'tosca_definitions_version');
  if (!isDslVersion(version)) {
    throw new DslError(`Unexpected tosca_definitions_version '${String(version)}' in import '${file.url}'`, 29, location);
  }
  if (versionIndex(version) > versionIndex(ctx.dsl)) {
    throw new DslError(
      `An import uses a different tosca_definitions_version than the one defined in the main blueprint's file: main blueprint's file version is '${ctx.dsl}', import with different version is '${file.url}', version of problematic import is '${version}'`,
      28,
      location,
    );
  }
}

/**
 * Resolves the import tree breadth-first (parents before children), as Cloudify does: a file
 * already imported under the same namespace is skipped (so cycles and diamonds load each file
 * once), basic types may not be namespaced (214), imported files may not declare a newer DSL
 * version (28).
 */
export async function collectImports(main: { path: string; doc: Dict }, ctx: CollectContext): Promise<ImportedFile[]> {
  const root: ImportedFile = { url: main.path, namespace: null, doc: main.doc, basicTypes: isBasicTypes(main.doc), properties: null, origin: { kind: 'archive', path: main.path } };
  const ordered = new Map<string, ImportedFile>([[keyOf(root.url, null), root]]);
  const queue: ImportedFile[] = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const entry of importEntries(parent, ctx)) {
      const next = await resolveEntry(entry, parent, ordered, ctx);
      if (!next) continue;
      if (ordered.size >= ctx.limits.maxImports) {
        throw new DslError(`Import failed: more than ${ctx.limits.maxImports} imported files`, IMPORT_FAILED, entry.location);
      }
      checkImportedVersion(next, ctx);
      ordered.set(keyOf(next.url, next.namespace), next);
      queue.push(next);
    }
  }
  return [...ordered.values()];
}

function keyOf(url: string, namespace: string | null): string {
  return `${namespace ?? ''}\u0000${url}`;
}

function childNamespace(parent: string | null, own: string | null, location?: SourceLocation): string | null {
  if (own !== null && own.includes('--')) {
    throw new DslError(`Invalid ${own}: import's namespace cannot contain namespace delimiter`, 212, location);
  }
  if (parent && own) return `${parent}--${own}`;
  return parent ?? own;
}

async function resolveEntry(entry: ImportEntry, parent: ImportedFile, ordered: Map<string, ImportedFile>, ctx: CollectContext): Promise<ImportedFile | null> {
  const split = splitNamespace(entry.raw);
  if (split.namespace !== null && split.namespace.trim() === '') {
    throw new DslError(`Invalid import '${entry.raw}': empty namespace`, 212, entry.location);
  }
  const namespace = childNamespace(parent.namespace, split.namespace, entry.location);
  const candidates = importCandidates(split.url, parent.origin, ctx.dsl, entry.location);
  for (const candidate of candidates) {
    const knownUrl = candidate.kind === 'library' ? libraryUrl(candidate.generation) : candidate.kind === 'archive' ? candidate.path : null;
    if (knownUrl !== null) {
      const seen = ordered.get(keyOf(knownUrl, namespace)) ?? (candidate.kind === 'library' ? ordered.get(keyOf(knownUrl, null)) : undefined);
      if (seen) {
        if (seen.basicTypes) checkBasicTypesNamespace(namespace, parent, entry);
        return null;
      }
    }
    const fetched = await fetchCandidate(candidate, entry, namespace, ctx);
    if (!fetched) continue;
    const already = ordered.get(keyOf(fetched.url, namespace));
    if (already) return null;
    const basicTypes = isBasicTypes(fetched.doc);
    if (basicTypes) {
      checkBasicTypesNamespace(namespace, parent, entry);
      if (ordered.has(keyOf(fetched.url, null))) return null;
    }
    return { url: fetched.url, namespace: basicTypes ? null : namespace, doc: fetched.doc, basicTypes, properties: entry.properties, origin: fetched.origin };
  }
  throw new DslError(`Import failed: no suitable location found for import '${entry.raw}'`, IMPORT_FAILED, entry.location);
}

/** Basic types keep their names: they may only be imported without a namespace of their own. */
function checkBasicTypesNamespace(namespace: string | null, parent: ImportedFile, entry: ImportEntry): void {
  if (namespace && namespace !== parent.namespace) {
    throw new DslError(`Invalid import namespace ${namespace}: cannot be used on Cloudify basic types.`, 214, entry.location);
  }
}
