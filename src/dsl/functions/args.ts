/** Argument-shape checks shared by several functions. */
import type { Value } from '../plan';
import { FunctionValidationError } from './errors';
import { parseFunction } from './names';
import { isPathStep } from './path';

export function isStepOrFunction(value: Value): boolean {
  return isPathStep(value) || parseFunction(value) !== null;
}

/** `[name|function, key|index|function, ...]` with at least `min` items. */
export function checkPathList(functionName: string, args: Value, min: number, expected: string): asserts args is Value[] {
  if (!Array.isArray(args) || args.length < min || !args.every(isStepOrFunction)) {
    throw new FunctionValidationError(functionName, `illegal arguments: expected ${expected} but got ${JSON.stringify(args)}`);
  }
}

/** Renders a value the way Python's str() does, which is what Cloudify's concat produces. */
export function pythonStr(value: Value): string {
  if (typeof value === 'string') return value;
  return pythonRepr(value);
}

function pythonRepr(value: Value): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
}
