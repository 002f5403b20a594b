import { DslError } from '../errors';
import type { LocationIndex } from '../load/locations';
import type { Dict, DslVersion, Value } from '../plan';
import { isLibraryValue } from '../library';
import { checkSectionGates } from '../validate/toplevel';
import { isDict } from '../values';
import { atLeast } from '../version';
import type { ImportedFile } from './collect';
import { namespaceDocument } from './namespace';
import { applyPluginProperties } from './plugin-properties';

/** Sections merged entry by entry from every file; a duplicate name is an error (4). */
const MERGE_NO_OVERRIDE = new Set(['node_types', 'plugins', 'workflows', 'relationships', 'policy_types', 'groups', 'policy_triggers', 'data_types']);
/** Sections that several files may contribute to from cloudify_dsl_1_3 on (error 3 before). */
const MERGEABLE_FROM_1_3 = new Set(['inputs', 'outputs', 'node_templates', 'capabilities', 'blueprint_labels', 'labels', 'resource_tags']);
/** The first file that has them wins. */
const DONT_OVERWRITE = new Set(['description', 'metadata']);
/** Not carried into the combined blueprint (the version is taken from the main file). */
const IGNORE = new Set(['dsl_definitions', 'imports', 'tosca_definitions_version']);
/** Duplicates are silently skipped (the first definition wins). */
const FIRST_WINS_ENTRIES = new Set(['labels', 'blueprint_labels', 'resource_tags']);

/**
 * Merges the imported files (main file first, breadth-first order) into one blueprint, following
 * Cloudify's rules (imports.py _merge_parsed_into_combined): see the sets above. Entries of basic
 * types files (and names starting with "cloudify.") may be redefined; node templates defined twice
 * may only add relationships.
 */
export function mergeImports(files: ImportedFile[], dsl: DslVersion, index: LocationIndex): Dict {
  const combined: Dict = {};
  if (files[0]) index.copy(files[0].doc, combined);
  const mergeable = new Set(MERGE_NO_OVERRIDE);
  if (atLeast(dsl, '1_3')) for (const key of MERGEABLE_FROM_1_3) mergeable.add(key);
  for (const file of files) {
    let doc = file.namespace ? namespaceDocument(file.doc, file.namespace, index) : file.doc;
    if (file.properties) doc = applyPluginProperties(doc, file.properties, index);
    if (!isLibraryValue(file.doc)) checkSectionGates(doc, dsl, index);
    for (const key of Object.keys(doc)) {
      if (IGNORE.has(key)) continue;
      const value = doc[key]!;
      if (!Object.prototype.hasOwnProperty.call(combined, key)) {
        combined[key] = isDict(value) ? copyDict(value, index) : value;
        index.copyKey(doc, key, combined, key);
        continue;
      }
      if (DONT_OVERWRITE.has(key)) continue;
      const location = index.ofKey(doc, key);
      if (!mergeable.has(key)) {
        const hint = MERGEABLE_FROM_1_3.has(key) ? `. ${key} can be imported multiple times only from cloudify_dsl_1_3 and above.` : '';
        throw new DslError(`Import failed: non-mergeable field: '${key}'${hint}`, 3, location);
      }
      const target = combined[key];
      if (!isDict(target) || !isDict(value)) {
        throw new DslError(`Import failed: Could not merge '${key}': expected dictionaries`, 1, location);
      }
      mergeSection(key, target, value, file.basicTypes, index);
    }
  }
  return combined;
}

function copyDict(value: Dict, index: LocationIndex): Dict {
  const copy: Dict = { ...value };
  index.copy(value, copy);
  return copy;
}

function mergeSection(section: string, target: Dict, incoming: Dict, incomingIsBasic: boolean, index: LocationIndex): void {
  for (const name of Object.keys(incoming)) {
    const value = incoming[name]!;
    const existing = target[name];
    if (existing === undefined || incomingIsBasic || name.startsWith('cloudify.')) {
      target[name] = value;
      index.copyKey(incoming, name, target, name);
      continue;
    }
    if (section === 'node_templates') {
      target[name] = mergeNodeTemplate(name, existing, value, index, incoming);
      continue;
    }
    if (FIRST_WINS_ENTRIES.has(section)) continue;
    if (section === 'workflows') {
      if (isDict(existing) && isDict(value)) target[name] = { ...value, ...existing };
      continue;
    }
    throw new DslError(`Import failed: Could not merge '${section}' due to conflict on '${name}'`, 4, index.ofKey(incoming, name));
  }
}

/**
 * A node template defined in two files: allowed only when one side holds nothing but
 * relationships; the relationship lists are concatenated.
 */
function mergeNodeTemplate(name: string, existing: Value, incoming: Value, index: LocationIndex, incomingParent: Dict): Value {
  const conflict = (): never => {
    throw new DslError(`Import failed: Could not merge 'node_templates' due to conflict on '${name}'`, 4, index.ofKey(incomingParent, name));
  };
  if (!isDict(existing) || !isDict(incoming) || !('relationships' in existing)) return conflict();
  const onlyRelationships = (d: Dict): boolean => 'relationships' in d && Object.keys(d).length === 1;
  const rels = (d: Dict): Value[] => (Array.isArray(d.relationships) ? d.relationships : []);
  if (Object.keys(existing).length === 1 && ('type' in incoming || onlyRelationships(incoming))) {
    const merged: Dict = { ...existing, ...incoming, relationships: [...rels(existing), ...rels(incoming)] };
    index.copy(incoming, merged);
    return merged;
  }
  if (onlyRelationships(incoming)) {
    const merged: Dict = { ...existing, relationships: [...rels(existing), ...rels(incoming)] };
    index.copy(existing, merged);
    return merged;
  }
  return conflict();
}
