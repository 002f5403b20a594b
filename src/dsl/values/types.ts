import type { DslVersion, Value } from '../plan';
import { atLeast } from '../version';
import type { MinorVersion } from '../version';

/** Cloudify's USER_PRIMITIVE_TYPES: usable for properties, inputs and parameters. */
export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set(['string', 'integer', 'float', 'boolean', 'list', 'dict', 'regex']);

/**
 * Types whose values are not checked beyond being present: free text and the "object" types that
 * name manager entities (1_4+, operation_name 1_5+). Their existence is a manager concern.
 */
const UNCHECKED_TYPES: Readonly<Record<string, MinorVersion>> = {
  textarea: '1_0',
  blueprint_id: '1_4',
  deployment_id: '1_4',
  capability_value: '1_4',
  scaling_group: '1_4',
  node_id: '1_4',
  node_type: '1_4',
  node_instance: '1_4',
  secret_key: '1_4',
  operation_name: '1_5',
};

export function isBuiltinValueType(type: string): boolean {
  return PRIMITIVE_TYPES.has(type) || type in UNCHECKED_TYPES;
}

/** Minimum DSL version of a built-in type ('1_0' for the primitives), or null for unknown names. */
export function builtinTypeMinVersion(type: string): MinorVersion | null {
  if (PRIMITIVE_TYPES.has(type)) return '1_0';
  return UNCHECKED_TYPES[type] ?? null;
}

export function builtinTypeAllowed(type: string, version: DslVersion): boolean {
  const min = builtinTypeMinVersion(type);
  return min !== null && atLeast(version, min);
}

export function isDict(value: unknown): value is { [key: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's regex dialect differs a little from JavaScript's: translate the common constructs. */
export function pythonRegexToJs(pattern: string): string {
  return pattern
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>')
    .replace(/\\Z/g, '$')
    .replace(/\\A/g, '^');
}

export function compilePythonRegex(pattern: string, anchorStart = false): RegExp | null {
  try {
    const source = pythonRegexToJs(pattern);
    return new RegExp(anchorStart ? `^(?:${source})` : source);
  } catch {
    return null;
  }
}

/**
 * Whether `value` fits a built-in type, as Cloudify checks it: integer excludes booleans and
 * fractions, float accepts any number, and string (like the object types) accepts any value.
 */
export function matchesBuiltinType(value: Value, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number' && !Number.isNaN(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'regex':
      return typeof value === 'string' && compilePythonRegex(value) !== null;
    case 'list':
      return Array.isArray(value);
    case 'dict':
      return isDict(value);
    default:
      return type in UNCHECKED_TYPES || type === 'string';
  }
}
