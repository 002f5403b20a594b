import { DslError } from '../errors';
import type { Dict } from '../plan';
import { PRIMITIVE_TYPES, isBuiltinValueType, isDict } from '../values';
import type { DataTypeDefinition, DataTypes } from '../values';
import type { ValidationContext } from './context';
import { Resolver } from './inheritance';
import { mergeSchemas, parseSchema } from './schemas';
import type { ParsedSchema } from './schemas';
import { checkKeys, expectDict, optionalDict, optionalString } from './shape';

interface ResolvedDataType {
  parsed: ParsedSchema;
  definition: DataTypeDefinition;
}

/**
 * Resolves `data_types` (1_2+): inheritance (103 / 100), no redefinition of primitive types (104),
 * property schemas whose types may be other data types (resolved first; a data type that contains
 * itself is a cycle, 100).
 */
export function resolveDataTypes(ctx: ValidationContext): { dataTypes: DataTypes; plan: Dict } {
  const { doc, index } = ctx;
  const raw = optionalDict(doc.data_types, 'data_types', index.ofValue(doc, 'data_types'));
  const dataTypes: DataTypes = {};
  const scoped: ValidationContext = { ...ctx, dataTypes };
  const resolver: Resolver<ResolvedDataType> = new Resolver(
    'data type',
    (name) => Object.prototype.hasOwnProperty.call(raw, name),
    (name, r) => {
      const def = expectDict(raw[name], `data type '${name}'`, index.ofValue(raw, name));
      checkKeys(def, ['properties', 'description', 'derived_from', 'version'], `data type '${name}'`, index);
      if (PRIMITIVE_TYPES.has(name)) throw new DslError(`Can't redefine primitive type ${name}`, 104, index.ofKey(raw, name));
      const parentName = optionalString(def.derived_from, `derived_from of '${name}'`, index.ofValue(def, 'derived_from'));
      const parent = parentName !== undefined ? r.get(parentName, { name, location: index.ofValue(def, 'derived_from') }) : null;
      const props = optionalDict(def.properties, `properties of '${name}'`, index.ofValue(def, 'properties'));
      for (const prop of Object.values(props)) {
        const t = isDict(prop) ? prop.type : undefined;
        if (typeof t === 'string' && !isBuiltinValueType(t) && Object.prototype.hasOwnProperty.call(raw, t)) r.get(t);
      }
      let parsed = parseSchema(props, name, 'property', scoped, dataTypes);
      if (parent) parsed = mergeSchemas(parent.parsed, parsed, dataTypes);
      const definition: DataTypeDefinition = { properties: parsed.schema };
      if (parentName !== undefined) definition.derived_from = parentName;
      if (typeof def.description === 'string') definition.description = def.description;
      if (typeof def.version === 'string') definition.version = def.version;
      dataTypes[name] = definition;
      return { parsed, definition };
    },
    (name) => index.ofKey(raw, name),
  );
  for (const name of Object.keys(raw)) resolver.get(name);
  const plan: Dict = {};
  for (const name of Object.keys(raw)) plan[name] = dataTypes[name] as unknown as Dict;
  return { dataTypes, plan };
}
