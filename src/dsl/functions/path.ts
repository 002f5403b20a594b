/**
 * Following a path of keys and indexes into a value, as get_input, get_property, get_attribute,
 * get_secret and get_capability all do. A function call met on the way is evaluated first (a
 * property may hold `{get_input: ...}` that the path goes through).
 */
import type { Value } from '../plan';
import { isDict, parseFunction } from './names';

export type PathFailure =
  | { kind: 'missing'; at: number }
  | { kind: 'not_int'; at: number }
  | { kind: 'out_of_range'; at: number; size: number }
  | { kind: 'not_container'; at: number };

export type PathResult = { found: true; value: Value } | { found: false; failure: PathFailure };

/** A path step is a key (string) or a list index (integer), as in Cloudify. */
export function isPathStep(value: Value): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

export async function followPath(
  root: Value,
  path: readonly Value[],
  evaluate: (value: Value) => Promise<Value>,
): Promise<PathResult> {
  let value = root;
  for (let at = 0; at < path.length; at++) {
    if (parseFunction(value)) value = await evaluate(value);
    const step = path[at];
    if (Array.isArray(value)) {
      if (typeof step !== 'number' || !Number.isInteger(step)) return { found: false, failure: { kind: 'not_int', at } };
      // Python semantics: negative indexes count from the end.
      const index = step < 0 ? value.length + step : step;
      if (index < 0 || index >= value.length) return { found: false, failure: { kind: 'out_of_range', at, size: value.length } };
      value = value[index];
    } else if (isDict(value)) {
      const key = String(step);
      if (typeof step !== 'string' || !Object.prototype.hasOwnProperty.call(value, key)) {
        return { found: false, failure: { kind: 'missing', at } };
      }
      value = value[key];
    } else {
      return { found: false, failure: { kind: 'not_container', at } };
    }
  }
  return { found: true, value };
}

/** Synchronous variant for parse-time checks: stops (as found) at a function call it cannot evaluate. */
export function followPathStatically(root: Value, path: readonly Value[]): PathResult {
  let value = root;
  for (let at = 0; at < path.length; at++) {
    if (parseFunction(value)) return { found: true, value };
    const step = path[at];
    if (parseFunction(step)) return { found: true, value };
    if (Array.isArray(value)) {
      if (typeof step !== 'number' || !Number.isInteger(step)) return { found: false, failure: { kind: 'not_int', at } };
      const index = step < 0 ? value.length + step : step;
      if (index < 0 || index >= value.length) return { found: false, failure: { kind: 'out_of_range', at, size: value.length } };
      value = value[index];
    } else if (isDict(value)) {
      if (typeof step !== 'string' || !Object.prototype.hasOwnProperty.call(value, step)) {
        return { found: false, failure: { kind: 'missing', at } };
      }
      value = value[step];
    } else {
      return { found: false, failure: { kind: 'not_container', at } };
    }
  }
  return { found: true, value };
}
