import type { Dict, Value } from '../plan';
import type { BlueprintSource } from '../source';
import { isDict } from '../values';
import { resolveInArchive } from '../imports/paths';

/** Every single-line string that an operation or workflow mapping could be (to test as a file). */
function collectMappings(doc: Dict, plugins: string[]): Set<string> {
  const found = new Set<string>();
  const consider = (value: Value | undefined): void => {
    let mapping: Value | undefined = value;
    if (isDict(value)) mapping = value.implementation ?? value.mapping;
    if (typeof mapping !== 'string' || mapping === '' || mapping.trim().includes('\n')) return;
    if (plugins.some((p) => mapping.startsWith(`${p}.`))) return;
    found.add(mapping);
  };
  const interfaces = (raw: Value | undefined): void => {
    if (!isDict(raw)) return;
    for (const ops of Object.values(raw)) if (isDict(ops)) for (const op of Object.values(ops)) consider(op);
  };
  const each = (section: Value | undefined, fn: (entry: Dict) => void): void => {
    if (isDict(section)) for (const entry of Object.values(section)) if (isDict(entry)) fn(entry);
  };
  each(doc.node_types, (t) => interfaces(t.interfaces));
  each(doc.relationships, (r) => {
    interfaces(r.source_interfaces);
    interfaces(r.target_interfaces);
  });
  each(doc.node_templates, (n) => {
    interfaces(n.interfaces);
    if (Array.isArray(n.relationships)) {
      for (const rel of n.relationships) {
        if (!isDict(rel)) continue;
        interfaces(rel.source_interfaces);
        interfaces(rel.target_interfaces);
      }
    }
  });
  if (isDict(doc.workflows)) for (const wf of Object.values(doc.workflows)) consider(wf);
  return found;
}

/**
 * The mappings that name a file of the blueprint (relative to the main file's directory, like
 * Cloudify's resource base): those are scripts. Checked once, in parallel, before validation.
 */
export async function findScriptResources(doc: Dict, mainFile: string, source: BlueprintSource): Promise<Set<string>> {
  const plugins = isDict(doc.plugins) ? Object.keys(doc.plugins) : [];
  const mappings = [...collectMappings(doc, plugins)].filter((m) => !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(m));
  const exists = async (mapping: string): Promise<boolean> => {
    let path: string;
    try {
      path = resolveInArchive(mainFile, mapping.replace(/^\/+/, ''));
    } catch {
      return false;
    }
    if (source.exists) return source.exists(path);
    return (await source.readFile(path)) !== undefined;
  };
  const results = await Promise.all(mappings.map(exists));
  return new Set(mappings.filter((_, i) => results[i]));
}
