import { DslError } from '../errors';
import type { SourceLocation } from '../errors';
import { isLibraryValue } from '../library';
import type { LocationIndex } from '../load/locations';
import type { Dict, DslVersion, Value } from '../plan';
import { isDict } from '../values';
import { atLeast } from '../version';
import type { MinorVersion } from '../version';

/** Cloudify's DSLParsingFormatException code for shape errors. */
export const FORMAT = 1;

/** Python-style type names, as Cloudify's messages use them. */
export function pyType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'dict';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  return 'str';
}

export function formatError(message: string, location?: SourceLocation): DslError {
  return new DslError(message, FORMAT, location);
}

function expected(what: string, type: string, value: unknown, location?: SourceLocation): DslError {
  return formatError(`${what}: expected '${type}' type but found '${pyType(value)}' type`, location);
}

export function expectDict(value: Value | undefined, what: string, location?: SourceLocation): Dict {
  if (!isDict(value)) throw expected(what, 'dict', value, location);
  return value;
}

/** A dict, or {} when absent / null. */
export function optionalDict(value: Value | undefined, what: string, location?: SourceLocation): Dict {
  if (value === undefined || value === null) return {};
  return expectDict(value, what, location);
}

export function optionalList(value: Value | undefined, what: string, location?: SourceLocation): Value[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw expected(what, 'list', value, location);
  return value;
}

export function expectString(value: Value | undefined, what: string, location?: SourceLocation): string {
  if (typeof value !== 'string') throw expected(what, 'str', value, location);
  return value;
}

export function optionalString(value: Value | undefined, what: string, location?: SourceLocation): string | undefined {
  if (value === undefined || value === null) return undefined;
  return expectString(value, what, location);
}

export function optionalBool(value: Value | undefined, what: string, location?: SourceLocation): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw expected(what, 'bool', value, location);
  return value;
}

export function optionalInt(value: Value | undefined, what: string, location?: SourceLocation): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw expected(what, 'int', value, location);
  return value;
}

export function optionalNumber(value: Value | undefined, what: string, location?: SourceLocation): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw expected(what, 'float', value, location);
  return value;
}

/** A value that must be present (Cloudify: "'x' key is required but it is currently missing"). */
export function required(dict: Dict, key: string, what: string, location?: SourceLocation): Value {
  const value = dict[key];
  if (value === undefined || value === null) throw formatError(`'${key}' key is required but it is currently missing (${what})`, location);
  return value;
}

/** Rejects keys outside `allowed` (error 1, "'x' is not in schema"). */
export function checkKeys(dict: Dict, allowed: readonly string[], what: string, index: LocationIndex): void {
  for (const key of Object.keys(dict)) {
    if (!allowed.includes(key)) {
      throw formatError(`'${key}' is not in schema (${what}). Valid schema values: [${allowed.join(', ')}]`, index.ofKey(dict, key));
    }
  }
}

/**
 * Version gate (error 102): `key` of `container` needs DSL `min`. Library values are exempt:
 * Stratus serves its own types to every DSL version.
 */
export function gate(container: Dict, key: string, min: MinorVersion, dsl: DslVersion, index: LocationIndex, label = key): void {
  if (container[key] === undefined || container[key] === null) return;
  if (atLeast(dsl, min) || isLibraryValue(container)) return;
  throw new DslError(`${label} not supported in version ${dsl}, it was added in cloudify_dsl_${min}`, 102, index.ofKey(container, key));
}
