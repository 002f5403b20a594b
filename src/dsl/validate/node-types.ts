import type { Dict } from '../plan';
import { isBuiltinValueType, isDict } from '../values';
import type { ValidationContext } from './context';
import { Resolver } from './inheritance';
import { mergeTypeInterfaces, parseInterfaces } from './operations';
import type { RawInterfaces } from './operations';
import { mergeSchemas, parseSchema } from './schemas';
import type { ParsedSchema } from './schemas';
import { checkKeys, expectDict, gate, optionalDict, optionalString } from './shape';

/** A node type after inheritance (computed once per type and reused by every template). */
export interface ResolvedNodeType {
  name: string;
  derivedFrom: string | null;
  /** Ancestors first, the type itself last. */
  typeHierarchy: string[];
  properties: ParsedSchema;
  interfaces: RawInterfaces;
  runtimeProperties: ParsedSchema | null;
}

const NODE_TYPE_KEYS = ['derived_from', 'properties', 'interfaces', 'runtime_properties', 'description'];

/** Resolves every node type: inheritance (103 / 100), property schemas, merged interfaces. */
export function resolveNodeTypes(ctx: ValidationContext): Map<string, ResolvedNodeType> {
  const { doc, index } = ctx;
  const raw = optionalDict(doc.node_types, 'node_types', index.ofValue(doc, 'node_types'));
  const resolver: Resolver<ResolvedNodeType> = new Resolver(
    'type',
    (name) => Object.prototype.hasOwnProperty.call(raw, name),
    (name, r) => {
      const def = expectDict(raw[name] ?? {}, `node type '${name}'`, index.ofValue(raw, name));
      checkKeys(def, NODE_TYPE_KEYS, `node type '${name}'`, index);
      const parentName = optionalString(def.derived_from, `derived_from of '${name}'`, index.ofValue(def, 'derived_from'));
      const parent = parentName ? r.get(parentName, { name, location: index.ofValue(def, 'derived_from') }) : null;
      let properties = parseSchema(def.properties, name, 'property', ctx);
      let interfaces = parseInterfaces(def.interfaces, 'type', ctx, name, index.ofValue(def, 'interfaces'));
      gate(def, 'runtime_properties', '1_5', ctx.dsl, index);
      let runtimeProperties = def.runtime_properties !== undefined && def.runtime_properties !== null ? parseSchema(def.runtime_properties, name, 'property', ctx) : null;
      if (parent) {
        properties = mergeSchemas(parent.properties, properties, ctx.dataTypes);
        interfaces = mergeTypeInterfaces(parent.interfaces, interfaces);
        if (parent.runtimeProperties) runtimeProperties = runtimeProperties ? mergeSchemas(parent.runtimeProperties, runtimeProperties, ctx.dataTypes) : parent.runtimeProperties;
      }
      return {
        name,
        derivedFrom: parentName ?? null,
        typeHierarchy: [...(parent?.typeHierarchy ?? []), name],
        properties,
        interfaces,
        runtimeProperties,
      };
    },
    (name) => index.ofKey(raw, name),
  );
  for (const name of Object.keys(raw)) resolver.get(name);
  return resolver.resolved();
}

/** The plan's `node_types` entry of a resolved type. */
export function nodeTypePlan(t: ResolvedNodeType): Dict {
  const plan: Dict = {
    name: t.name,
    properties: t.properties.schema as unknown as Dict,
    interfaces: t.interfaces as unknown as Dict,
    type_hierarchy: t.typeHierarchy,
  };
  if (t.derivedFrom) plan.derived_from = t.derivedFrom;
  if (t.runtimeProperties) plan.runtime_properties = t.runtimeProperties.schema as unknown as Dict;
  return plan;
}

/** Whether a schema type name is a data type (not built in). */
export function isDataTypeName(type: unknown, ctx: ValidationContext): boolean {
  return typeof type === 'string' && !isBuiltinValueType(type) && isDict(ctx.dataTypes[type] as unknown as Dict);
}
