import { DslError } from '../errors';
import type { SourceLocation } from '../errors';
import type { LocationIndex } from '../load/locations';
import type { Dict, ScalableProperties, Value } from '../plan';
import { isDict, isFunction } from '../values';
import { checkKeys, formatError, pyType } from './shape';

const INVALID_INSTANCES = 207;
const INVALID_LITERAL_INSTANCES = 208;
const INVALID_DICT_VALUE = 210;
const UNBOUNDED = -1;

export function defaultScalableProperties(instances = 1): ScalableProperties {
  return { min_instances: 0, max_instances: UNBOUNDED, default_instances: instances, current_instances: instances, planned_instances: instances };
}

/** An instance count: an integer, or an intrinsic function evaluated at deployment creation. */
function count(raw: Dict, key: string, index: LocationIndex, allowString: boolean): Value | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  const location = index.ofValue(raw, key);
  if (isDict(value)) {
    if (!isFunction(value)) throw new DslError(`${key} should be a valid intrinsic function or a value.`, INVALID_DICT_VALUE, location);
    return value;
  }
  if (typeof value === 'string' && allowString) {
    if (value !== 'UNBOUNDED') throw new DslError(`The only valid string for ${key} is UNBOUNDED.`, INVALID_LITERAL_INSTANCES, location);
    return UNBOUNDED;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw formatError(`${key}: expected 'int' type but found '${pyType(value)}' type`, location);
  return value;
}

/**
 * Scaling properties of `capabilities.scalable.properties` and of scaling policies:
 * min_instances (default 0), max_instances (default -1 = "UNBOUNDED"), default_instances
 * (default 1); non-negative (207), consistent with each other (207). Functions are kept as is.
 */
export function parseScalableProperties(raw: Value | undefined, index: LocationIndex, location?: SourceLocation): ScalableProperties {
  if (raw === undefined || raw === null) return defaultScalableProperties();
  if (!isDict(raw)) throw formatError(`scalable properties: expected 'dict' type but found '${pyType(raw)}' type`, location);
  checkKeys(raw, ['min_instances', 'max_instances', 'default_instances'], 'scalable properties', index);
  const min = count(raw, 'min_instances', index, false);
  const max = count(raw, 'max_instances', index, true);
  const def = count(raw, 'default_instances', index, false);
  for (const [key, value] of [['min_instances', min], ['default_instances', def]] as const) {
    if (typeof value === 'number' && value < 0) throw new DslError(`${key} should be a non negative value.`, INVALID_INSTANCES, index.ofValue(raw, key));
  }
  if (typeof max === 'number' && max !== UNBOUNDED && max < 1) {
    throw new DslError('max_instances should be a positive value.', INVALID_INSTANCES, index.ofValue(raw, 'max_instances'));
  }
  const minN = min ?? 0;
  const maxN = max ?? UNBOUNDED;
  const defN = def ?? 1;
  if (typeof minN === 'number' && typeof defN === 'number' && defN < minN) {
    throw new DslError(`default_instances (${defN}) cannot be smaller than min_instances (${minN})`, INVALID_INSTANCES, location);
  }
  if (typeof maxN === 'number' && maxN !== UNBOUNDED) {
    if (typeof minN === 'number' && minN > maxN) throw new DslError(`min_instances (${minN}) cannot be greater than max_instances (${maxN})`, INVALID_INSTANCES, location);
    if (typeof defN === 'number' && defN > maxN) throw new DslError(`default_instances (${defN}) cannot be greater than max_instances (${maxN})`, INVALID_INSTANCES, location);
  }
  // Function values stay raw until deployment creation evaluates them.
  return {
    min_instances: minN as number,
    max_instances: maxN as number,
    default_instances: defN as number,
    current_instances: defN as number,
    planned_instances: defN as number,
  };
}
