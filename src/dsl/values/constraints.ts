import { DslError } from '../errors';
import type { SourceLocation } from '../errors';
import type { Dict, DslVersion, Value } from '../plan';
import { atLeast } from '../version';
import { ValueCheckError } from './errors';
import { containsFunction, isFunction } from './functions';
import { compilePythonRegex, isDict } from './types';

/** What a constraint accepts as its argument. */
type ArgumentKind = 'scalar' | 'any' | 'dual_scalar' | 'sequence' | 'regex' | 'string' | 'string_list' | 'labels' | 'name_pattern';

/**
 * Value constraints (dsl_parser/constraints.py) and the object-type filters of 1_4+ inputs. The
 * filters (filter_id ... deployment_id) select manager entities: their definitions are checked
 * here, their values only where the manager can look the entities up.
 */
const CONSTRAINTS: Readonly<Record<string, ArgumentKind>> = {
  equal: 'any',
  greater_than: 'scalar',
  greater_or_equal: 'scalar',
  less_than: 'scalar',
  less_or_equal: 'scalar',
  in_range: 'dual_scalar',
  valid_values: 'sequence',
  length: 'scalar',
  min_length: 'scalar',
  max_length: 'scalar',
  pattern: 'regex',
  filter_id: 'string',
  labels: 'labels',
  tenants: 'string_list',
  name_pattern: 'name_pattern',
  deployment_id: 'string',
};

export const CONSTRAINT_NAMES: readonly string[] = Object.keys(CONSTRAINTS);
const OBJECT_FILTERS = new Set(['filter_id', 'labels', 'tenants', 'name_pattern', 'deployment_id']);

export interface Constraint {
  name: string;
  args: Value;
  /** 1_5: replaces the generated message when the constraint is violated. */
  errorMessage?: string;
}

function isScalar(v: unknown): boolean {
  return typeof v === 'number' && !Number.isNaN(v);
}

function validArgument(kind: ArgumentKind, args: Value): boolean {
  switch (kind) {
    case 'any':
      return !containsFunction(args);
    case 'scalar':
      return isScalar(args);
    case 'dual_scalar':
      return Array.isArray(args) && args.length === 2 && isScalar(args[0]) && isScalar(args[1]);
    case 'sequence':
      return Array.isArray(args);
    case 'regex':
      return typeof args === 'string' && compilePythonRegex(args) !== null;
    case 'string':
      return typeof args === 'string';
    case 'string_list':
      return Array.isArray(args) && args.every((a) => typeof a === 'string');
    case 'labels':
      return Array.isArray(args) && args.every((a) => isDict(a) && Object.keys(a).length === 1);
    case 'name_pattern':
      return isDict(args) && Object.keys(args).every((k) => ['contains', 'starts_with', 'ends_with', 'equals_to'].includes(k));
  }
}

/**
 * Validates a `constraints:` list of a schema entry and returns it parsed. Errors: 1 (shape),
 * 103 (unknown/empty/multiple operators, Cloudify's ERROR_UNKNOWN_TYPE), 212 (bad argument),
 * 102 (error_message before 1_5).
 */
export function parseConstraints(list: unknown, owner: string, version: DslVersion, location?: SourceLocation): Constraint[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new DslError(`Expected 'list' type but found '${typeName(list)}' for the constraints of '${owner}'`, 1, location);
  return list.map((item) => parseOne(item, owner, version, location));
}

function parseOne(item: unknown, owner: string, version: DslVersion, location?: SourceLocation): Constraint {
  if (!isDict(item)) throw new DslError(`Expected 'dict' type but found '${typeName(item)}' for a constraint of '${owner}'`, 1, location);
  const keys = Object.keys(item).filter((k) => k !== 'error_message');
  if (keys.length === 0) throw new DslError(`Empty constraint operator name given. Allowed operators: ${CONSTRAINT_NAMES.join(', ')}`, 103, location);
  if (keys.length > 1) throw new DslError("Each constraint operator dict must be in its own list item.", 103, location);
  const name = keys[0]!;
  const kind = CONSTRAINTS[name];
  if (kind === undefined) {
    throw new DslError(`No such constraint operator '${name}'. Allowed operators: ${CONSTRAINT_NAMES.join(', ')}`, 103, location);
  }
  const args = item[name] as Value;
  if (isFunction(args) || !validArgument(kind, args)) {
    throw new DslError(`Invalid constraint operator argument "${JSON.stringify(args)}", for constraint operator "${name}" in "${owner}".`, 212, location);
  }
  const constraint: Constraint = { name, args };
  if ('error_message' in item) {
    if (!atLeast(version, '1_5')) {
      throw new DslError(`error_message not supported in version ${version}, it was added in cloudify_dsl_1_5`, 102, location);
    }
    if (typeof item.error_message !== 'string') throw new DslError(`error_message of a constraint of '${owner}' must be a string`, 1, location);
    constraint.errorMessage = item.error_message;
  }
  return constraint;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'dict';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  return 'str';
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k]!, b[k]!));
  }
  return false;
}

