import { DslError } from '../errors';
import type { LocationIndex } from '../load/locations';
import type { Dict, DslVersion } from '../plan';
import { isDslVersion } from '../version';
import { checkKeys, gate } from './shape';

/** Keys of a blueprint file (Cloudify's Blueprint element, plus the 1_3+ additions). */
export const TOP_LEVEL_KEYS = [
  'tosca_definitions_version',
  'description',
  'imports',
  'dsl_definitions',
  'metadata',
  'inputs',
  'plugins',
  'node_types',
  'relationships',
  'node_templates',
  'policy_types',
  'policy_triggers',
  'groups',
  'policies',
  'workflows',
  'outputs',
  'data_types',
  'capabilities',
  'labels',
  'blueprint_labels',
  'deployment_settings',
  'resource_tags',
];

/** The main file's tosca_definitions_version: required (27), supported (29). */
export function mainVersion(doc: Dict, index: LocationIndex, file: string): DslVersion {
  const version = doc.tosca_definitions_version;
  if (version === undefined || version === null) {
    throw new DslError('tosca_definitions_version field must appear in the main blueprint file', 27, index.of(doc) ?? { file, line: 1, column: 1 });
  }
  if (!isDslVersion(version)) {
    throw new DslError(
      `Unexpected tosca_definitions_version '${String(version)}'; Currently supported versions are: cloudify_dsl_1_0, cloudify_dsl_1_1, cloudify_dsl_1_2, cloudify_dsl_1_3, cloudify_dsl_1_4, cloudify_dsl_1_5`,
      29,
      index.ofValue(doc, 'tosca_definitions_version'),
    );
  }
  return version;
}

/** Unknown top-level keys (1) and the version gates of whole sections of the main file (102). */
export function checkMainFile(doc: Dict, dsl: DslVersion, index: LocationIndex): void {
  checkKeys(doc, TOP_LEVEL_KEYS, 'blueprint', index);
  gate(doc, 'description', '1_2', dsl, index);
  gate(doc, 'dsl_definitions', '1_2', dsl, index);
  if (doc.dsl_definitions !== undefined && doc.dsl_definitions !== null && typeof doc.dsl_definitions !== 'object') {
    throw new DslError("dsl_definitions: expected 'dict' or 'list' type", 1, index.ofValue(doc, 'dsl_definitions'));
  }
}

/**
 * Version gates of whole sections, checked file by file before merging (the built-in library is
 * exempt: its sections must not fail an old blueprint that imports it).
 */
export function checkSectionGates(doc: Dict, dsl: DslVersion, index: LocationIndex): void {
  gate(doc, 'description', '1_2', dsl, index);
  gate(doc, 'data_types', '1_2', dsl, index);
  gate(doc, 'policies', '1_3', dsl, index);
  gate(doc, 'resource_tags', '1_3', dsl, index);
}

/** Shapes of the combined blueprint's scalar sections. */
export function checkCombined(doc: Dict, index: LocationIndex): void {
  checkKeys(doc, TOP_LEVEL_KEYS, 'blueprint', index);
  if (doc.description !== undefined && doc.description !== null && typeof doc.description !== 'string') {
    throw new DslError("description: expected 'str' type", 1, index.ofValue(doc, 'description'));
  }
  if (doc.metadata !== undefined && doc.metadata !== null && (typeof doc.metadata !== 'object' || Array.isArray(doc.metadata))) {
    throw new DslError("metadata: expected 'dict' type", 1, index.ofValue(doc, 'metadata'));
  }
}
