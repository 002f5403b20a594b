import { DslError } from '../errors';
import type { SourceLocation } from '../errors';
import type { Dict, Value } from '../plan';
import {
  PRIMITIVE_TYPES,
  builtinTypeAllowed,
  builtinTypeMinVersion,
  checkConstraints,
  isBuiltinValueType,
  isDict,
  ownerMessages,
  parseConstraints,
  parseTypedValue,
} from '../values';
import type { Constraint, DataTypes, PropertySchema, Schema } from '../values';
import type { ValidationContext } from './context';
import { checkKeys, formatError, gate, optionalBool, optionalString, pyType } from './shape';

/** Which kind of schema: they differ in allowed keys and in how defaults are treated. */
export type SchemaKind = 'property' | 'input' | 'parameter';

const KEYS: Record<SchemaKind, readonly string[]> = {
  property: ['type', 'default', 'description', 'required', 'display_label', 'hidden'],
  input: ['type', 'default', 'description', 'required', 'constraints', 'display_label', 'hidden', 'item_type', 'display'],
  parameter: ['type', 'default', 'description', 'required', 'item_type', 'constraints', 'display_label', 'hidden'],
};

/** A parsed schema plus the defaults as written (needed to merge a data-typed default over its parent's). */
export interface ParsedSchema {
  schema: Schema;
  initialDefaults: Record<string, Value | undefined>;
}

/** Validates a type name used in a schema: built-in (with its version gate) or a data type (103). */
export function checkTypeName(type: string, ctx: ValidationContext, container: Dict, key: string, dataTypes: DataTypes = ctx.dataTypes): void {
  if (isBuiltinValueType(type)) {
    if (!builtinTypeAllowed(type, ctx.dsl) && !PRIMITIVE_TYPES.has(type)) {
      const min = builtinTypeMinVersion(type)!;
      gate(container, key, min, ctx.dsl, ctx.index, `type '${type}'`);
    }
    return;
  }
  if (!Object.prototype.hasOwnProperty.call(dataTypes, type)) {
    throw new DslError(`Illegal type name '${type}'`, 103, ctx.index.ofValue(container, key));
  }
}

/**
 * Parses a schema (`properties:` of a type, `inputs:`, workflow `parameters:`, type-level
 * operation `inputs:`): shape (1), version gates (102), type names (103), constraints, defaults
 * checked against their type (105/106/107) and constraints.
 */
export function parseSchema(raw: Value | undefined, owner: string, kind: SchemaKind, ctx: ValidationContext, dataTypes: DataTypes = ctx.dataTypes): ParsedSchema {
  const result: ParsedSchema = { schema: {}, initialDefaults: {} };
  if (raw === undefined || raw === null) return result;
  if (!isDict(raw)) throw formatError(`Schema of '${owner}': expected 'dict' type but found '${pyType(raw)}' type`, ctx.index.of(raw));
  for (const name of Object.keys(raw)) {
    const entry = raw[name];
    if (entry === null || entry === undefined) {
      result.schema[name] = {};
      continue;
    }
    if (!isDict(entry)) throw formatError(`'${name}' of '${owner}': expected 'dict' type but found '${pyType(entry)}' type`, ctx.index.ofValue(raw, name));
    const parsed = parseEntry(entry, name, owner, kind, ctx, dataTypes);
    result.schema[name] = parsed;
    result.initialDefaults[name] = entry.default;
  }
  return result;
}

