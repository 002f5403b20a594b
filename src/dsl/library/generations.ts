import type { DslVersion } from '../plan';
import { versionIndex } from '../version';

/**
 * The generations of Cloudify's types.yaml that Stratus reproduces:
 * - '4.x': lifecycle create/configure/start/stop/delete only (Cloudify 3.4 - 4.6);
 * - '5.x': pre/post lifecycle operations, validation create/delete, components (5.0 - 6.3);
 * - '1_3' / '1_4' / '1_5': the 6.4+ files served per blueprint DSL version (types_1_3.yaml,
 *   types_1_4.yaml, types.yaml), with Root's use_external_resource / resource_id.
 */
export type Generation = '4.x' | '5.x' | '1_3' | '1_4' | '1_5';

export interface Features {
  generation: Generation;
  /** precreate/poststart/prestop/postdelete and validation create/delete */
  prePostOps: boolean;
  /** 6.4+: update/heal/pull/check_drift lifecycle ops, Root external-resource properties */
  modern: boolean;
  /** 1_4+: availability_rules, list item_type, object types in schemas */
  v14: boolean;
  /** 1_5: operation_name type and the newest workflow defaults */
  v15: boolean;
}

export function featuresOf(generation: Generation): Features {
  const modern = generation === '1_3' || generation === '1_4' || generation === '1_5';
  return {
    generation,
    prePostOps: generation !== '4.x',
    modern,
    v14: generation === '1_4' || generation === '1_5',
    v15: generation === '1_5',
  };
}

/** The generation `cloudify/types/types.yaml` gives a blueprint of this DSL version. */
export function generationForDsl(version: DslVersion): Generation {
  if (versionIndex(version) >= versionIndex('cloudify_dsl_1_5')) return '1_5';
  if (version === 'cloudify_dsl_1_4') return '1_4';
  // 1_0 - 1_3 blueprints get the 1_3 file (Cloudify serves HEAD types.yaml, declared 1_4, to
  // 1_0 - 1_2 blueprints and then rejects the import; Stratus serves them the oldest modern file).
  return '1_3';
}

/**
 * The generation for a versioned spec URL (".../spec/cloudify/<version>/types.yaml"): the cached
 * generation closest to that manager version; 6.4 and newer (and unparseable versions) follow the
 * blueprint's DSL version, since a newer file would fail an older blueprint (INDEX.md §A caveat).
 */
export function generationForManagerVersion(managerVersion: string, dsl: DslVersion): Generation {
  const match = /^(\d+)(?:\.(\d+))?/.exec(managerVersion);
  if (!match) return generationForDsl(dsl);
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  if (major < 5) return '4.x';
  if (major === 5 || (major === 6 && minor < 4)) return '5.x';
  return generationForDsl(dsl);
}
