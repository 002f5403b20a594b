import { DslError } from '../errors';
import type { SourceLocation } from '../errors';
import type { Dict, PlanNode, PlanRelationship, ScalableProperties, Value } from '../plan';
import { isDict, mergeSchemaAndInstance } from '../values';
import type { SchemaMessages } from '../values';
import type { ValidationContext } from './context';
import type { ResolvedNodeType } from './node-types';
import { mergeTemplateInterfaces, operationLocator, parseInterfaces, processInterfaces } from './operations';
import type { ResolvedRelationshipType } from './relationship-types';
import { CONTAINED_IN } from './relationship-types';
import { defaultScalableProperties, parseScalableProperties } from './scalable';
import { checkKeys, expectDict, expectString, formatError, gate, optionalDict, optionalInt, optionalList, required } from './shape';

const TEMPLATE_KEYS = ['type', 'properties', 'interfaces', 'relationships', 'instances', 'capabilities'];
const RELATIONSHIP_KEYS = ['type', 'target', 'properties', 'source_interfaces', 'target_interfaces'];

function nodeMessages(name: string): SchemaMessages {
  const render = (v: Value): string => (typeof v === 'string' ? v : JSON.stringify(v));
  return {
    undefinedProperty: (p) => `'${name}' node '${p}' property is not part of the derived type properties schema`,
    missingProperty: (p) => `'${name}' node does not provide a value for mandatory '${p}' property which is part of its type schema`,
    typeMismatch: (p, type, value) => `Property type validation failed in '${name}': property '${p}' type is '${type}', yet it was assigned with the value '${render(value)}'`,
  };
}

function relationshipMessages(name: string): SchemaMessages {
  const render = (v: Value): string => (typeof v === 'string' ? v : JSON.stringify(v));
  return {
    undefinedProperty: (p) => `'${name}' node relationship '${p}' property is not part of the derived relationship type properties schema`,
    missingProperty: (p) => `'${name}' node relationship does not provide a value for mandatory '${p}' property which is part of its relationship type schema`,
    typeMismatch: (p, type, value) => `Property type validation failed in '${name}': property '${p}' type is '${type}', yet it was assigned with the value '${render(value)}'`,
  };
}

function listSome(names: Iterable<string>): string {
  const all = [...names];
  const shown = all.slice(0, 20).map((n) => `'${n}'`).join(', ');
  return all.length > 20 ? `[${shown}, ... ${all.length - 20} more]` : `[${shown}]`;
}

/** instances.deploy (deprecated) and capabilities.scalable (1_3), never both (209). */
function scalableOf(name: string, def: Dict, ctx: ValidationContext): ScalableProperties {
  const { index } = ctx;
  let deploy: number | undefined;
  if (def.instances !== undefined && def.instances !== null) {
    const instances = expectDict(def.instances, `instances of node '${name}'`, index.ofValue(def, 'instances'));
    checkKeys(instances, ['deploy'], `instances of node '${name}'`, index);
    deploy = optionalInt(required(instances, 'deploy', `instances of node '${name}'`, index.ofKey(def, 'instances')), `instances.deploy of node '${name}'`, index.ofValue(instances, 'deploy'));
    if (deploy! < 0) throw formatError('deploy instances must be a non-negative number', index.ofValue(instances, 'deploy'));
  }
  if (def.capabilities === undefined || def.capabilities === null) {
    return deploy === undefined ? defaultScalableProperties() : { ...defaultScalableProperties(deploy), min_instances: 0 };
  }
  gate(def, 'capabilities', '1_3', ctx.dsl, index);
  if (deploy !== undefined) {
    throw new DslError(`Node '${name}' defines both instances.deploy and capabilities.scalable (Note: instances.deploy is deprecated)`, 209, index.ofKey(def, 'capabilities'));
  }
  const capabilities = expectDict(def.capabilities, `capabilities of node '${name}'`, index.ofValue(def, 'capabilities'));
  checkKeys(capabilities, ['scalable'], `capabilities of node '${name}'`, index);
  if (capabilities.scalable === undefined || capabilities.scalable === null) return defaultScalableProperties();
  const scalable = expectDict(capabilities.scalable, `capabilities.scalable of node '${name}'`, index.ofValue(capabilities, 'scalable'));
  checkKeys(scalable, ['properties'], `capabilities.scalable of node '${name}'`, index);
  return parseScalableProperties(scalable.properties, index, index.ofValue(scalable, 'properties'));
}

interface TemplateContext {
  ctx: ValidationContext;
  nodeTypes: Map<string, ResolvedNodeType>;
  relationshipTypes: Map<string, ResolvedRelationshipType>;
  templates: Dict;
}