/** Python-like ordering: numbers with numbers, strings with strings, otherwise not comparable. */
function compare(value: Value, arg: Value): number | null {
  if (typeof value === 'number' && typeof arg === 'number') return value - arg;
  if (typeof value === 'string' && typeof arg === 'string') return value < arg ? -1 : value > arg ? 1 : 0;
  return null;
}

function lengthOf(value: Value): number | null {
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (isDict(value)) return Object.keys(value).length;
  return null;
}

/** Whether the value satisfies the constraint; throws a plain-message Error when not applicable. */
function holds(c: Constraint, value: Value): boolean {
  const notComparable = (): never => {
    throw new Error(`Value is not comparable, the Constraint argument type is '${typeName(c.args)}' but value type is '${typeName(value)}'.`);
  };
  const cmp = (): number => compare(value, c.args) ?? notComparable();
  switch (c.name) {
    case 'equal':
      return deepEqual(value, c.args);
    case 'greater_than':
      return cmp() > 0;
    case 'greater_or_equal':
      return cmp() >= 0;
    case 'less_than':
      return cmp() < 0;
    case 'less_or_equal':
      return cmp() <= 0;
    case 'in_range': {
      const [low, high] = c.args as [number, number];
      if (typeof value !== 'number') notComparable();
      return (value as number) >= low && (value as number) <= high;
    }
    case 'valid_values':
      return (c.args as Value[]).some((v) => deepEqual(v, value));
    case 'length':
    case 'min_length':
    case 'max_length': {
      const len = lengthOf(value);
      if (len === null) throw new Error(`Value's length could not be computed. Value type is '${typeName(value)}'.`);
      const n = c.args as number;
      return c.name === 'length' ? len === n : c.name === 'min_length' ? len >= n : len <= n;
    }
    case 'pattern': {
      if (typeof value !== 'string') throw new Error(`Value must be of type string, got type '${typeName(value)}'`);
      // Python's re.match: anchored at the start only.
      return compilePythonRegex(c.args as string, true)!.test(value);
    }
    default:
      // Object filters need the manager's entities: not checkable here.
      return true;
  }
}

function describeConstraint(c: Constraint): string {
  const args = Array.isArray(c.args) ? c.args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ') : typeof c.args === 'string' ? c.args : JSON.stringify(c.args);
  return `${c.name}(${args}) operator`;
}

/**
 * The first violated constraint's message, or null. Values holding functions are not checked
 * (they are evaluated later), nor are object filters.
 */
export function findConstraintViolation(value: Value, constraints: readonly Constraint[], owner: string): string | null {
  if (containsFunction(value)) return null;
  for (const c of constraints) {
    if (OBJECT_FILTERS.has(c.name)) continue;
    let ok: boolean;
    try {
      ok = holds(c, value);
    } catch (err) {
      return c.errorMessage ?? (err as Error).message;
    }
    if (!ok) return c.errorMessage ?? `Value ${JSON.stringify(value)} of ${owner} violates constraint ${describeConstraint(c)}.`;
  }
  return null;
}

/** Throws a ValueCheckError (kind 'constraint') on the first violated constraint. */
export function checkConstraints(value: Value, constraints: readonly Constraint[], owner: string, location?: SourceLocation): void {
  const message = findConstraintViolation(value, constraints, owner);
  if (message !== null) throw new ValueCheckError(message, 'constraint', location);
}

/** Constraints stored in a plan's schema entry (already validated at parse time). */
export function constraintsOf(schema: { constraints?: Dict[] | undefined }): Constraint[] {
  return (schema.constraints ?? []).map((item) => {
    const name = Object.keys(item).find((k) => k !== 'error_message')!;
    const c: Constraint = { name, args: item[name] as Value };
    if (typeof item.error_message === 'string') c.errorMessage = item.error_message;
    return c;
  });
}
