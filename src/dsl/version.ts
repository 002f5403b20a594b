import type { DslVersion } from './plan';

/** Supported tosca_definitions_version values, oldest first (Cloudify's dsl_parser/version.py). */
export const DSL_VERSIONS: readonly DslVersion[] = [
  'cloudify_dsl_1_0',
  'cloudify_dsl_1_1',
  'cloudify_dsl_1_2',
  'cloudify_dsl_1_3',
  'cloudify_dsl_1_4',
  'cloudify_dsl_1_5',
];

/** A minor version as used by the version gates: '1_3' etc. */
export type MinorVersion = '1_0' | '1_1' | '1_2' | '1_3' | '1_4' | '1_5';

export function isDslVersion(value: unknown): value is DslVersion {
  return typeof value === 'string' && (DSL_VERSIONS as readonly string[]).includes(value);
}

export function versionIndex(version: DslVersion): number {
  return DSL_VERSIONS.indexOf(version);
}

/** True when `version` is `minimum` or newer. */
export function atLeast(version: DslVersion, minimum: MinorVersion): boolean {
  return versionIndex(version) >= DSL_VERSIONS.indexOf(`cloudify_dsl_${minimum}`);
}

/** "cloudify_dsl_1_3" -> "1_3" (the suffix also used for types_<ver>.yaml lookups). */
export function minorOf(version: DslVersion): MinorVersion {
  return version.slice('cloudify_dsl_'.length) as MinorVersion;
}
