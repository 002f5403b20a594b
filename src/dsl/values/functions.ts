import { HYBRID_FUNCTIONS, RUNTIME_FUNCTIONS } from '../functions/names';
import type { Value } from '../plan';

/**
 * The parser only needs to RECOGNISE intrinsic functions (type checks skip function values,
 * `has_intrinsic_functions` marks operations that hold one); the one list of their names, and
 * their evaluation, live in src/dsl/functions/.
 */
export { HYBRID_FUNCTIONS, RUNTIME_FUNCTIONS };

export const FUNCTION_NAMES: ReadonlySet<string> = new Set<string>([...HYBRID_FUNCTIONS, ...RUNTIME_FUNCTIONS]);

function isDict(value: unknown): value is { [key: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The function name when `value` is an intrinsic function call: a dict whose only key is a
 * function name, or that key plus `type` (Cloudify accepts `{get_input: x, type: ...}`).
 */
export function functionName(value: unknown): string | null {
  if (!isDict(value)) return null;
  const keys = Object.keys(value);
  if (keys.length === 0 || keys.length > 2) return null;
  let name: string | null = null;
  for (const key of keys) {
    if (key === 'type') continue;
    if (!FUNCTION_NAMES.has(key)) return null;
    name = key;
  }
  return name;
}

export function isFunction(value: unknown): boolean {
  return functionName(value) !== null;
}

/** True when `value` holds an intrinsic function anywhere inside it. */
export function containsFunction(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsFunction);
  if (!isDict(value)) return false;
  if (isFunction(value)) return true;
  for (const key in value) {
    if (containsFunction(value[key])) return true;
  }
  return false;
}
