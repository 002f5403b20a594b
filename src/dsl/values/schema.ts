import type { SourceLocation } from '../errors';
import type { Dict, Value } from '../plan';
import { ValueCheckError } from './errors';
import { isFunction } from './functions';
import { PRIMITIVE_TYPES, isBuiltinValueType, isDict, matchesBuiltinType } from './types';

/** One entry of a property / input / parameter schema. */
export interface PropertySchema {
  type?: string;
  default?: Value;
  description?: string;
  required?: boolean;
  display_label?: string;
  hidden?: boolean;
  item_type?: string;
  constraints?: Dict[];
  [key: string]: Value | undefined;
}

export type Schema = Record<string, PropertySchema>;

/** A data type after inheritance: its full (merged) property schema. */
export interface DataTypeDefinition {
  properties: Schema;
  derived_from?: string;
  description?: string;
  version?: string;
}

export type DataTypes = Record<string, DataTypeDefinition>;

/** How errors name the thing being checked (a node, a relationship, an input...). */
export interface SchemaMessages {
  undefinedProperty(propertyPath: string): string;
  missingProperty(propertyPath: string): string;
  typeMismatch(propertyPath: string, type: string, value: Value): string;
}

export interface MergeOptions {
  /** Path of the dict being merged (for nested data types). */
  path?: string[];
  /** Missing required properties are an error (false for schema defaults). */
  raiseOnMissing?: boolean;
  /** Maps a property path to where it was written, for error locations. */
  locate?: (path: string[]) => SourceLocation | undefined;
}

/** Messages in the style of Cloudify's for a named node-like owner. */
export function ownerMessages(owner: string, what = 'node'): SchemaMessages {
  return {
    undefinedProperty: (p) => `'${owner}' ${what} '${p}' property is not part of the derived type properties schema`,
    missingProperty: (p) => `'${owner}' ${what} does not provide a value for mandatory '${p}' property which is part of its type schema`,
    typeMismatch: (p, type, value) =>
      p
        ? `Property type validation failed in '${owner}': property '${p}' type is '${type}', yet it was assigned with the value '${render(value)}'`
        : `Property type validation failed in '${owner}': the defined type is '${type}', yet it was assigned with the value '${render(value)}'`,
  };
}

function render(value: Value): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The defaults of a schema, for the properties that declare one (even a null one). */
export function flattenDefaults(schema: Schema): Dict {
  const result: Dict = {};
  for (const key of Object.keys(schema)) {
    const prop = schema[key];
    if (prop && Object.prototype.hasOwnProperty.call(prop, 'default')) result[key] = prop.default as Value;
  }
  return result;
}

/**
 * Merges the values a template gives with its type's property schema, as Cloudify does: unknown
 * keys fail (106), schema defaults fill the gaps, required properties without a value fail (107,
 * unless use_external_resource is set), and every value is checked against its type (105) with data
 * types merged recursively over their defaults.
 */
export function mergeSchemaAndInstance(
  instance: Dict,
  schema: Schema,
  dataTypes: DataTypes,
  messages: SchemaMessages,
  options: MergeOptions = {},
): Dict {
  return mergeFlattened(instance, schema, flattenDefaults(schema), dataTypes, messages, options);
}

function mergeFlattened(
  instance: Dict,
  schema: Schema,
  flattened: Dict,
  dataTypes: DataTypes,
  messages: SchemaMessages,
  options: MergeOptions,
): Dict {
  const path = options.path ?? [];
  const raiseOnMissing = options.raiseOnMissing ?? true;
  for (const key of Object.keys(instance)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) {
      throw new ValueCheckError(messages.undefinedProperty(describe(path, key)), 'undefined_property', options.locate?.([...path, key]));
    }
  }
  const merged: Dict = { ...flattened, ...instance };
  const external = merged.use_external_resource;
  if (external && isFunction(external)) {
    throw new ValueCheckError(
      "Only boolean values are allowed for `use_external_resource` property, don't use intrinsic functions.",
      'function_not_permitted',
      options.locate?.([...path, 'use_external_resource']),
    );
  }
  const result: Dict = {};
  for (const key of Object.keys(schema)) {
    const propSchema = schema[key] ?? {};
    if (!Object.prototype.hasOwnProperty.call(merged, key)) {
      const required = (propSchema.required ?? true) && !external;
      if (required && raiseOnMissing) {
        throw new ValueCheckError(messages.missingProperty(describe(path, key)), 'missing_property', options.locate?.(path));
      }
      continue;
    }
    result[key] = parseTypedValue(merged[key] as Value, propSchema.type, dataTypes, messages, {
      ...options,
      path: [...path, key],
      derived: flattened[key],
    });
  }
  return result;
}

function describe(path: string[], key?: string): string {
  return key === undefined ? path.join('.') : [...path, key].join('.');
}

/**
 * Checks one value against a type name. Functions are not checked (they are evaluated later);
 * data types are merged with their defaults (and `derived`, the default the owning schema gave).
 */
export function parseTypedValue(
  value: Value,
  type: string | undefined,
  dataTypes: DataTypes,
  messages: SchemaMessages,
  options: MergeOptions & { derived?: Value } = {},
): Value {
  const path = options.path ?? [];
  if (type === undefined || type === null) return value;
  if (isFunction(value)) return value;
  if (isBuiltinValueType(type)) {
    if (matchesBuiltinType(value, type)) return value;
  } else if (Object.prototype.hasOwnProperty.call(dataTypes, type)) {
    if (isDict(value)) {
      const dataSchema = dataTypes[type]!.properties;
      const flattened = flattenDefaults(dataSchema);
      if (isDict(options.derived)) Object.assign(flattened, options.derived);
      return mergeFlattened(value, dataSchema, flattened, dataTypes, messages, { ...options, path });
    }
  } else if (!PRIMITIVE_TYPES.has(type)) {
    throw new ValueCheckError(`Unexpected type defined in property schema for property '${describe(path)}' - unknown type is '${type}'`, 'type', options.locate?.(path));
  }
  throw new ValueCheckError(messages.typeMismatch(describe(path), type, value), 'type', options.locate?.(path));
}