function parseEntry(entry: Dict, name: string, owner: string, kind: SchemaKind, ctx: ValidationContext, dataTypes: DataTypes): PropertySchema {
  const { index, dsl } = ctx;
  checkKeys(entry, KEYS[kind], `${owner}.${name}`, index);
  const out: PropertySchema = {};
  const type = optionalString(entry.type, `type of '${name}'`, index.ofValue(entry, 'type'));
  if (type !== undefined) {
    checkTypeName(type, ctx, entry, 'type', dataTypes);
    out.type = type;
  }
  const description = entry.description;
  if (description !== undefined && description !== null) out.description = typeof description === 'string' ? description : String(description);
  gate(entry, 'required', '1_2', dsl, index);
  const requiredFlag = optionalBool(entry.required, `required of '${name}'`, index.ofValue(entry, 'required'));
  if (requiredFlag !== undefined) out.required = requiredFlag;
  gate(entry, 'display_label', '1_3', dsl, index);
  const label = optionalString(entry.display_label, `display_label of '${name}'`, index.ofValue(entry, 'display_label'));
  if (label !== undefined) out.display_label = label;
  gate(entry, 'hidden', '1_3', dsl, index);
  const hidden = optionalBool(entry.hidden, `hidden of '${name}'`, index.ofValue(entry, 'hidden'));
  if (hidden !== undefined) out.hidden = hidden;
  if (entry.item_type !== undefined && entry.item_type !== null) {
    gate(entry, 'item_type', '1_4', dsl, index);
    const itemType = optionalString(entry.item_type, `item_type of '${name}'`, index.ofValue(entry, 'item_type'))!;
    if (type !== 'list') throw new DslError(`Property item_type defined for unsupported type: '${type ?? 'None'}'`, 218, index.ofKey(entry, 'item_type'));
    if (!isBuiltinValueType(itemType)) throw new DslError(`Illegal item_type '${itemType}'`, 217, index.ofValue(entry, 'item_type'));
    out.item_type = itemType;
  }
  const constraints = parseConstraints(entry.constraints, name, dsl, index.ofValue(entry, 'constraints'));
  if (entry.constraints !== undefined && entry.constraints !== null) out.constraints = entry.constraints as Dict[];
  if (entry.display !== undefined && entry.display !== null) {
    if (type !== 'textarea') throw new DslError(`'display' is only allowed for inputs of type 'textarea' (input '${name}')`, 216, index.ofKey(entry, 'display'));
    out.display = entry.display as Dict;
  }
  const messages = ownerMessages(kind === 'property' ? owner : name, kind === 'property' ? 'type' : kind);
  const locate = (path: string[]) => index.ofPath(entry, ['default', ...path]);
  if (Object.prototype.hasOwnProperty.call(entry, 'default')) {
    const raw = entry.default as Value;
    if (raw === null && kind === 'property' && type !== undefined && !isBuiltinValueType(type)) {
      out.default = parseTypedValue({}, type, dataTypes, messages, { path: [name], raiseOnMissing: false, locate });
    } else if (raw === null) {
      out.default = null;
    } else {
      out.default = parseTypedValue(raw, type, dataTypes, messages, { path: kind === 'property' ? [name] : [], raiseOnMissing: kind !== 'property', locate });
    }
  } else if (kind === 'property' && type !== undefined && !isBuiltinValueType(type)) {
    // Cloudify gives a data-typed property the data type's defaults even without a default.
    out.default = parseTypedValue({}, type, dataTypes, messages, { path: [name], raiseOnMissing: false, locate });
  }
  if (constraints.length > 0 && out.default !== undefined && out.default !== null) {
    // Defaults are checked against the constraints at parse time (functions are skipped).
    checkDefaultConstraints(out.default, constraints, kind, name, index.ofValue(entry, 'default'));
  }
  return out;
}

function checkDefaultConstraints(value: Value, constraints: Constraint[], kind: SchemaKind, name: string, location?: SourceLocation): void {
  checkConstraints(value, constraints, `${kind} ${name}`, location);
}

/**
 * Cloudify's merge_schemas: the subtype's entries replace the parent's; only when both sides
 * use the same data type is the subtype's default merged over the parent's.
 */
export function mergeSchemas(parent: ParsedSchema, child: ParsedSchema, dataTypes: DataTypes): ParsedSchema {
  const schema: Schema = { ...child.schema };
  const initialDefaults: Record<string, Value | undefined> = { ...child.initialDefaults };
  for (const key of Object.keys(parent.schema)) {
    if (!Object.prototype.hasOwnProperty.call(child.schema, key)) {
      schema[key] = parent.schema[key]!;
      initialDefaults[key] = parent.initialDefaults[key];
      continue;
    }
    const over = child.schema[key]!;
    const under = parent.schema[key]!;
    const type = over.type;
    if (type !== undefined && type === under.type && !isBuiltinValueType(type) && dataTypes[type] && under.default !== undefined && under.default !== null) {
      const initial = child.initialDefaults[key];
      const merged = parseTypedValue((initial ?? {}) as Value, type, dataTypes, ownerMessages(key, 'type'), {
        path: [],
        derived: under.default,
        raiseOnMissing: false,
      });
      if (merged !== null && !(isDict(merged) && Object.keys(merged).length === 0)) schema[key] = { ...over, default: merged };
    }
  }
  return { schema, initialDefaults };
}
