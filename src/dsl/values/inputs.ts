import type { SourceLocation } from '../errors';
import type { InputSchema, Value } from '../plan';
import { checkConstraints, constraintsOf } from './constraints';
import { ValueCheckError } from './errors';
import { isFunction } from './functions';
import { parseTypedValue } from './schema';
import type { DataTypes, SchemaMessages } from './schema';
import { isBuiltinValueType, matchesBuiltinType } from './types';

function inputMessages(name: string, what: string): SchemaMessages {
  return {
    undefinedProperty: (p) => `Undefined property ${p} in value of ${what} ${name}.`,
    missingProperty: (p) => `Value of ${what} ${name} is missing property ${p}.`,
    typeMismatch: (p, type, value) =>
      p
        ? `Property type validation failed in '${name}': property '${p}' type is '${type}', yet it was assigned with the value '${typeof value === 'string' ? value : JSON.stringify(value)}'`
        : `Property type validation failed in '${name}': the defined type is '${type}', yet it was assigned with the value '${typeof value === 'string' ? value : JSON.stringify(value)}'`,
  };
}

/**
 * Cloudify's optional cast of string inputs ("5" -> 5, "true" -> true) for typed inputs given on
 * a command line; anything that does not convert is returned unchanged.
 */
export function castToType(value: Value, type: string | undefined): Value {
  if (typeof value !== 'string' || type === undefined) return value;
  if (type === 'integer' && /^\s*[-+]?\d+\s*$/.test(value)) return parseInt(value, 10);
  if (type === 'float' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export interface InputCheckOptions {
  /** 'input' (default) or 'parameter': used in messages. */
  what?: string;
  location?: SourceLocation;
}

/**
 * Checks a deployment input (or workflow parameter) value against its schema: type (incl. data
 * types, whose defaults are merged in, and a list's item_type) and constraints. Returns the value
 * to use. Function values are returned unchecked: they are evaluated later.
 */
export function validateInputValue(name: string, schema: InputSchema, value: Value, dataTypes: DataTypes, options: InputCheckOptions = {}): Value {
  if (isFunction(value)) return value;
  const what = options.what ?? 'input';
  const messages = inputMessages(name, what);
  const parsed = parseTypedValue(value, schema.type, dataTypes, messages, { path: [], raiseOnMissing: true, locate: () => options.location });
  if (schema.type === 'list' && schema.item_type && Array.isArray(parsed) && isBuiltinValueType(schema.item_type)) {
    for (const item of parsed) {
      if (!isFunction(item) && !matchesBuiltinType(item, schema.item_type)) {
        throw new ValueCheckError(
          `Value ${JSON.stringify(item)} of ${what} ${name} is not of item_type '${schema.item_type}'`,
          'type',
          options.location,
        );
      }
    }
  }
  checkConstraints(parsed, constraintsOf(schema), `${what} ${name}`, options.location);
  return parsed;
}
