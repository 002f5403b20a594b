/**
 * Hand-written plans for DSL unit tests: the shape parseBlueprint produces (src/dsl/plan.ts),
 * built from short descriptions so each test states only what it is about.
 */
import type { Dict, Plan, PlanNode, PlanOperation, PlanRelationship, ScalableProperties, Value } from '../../../../src/dsl/plan';

export const CONTAINED_IN = 'cloudify.relationships.contained_in';
export const CONNECTED_TO = 'cloudify.relationships.connected_to';
export const DEPENDS_ON = 'cloudify.relationships.depends_on';

const HIERARCHIES: Record<string, string[]> = {
  [DEPENDS_ON]: [DEPENDS_ON],
  [CONNECTED_TO]: [DEPENDS_ON, CONNECTED_TO],
  [CONTAINED_IN]: [DEPENDS_ON, CONTAINED_IN],
};

export function op(inputs: Dict = {}, operation = 'stratus.ops.noop'): PlanOperation {
  return {
    operation,
    plugin: 'stratus',
    executor: 'central_deployment_agent',
    inputs,
    has_intrinsic_functions: false,
    max_retries: null,
    retry_interval: null,
    timeout: null,
    timeout_recoverable: null,
  };
}

export interface RelOptions {
  connection_type?: string | null;
  type_hierarchy?: string[];
  properties?: Dict;
  source_operations?: Record<string, PlanOperation>;
  target_operations?: Record<string, PlanOperation>;
}

export function rel(type: string, target: string, options: RelOptions = {}): PlanRelationship {
  const properties: Dict = { ...(options.properties ?? {}) };
  if (options.connection_type !== null) properties.connection_type = options.connection_type ?? 'all_to_all';
  return {
    type,
    target_id: target,
    type_hierarchy: options.type_hierarchy ?? HIERARCHIES[type] ?? [DEPENDS_ON, type],
    properties,
    source_operations: options.source_operations ?? {},
    target_operations: options.target_operations ?? {},
    source_interfaces: {},
    target_interfaces: {},
  };
}

export const containedIn = (target: string, options?: RelOptions) => rel(CONTAINED_IN, target, options);
export const connectedTo = (target: string, options?: RelOptions) => rel(CONNECTED_TO, target, options);
export const dependsOn = (target: string, options?: RelOptions) => rel(DEPENDS_ON, target, options);

export interface NodeOptions {
  type?: string;
  compute?: boolean;
  properties?: Dict;
  relationships?: PlanRelationship[];
  operations?: Record<string, PlanOperation>;
  /** Default instances (capabilities.scalable default/current/planned). */
  instances?: number | Value;
  min?: number | Value;
  max?: number | Value;
}

export function node(id: string, options: NodeOptions = {}): PlanNode {
  const type = options.type ?? (options.compute ? 'cloudify.nodes.Compute' : 'cloudify.nodes.Root');
  const count = options.instances ?? 1;
  const scalable = {
    min_instances: options.min ?? 0,
    max_instances: options.max ?? -1,
    default_instances: count,
    current_instances: count,
    planned_instances: count,
  } as unknown as ScalableProperties;
  return {
    id,
    name: id,
    type,
    type_hierarchy: options.compute ? ['cloudify.nodes.Root', 'cloudify.nodes.Compute'] : ['cloudify.nodes.Root'],
    properties: options.properties ?? {},
    operations: options.operations ?? {},
    interfaces: {},
    relationships: options.relationships ?? [],
    plugins: [],
    plugins_to_install: [],
    deployment_plugins_to_install: [],
    host_id: null,
    instances: { deploy: typeof count === 'number' ? count : 1 },
    capabilities: { scalable: { properties: scalable } },
  };
}

/** host_id as the parser computes it: a Compute hosts itself, contained nodes inherit their container's. */
function assignHosts(nodes: PlanNode[]): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const hostOf = (n: PlanNode, seen = new Set<string>()): string | null => {
    if (n.type_hierarchy.includes('cloudify.nodes.Compute')) return n.id;
    const container = n.relationships.find((r) => r.type_hierarchy.includes(CONTAINED_IN));
    const parent = container && byId.get(container.target_id);
    if (!parent || seen.has(parent.id)) return null;
    seen.add(parent.id);
    return hostOf(parent, seen);
  };
  for (const n of nodes) n.host_id = hostOf(n);
}

export function plan(parts: Partial<Plan> = {}): Plan {
  const nodes = parts.nodes ?? [];
  assignHosts(nodes);
  return {
    tosca_definitions_version: 'cloudify_dsl_1_4',
    description: null,
    metadata: null,
    inputs: {},
    outputs: {},
    capabilities: {},
    node_types: {},
    relationships: {},
    data_types: {},
    workflows: {},
    workflow_plugins_to_install: [],
    deployment_plugins_to_install: [],
    host_agent_plugins_to_install: [],
    groups: {},
    scaling_groups: {},
    policies: {},
    policy_types: {},
    policy_triggers: {},
    labels: {},
    blueprint_labels: {},
    deployment_settings: {},
    resource_tags: {},
    imported_blueprints: [],
    namespaces_mapping: {},
    ...parts,
    nodes,
  };
}

export function scalingGroup(members: string[], instances = 1, bounds: { min?: number; max?: number } = {}) {
  return {
    members,
    properties: {
      min_instances: bounds.min ?? 0,
      max_instances: bounds.max ?? -1,
      default_instances: instances,
      current_instances: instances,
      planned_instances: instances,
    },
  };
}

/** A small deterministic random source (mulberry32) so planned ids are reproducible in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