function parseRelationship(node: string, raw: Value, i: number, list: Value[], t: TemplateContext): PlanRelationship {
  const { ctx } = t;
  const { index } = ctx;
  const where = index.ofItem(list, i);
  const def = expectDict(raw, `relationship of node '${node}'`, where);
  checkKeys(def, RELATIONSHIP_KEYS, `relationship of node '${node}'`, index);
  const typeName = expectString(required(def, 'type', `relationship of node '${node}'`, where), `relationship type of node '${node}'`, index.ofValue(def, 'type'));
  const target = expectString(required(def, 'target', `relationship of node '${node}'`, where), `relationship target of node '${node}'`, index.ofValue(def, 'target'));
  const relType = t.relationshipTypes.get(typeName);
  if (!relType) {
    throw new DslError(`A relationship instance under node '${node}' declares an undefined relationship type '${typeName}'`, 26, index.ofValue(def, 'type'));
  }
  if (!Object.prototype.hasOwnProperty.call(t.templates, target)) {
    throw new DslError(`A relationship instance under node '${node}' of type '${typeName}' declares an undefined target node '${target}'`, 25, index.ofValue(def, 'target'));
  }
  if (target === node) {
    throw new DslError(`A relationship instance under node '${node}' of type '${typeName}' illegally declares the source node as the target node`, 23, index.ofValue(def, 'target'));
  }
  const propsRaw = optionalDict(def.properties, `relationship properties of node '${node}'`, index.ofValue(def, 'properties'));
  const properties = mergeSchemaAndInstance(propsRaw, relType.properties.schema, ctx.dataTypes, relationshipMessages(node), {
    locate: (path) => index.ofPath(propsRaw, path) ?? where,
  });
  const owner = `in relationship of type '${typeName}' in node '${node}'`;
  const side = (key: 'source_interfaces' | 'target_interfaces', typeIfaces: typeof relType.sourceInterfaces) => {
    const templateIfaces = parseInterfaces(def[key], 'template', ctx, `${node} relationship`, index.ofValue(def, key));
    const locateOp = operationLocator(index, def[key], where);
    const merged = mergeTemplateInterfaces(typeIfaces, templateIfaces, locateOp);
    return processInterfaces(merged, ctx, 19, owner, locateOp);
  };
  const source = side('source_interfaces', relType.sourceInterfaces);
  const targetSide = side('target_interfaces', relType.targetInterfaces);
  return {
    type: typeName,
    target_id: target,
    type_hierarchy: relType.typeHierarchy,
    properties,
    source_operations: source.operations,
    target_operations: targetSide.operations,
    source_interfaces: source.interfaces,
    target_interfaces: targetSide.interfaces,
  };
}

function parseTemplate(name: string, t: TemplateContext): PlanNode {
  const { ctx } = t;
  const { index } = ctx;
  const where = index.ofKey(t.templates, name);
  const def = expectDict(t.templates[name], `node template '${name}'`, index.ofValue(t.templates, name));
  checkKeys(def, TEMPLATE_KEYS, `node template '${name}'`, index);
  const typeName = expectString(required(def, 'type', `node template '${name}'`, where), `type of node '${name}'`, index.ofValue(def, 'type'));
  const nodeType = t.nodeTypes.get(typeName);
  if (!nodeType) {
    throw new DslError(`Could not locate node type: '${typeName}'; existing types: ${listSome(t.nodeTypes.keys())}`, 7, index.ofValue(def, 'type'));
  }
  const propsRaw = optionalDict(def.properties, `properties of node '${name}'`, index.ofValue(def, 'properties'));
  const properties = mergeSchemaAndInstance(propsRaw, nodeType.properties.schema, ctx.dataTypes, nodeMessages(name), {
    locate: (path) => index.ofPath(propsRaw, path) ?? index.ofKey(def, 'properties') ?? where,
  });
  const templateIfaces = parseInterfaces(def.interfaces, 'template', ctx, name, index.ofValue(def, 'interfaces'));
  const locateOp = operationLocator(index, def.interfaces, index.ofValue(def, 'type'));
  const merged = mergeTemplateInterfaces(nodeType.interfaces, templateIfaces, locateOp);
  const { interfaces, operations } = processInterfaces(merged, ctx, 10, `in node '${name}' of type '${typeName}'`, locateOp);
  const scalable = scalableOf(name, def, ctx);
  const relList = optionalList(def.relationships, `relationships of node '${name}'`, index.ofValue(def, 'relationships'));
  const relationships = relList.map((r, i) => parseRelationship(name, r, i, relList, t));
  const containedIn = relationships.filter((r) => r.type_hierarchy.includes(CONTAINED_IN));
  if (containedIn.length > 1) {
    throw new DslError(
      `Node '${name}' has more than one relationship that is derived from '${CONTAINED_IN}' relationship. Found: [${containedIn.map((r) => r.type).join(', ')}] for targets: [${containedIn.map((r) => r.target_id).join(', ')}]`,
      112,
      index.ofValue(def, 'relationships'),
    );
  }
  return {
    id: name,
    name,
    type: typeName,
    type_hierarchy: nodeType.typeHierarchy,
    properties,
    operations,
    interfaces,
    relationships,
    plugins: [],
    plugins_to_install: [],
    deployment_plugins_to_install: [],
    host_id: null,
    instances: { deploy: typeof scalable.default_instances === 'number' ? scalable.default_instances : 1 },
    capabilities: { scalable: { properties: scalable } },
  };
}

/** Validates every node template and builds its plan node (host and plugins come later). */
export function resolveNodeTemplates(
  ctx: ValidationContext,
  nodeTypes: Map<string, ResolvedNodeType>,
  relationshipTypes: Map<string, ResolvedRelationshipType>,
): PlanNode[] {
  const { doc, index } = ctx;
  const templates = optionalDict(doc.node_templates, 'node_templates', index.ofValue(doc, 'node_templates'));
  const t: TemplateContext = { ctx, nodeTypes, relationshipTypes, templates };
  return Object.keys(templates).map((name) => parseTemplate(name, t));
}

export function templateLocation(ctx: ValidationContext, name: string): SourceLocation | undefined {
  const templates = ctx.doc.node_templates;
  return isDict(templates) ? ctx.index.ofKey(templates, name) : undefined;
}
