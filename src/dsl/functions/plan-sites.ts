/**
 * The places of a plan where functions are evaluated at deployment creation (and validated at
 * parse time), with the scope each belongs to: node properties and scalable properties, node and
 * relationship operation inputs, outputs, policy properties, scaling-group properties,
 * capabilities, labels and deployment_settings. Relationship properties, workflow parameters and
 * group policy triggers are deliberately not among them (Cloudify leaves them alone too).
 */
import type { Dict, Plan, PlanNode, PlanOperation, PlanRelationship, Value } from '../plan';
import type { Frame } from './context';

export interface PlanSite {
  frame: Frame;
  node?: PlanNode;
  relationship?: PlanRelationship;
  /** Set for operation inputs: the operation whose has_intrinsic_functions depends on them. */
  operation?: PlanOperation;
  get(): Value;
  set(value: Value): void;
}

function operationSites(
  operations: Record<string, PlanOperation> | undefined,
  base: Omit<Frame, 'path'>,
  path: string,
  extra: Pick<PlanSite, 'node' | 'relationship'>,
): PlanSite[] {
  return Object.entries(operations ?? {}).map(([name, operation]) => ({
    ...extra,
    frame: { ...base, path: `${path}.${name}.inputs` },
    operation,
    get: () => operation.inputs,
    set: (value: Value) => {
      operation.inputs = value as Dict;
    },
  }));
}

function interfaceSites(
  interfaces: Record<string, Record<string, PlanOperation>> | undefined,
  base: Omit<Frame, 'path'>,
  path: string,
  extra: Pick<PlanSite, 'node' | 'relationship'>,
): PlanSite[] {
  return Object.entries(interfaces ?? {}).flatMap(([name, operations]) => operationSites(operations, base, `${path}.${name}`, extra));
}

function nodeSites(node: PlanNode): PlanSite[] {
  const base = { scope: 'node_template' as const, node: node.id };
  const path = `nodes.${node.id}`;
  const sites: PlanSite[] = [
    {
      node,
      frame: { ...base, path: `${path}.properties` },
      get: () => node.properties,
      set: (value) => {
        node.properties = value as Dict;
      },
    },
  ];
  const scalable = node.capabilities?.scalable;
  if (scalable) {
    sites.push({
      node,
      frame: { ...base, path: `${path}.capabilities.scalable.properties` },
      get: () => scalable.properties as unknown as Value,
      set: (value) => {
        scalable.properties = value as unknown as typeof scalable.properties;
      },
    });
  }
  sites.push(...operationSites(node.operations, base, `${path}.operations`, { node }));
  sites.push(...interfaceSites(node.interfaces, base, `${path}.interfaces`, { node }));
  for (const [index, relationship] of (node.relationships ?? []).entries()) {
    const relBase = { scope: 'node_template_relationship' as const, node: node.id, targetNode: relationship.target_id };
    const relPath = `${path}.relationships[${index}]`;
    const extra = { node, relationship };
    sites.push(...operationSites(relationship.source_operations, relBase, `${relPath}.source_operations`, extra));
    sites.push(...operationSites(relationship.target_operations, relBase, `${relPath}.target_operations`, extra));
    sites.push(...interfaceSites(relationship.source_interfaces, relBase, `${relPath}.source_interfaces`, extra));
    sites.push(...interfaceSites(relationship.target_interfaces, relBase, `${relPath}.target_interfaces`, extra));
  }
  return sites;
}

/** Sites for each entry of a map section (`outputs.x`, `capabilities.y`, ...), optionally one field of it. */
function sectionSites<T>(section: Record<string, T> | undefined, scope: Frame['scope'], name: string, field?: keyof T & string): PlanSite[] {
  return Object.entries(section ?? {}).map(([key, entry]) => {
    const holder = entry as unknown as Dict;
    return {
      frame: { scope, path: field ? `${name}.${key}.${field}` : `${name}.${key}` },
      get: () => (field ? (holder[field] ?? {}) : holder) as Value,
      set: (value: Value) => {
        if (field) holder[field] = value;
        else (section as Record<string, unknown>)[key] = value;
      },
    };
  });
}

export function planSites(plan: Plan): PlanSite[] {
  const sites = plan.nodes.flatMap(nodeSites);
  sites.push(...sectionSites(plan.outputs, 'outputs', 'outputs'));
  sites.push(...sectionSites(plan.policies, 'policies', 'policies', 'properties'));
  sites.push(...sectionSites(plan.scaling_groups, 'scaling_groups', 'scaling_groups', 'properties'));
  sites.push(...sectionSites(plan.capabilities, 'capabilities', 'capabilities'));
  sites.push(...sectionSites(plan.labels, 'labels', 'labels'));
  if (plan.deployment_settings) {
    sites.push({
      frame: { scope: 'deployment_settings', path: 'deployment_settings' },
      get: () => plan.deployment_settings,
      set: (value) => {
        plan.deployment_settings = value as Dict;
      },
    });
  }
  return sites;
}
