import type { Dict } from '../plan';
import { dataTypes } from './data-types';
import { featuresOf } from './generations';
import type { Generation } from './generations';
import { nodeTypes } from './node-types';
import { plugins } from './plugins';
import { policyTriggers, policyTypes } from './policies';
import { relationshipTypes } from './relationships';
import { workflows } from './workflows';

export { generationForDsl, generationForManagerVersion } from './generations';
export type { Generation } from './generations';
export { STRATUS_OPERATIONS, STRATUS_PLUGIN } from './plugins';

/** The DSL version each generation's document declares. */
const DECLARED_VERSION: Record<Generation, string> = {
  '4.x': 'cloudify_dsl_1_3',
  '5.x': 'cloudify_dsl_1_3',
  '1_3': 'cloudify_dsl_1_3',
  '1_4': 'cloudify_dsl_1_4',
  '1_5': 'cloudify_dsl_1_5',
};

const cache = new Map<Generation, Dict>();
const libraryValues = new WeakSet<object>();

function markDeep(value: unknown): void {
  if (typeof value !== 'object' || value === null || libraryValues.has(value)) return;
  libraryValues.add(value);
  Object.freeze(value);
  for (const child of Object.values(value)) markDeep(child);
}

/**
 * Stratus's built-in equivalent of Cloudify's types.yaml for one generation: the same document
 * shape a blueprint import yields (node_types, relationships, data_types, workflows, plugins,
 * policy_types, policy_triggers), marked as Cloudify basic types. Built once and frozen.
 */
export function typesDocument(generation: Generation): Dict {
  let doc = cache.get(generation);
  if (!doc) {
    const f = featuresOf(generation);
    doc = {
      tosca_definitions_version: DECLARED_VERSION[generation],
      metadata: { cloudify_types: true },
      node_types: nodeTypes(f),
      relationships: relationshipTypes(f),
      data_types: dataTypes(f),
      workflows: workflows(f),
      plugins: plugins(f),
      policy_types: policyTypes(),
      policy_triggers: policyTriggers(),
    };
    markDeep(doc);
    cache.set(generation, doc);
  }
  return doc;
}

/**
 * True for values that come from the built-in library: they are trusted (no version gates apply
 * to them, whatever the blueprint's DSL version).
 */
export function isLibraryValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && libraryValues.has(value);
}

/** The pseudo-URL a library document is known by in the plan's imported_blueprints. */
export function libraryUrl(generation: Generation): string {
  return `stratus:types/${generation}`;
}
