/**
 * The intrinsic functions Stratus knows, and how a value is recognised as a function call.
 *
 * A call is a map with one key naming a function (`{get_input: name}`), optionally with a second key
 * `type` that declares the expected return type (`{get_input: port, type: integer}`), as Cloudify does.
 */
import type { Dict, Value } from '../plan';

/** Evaluated at deployment creation (unless the deployment asks for runtime-only evaluation). */
export const HYBRID_FUNCTIONS = [
  'get_input',
  'get_property',
  'concat',
  'merge',
  'string_find',
  'string_replace',
  'string_split',
  'string_lower',
  'string_upper',
] as const;

/** Kept in the deployment as expressions; evaluated when read or when an operation runs. */
export const RUNTIME_FUNCTIONS = [
  'get_attribute',
  'get_attributes_list',
  'get_attributes_dict',
  'get_secret',
  'get_capability',
  'get_group_capability',
  'get_environment_capability',
  'get_label',
  'get_sys',
  'get_consumers',
] as const;

export type HybridFunctionName = (typeof HYBRID_FUNCTIONS)[number];
export type RuntimeFunctionName = (typeof RUNTIME_FUNCTIONS)[number];
export type FunctionName = HybridFunctionName | RuntimeFunctionName;

const NAMES: ReadonlySet<string> = new Set<string>([...HYBRID_FUNCTIONS, ...RUNTIME_FUNCTIONS]);
const HYBRID: ReadonlySet<string> = new Set<string>(HYBRID_FUNCTIONS);

export function isFunctionName(name: string): name is FunctionName {
  return NAMES.has(name);
}

export function isHybrid(name: FunctionName): name is HybridFunctionName {
  return HYBRID.has(name);
}

/** A recognised function call. */
export interface FunctionCall {
  name: FunctionName;
  args: Value;
  /** The optional `type` key (declared return type), kept when the call is rebuilt. */
  returnType?: Value;
}

export function isDict(value: Value | undefined): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the call a value represents, or null for a plain value. */
export function parseFunction(value: Value | undefined): FunctionCall | null {
  if (!isDict(value)) return null;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const name = keys[0];
    return isFunctionName(name) ? { name, args: value[name] } : null;
  }
  if (keys.length === 2 && 'type' in value) {
    const name = keys[0] === 'type' ? keys[1] : keys[0];
    return isFunctionName(name) ? { name, args: value[name], returnType: value.type } : null;
  }
  return null;
}

/** Rebuilds the map form of a call (after its arguments changed). */
export function callValue(call: FunctionCall, args: Value): Dict {
  const result: Dict = { [call.name]: args };
  if (call.returnType !== undefined) result.type = call.returnType;
  return result;
}

/** True when a function call appears anywhere inside the value. */
export function containsFunction(value: Value | undefined): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(containsFunction);
  if (parseFunction(value)) return true;
  for (const key in value) if (containsFunction(value[key])) return true;
  return false;
}
