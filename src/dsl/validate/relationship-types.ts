import type { Dict } from '../plan';
import type { ValidationContext } from './context';
import { Resolver } from './inheritance';
import { mergeTypeInterfaces, operationLocator, parseInterfaces, validateTypeOperations } from './operations';
import type { RawInterfaces } from './operations';
import { mergeSchemas, parseSchema } from './schemas';
import type { ParsedSchema } from './schemas';
import { checkKeys, expectDict, optionalDict, optionalString } from './shape';

export interface ResolvedRelationshipType {
  name: string;
  derivedFrom: string | null;
  typeHierarchy: string[];
  properties: ParsedSchema;
  sourceInterfaces: RawInterfaces;
  targetInterfaces: RawInterfaces;
}

export const CONTAINED_IN = 'cloudify.relationships.contained_in';
export const CONNECTED_TO = 'cloudify.relationships.connected_to';
export const DEPENDS_ON = 'cloudify.relationships.depends_on';

const RELATIONSHIP_KEYS = ['derived_from', 'properties', 'source_interfaces', 'target_interfaces', 'description'];

/**
 * Resolves every relationship type: inheritance (103 / 100), property schemas, merged source and
 * target interfaces; every operation must resolve to a plugin or a script (19), as Cloudify
 * checks relationship types even when unused.
 */
export function resolveRelationshipTypes(ctx: ValidationContext): Map<string, ResolvedRelationshipType> {
  const { doc, index } = ctx;
  const raw = optionalDict(doc.relationships, 'relationships', index.ofValue(doc, 'relationships'));
  const resolver: Resolver<ResolvedRelationshipType> = new Resolver(
    'relationship',
    (name) => Object.prototype.hasOwnProperty.call(raw, name),
    (name, r) => {
      const def = expectDict(raw[name] ?? {}, `relationship '${name}'`, index.ofValue(raw, name));
      checkKeys(def, RELATIONSHIP_KEYS, `relationship '${name}'`, index);
      const parentName = optionalString(def.derived_from, `derived_from of '${name}'`, index.ofValue(def, 'derived_from'));
      const parent = parentName ? r.get(parentName, { name, location: index.ofValue(def, 'derived_from') }) : null;
      let properties = parseSchema(def.properties, name, 'property', ctx);
      let sourceInterfaces = parseInterfaces(def.source_interfaces, 'type', ctx, name, index.ofValue(def, 'source_interfaces'));
      let targetInterfaces = parseInterfaces(def.target_interfaces, 'type', ctx, name, index.ofValue(def, 'target_interfaces'));
      if (parent) {
        properties = mergeSchemas(parent.properties, properties, ctx.dataTypes);
        sourceInterfaces = mergeTypeInterfaces(parent.sourceInterfaces, sourceInterfaces);
        targetInterfaces = mergeTypeInterfaces(parent.targetInterfaces, targetInterfaces);
      }
      const owner = `Relationship '${name}'`;
      validateTypeOperations(sourceInterfaces, ctx, 19, owner, operationLocator(index, def.source_interfaces, index.ofKey(raw, name)));
      validateTypeOperations(targetInterfaces, ctx, 19, owner, operationLocator(index, def.target_interfaces, index.ofKey(raw, name)));
      return { name, derivedFrom: parentName ?? null, typeHierarchy: [...(parent?.typeHierarchy ?? []), name], properties, sourceInterfaces, targetInterfaces };
    },
    (name) => index.ofKey(raw, name),
  );
  for (const name of Object.keys(raw)) resolver.get(name);
  return resolver.resolved();
}

export function relationshipTypePlan(t: ResolvedRelationshipType): Dict {
  const plan: Dict = {
    name: t.name,
    properties: t.properties.schema as unknown as Dict,
    source_interfaces: t.sourceInterfaces as unknown as Dict,
    target_interfaces: t.targetInterfaces as unknown as Dict,
    type_hierarchy: t.typeHierarchy,
  };
  if (t.derivedFrom) plan.derived_from = t.derivedFrom;
  return plan;
}
