/**
 * The parsed blueprint ("plan"): what parsing and validation produce and what planning,
 * function evaluation, the REST API and the workflow engine consume.
 *
 * Field names follow Cloudify's plan and REST shapes (snake_case) on purpose: the plan is
 * stored with the blueprint and returned by `GET /blueprints/{id}` as `plan`, and nodes are
 * served by `GET /nodes` with these names.
 */

/** Any YAML value. Intrinsic functions are single-key objects such as `{get_input: name}`. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
export type Dict = { [key: string]: Value };

export type DslVersion =
  | 'cloudify_dsl_1_0'
  | 'cloudify_dsl_1_1'
  | 'cloudify_dsl_1_2'
  | 'cloudify_dsl_1_3'
  | 'cloudify_dsl_1_4'
  | 'cloudify_dsl_1_5';

export type Executor = 'central_deployment_agent' | 'host_agent' | 'auto';

/** One operation after type → subtype → template merging. */
export interface PlanOperation {
  /** `module.function` inside the plugin (`script_runner.tasks.run` for scripts); '' = no-op. */
  operation: string;
  /** Plugin name ('' for a no-op). */
  plugin: string;
  executor: Executor | null;
  /** Plain values (template level); may hold runtime functions such as get_attribute. */
  inputs: Dict;
  has_intrinsic_functions: boolean;
  max_retries: number | null;
  retry_interval: number | null;
  timeout: number | null;
  timeout_recoverable: boolean | null;
}

export interface PlanRelationship {
  type: string;
  target_id: string;
  type_hierarchy: string[];
  properties: Dict;
  /** Keyed both `interface.op` and short `op` (short names dropped when ambiguous). */
  source_operations: Record<string, PlanOperation>;
  target_operations: Record<string, PlanOperation>;
  /** The merged interfaces, `{interface: {op: PlanOperation}}`. */
  source_interfaces: Record<string, Record<string, PlanOperation>>;
  target_interfaces: Record<string, Record<string, PlanOperation>>;
}

export interface PlanPlugin {
  name: string;
  executor: Exclude<Executor, 'auto'>;
  source: string | null;
  install: boolean;
  install_arguments: string | null;
  package_name: string | null;
  package_version: string | null;
  supported_platform: string | null;
  distribution: string | null;
  distribution_version: string | null;
  distribution_release: string | null;
  properties: Dict;
}

/**
 * In a parsed Plan, min/max/default_instances may still be intrinsic functions (e.g.
 * `{get_input: n}`, kept raw like every hybrid function); deployment creation evaluates them.
 */
export interface ScalableProperties {
  min_instances: number;
  /** -1 = unbounded. */
  max_instances: number;
  default_instances: number;
  current_instances: number;
  planned_instances: number;
}

export interface PlanNode {
  /** Node template name (Cloudify uses both `id` and `name`). */
  id: string;
  name: string;
  type: string;
  /** Ancestors first, the node's own type last. */
  type_hierarchy: string[];
  properties: Dict;
  /** Keyed both `interface.op` and short `op` (short names dropped when ambiguous). */
  operations: Record<string, PlanOperation>;
  interfaces: Record<string, Record<string, PlanOperation>>;
  /** In declaration order. */
  relationships: PlanRelationship[];
  /** Plugins the node's operations use. */
  plugins: PlanPlugin[];
  plugins_to_install: PlanPlugin[];
  deployment_plugins_to_install: PlanPlugin[];
  /** The node's Compute host (itself for a Compute), or null when it has none. */
  host_id: string | null;
  instances: { deploy: number };
  capabilities: { scalable: { properties: ScalableProperties } };
}

export interface InputSchema {
  type?: string;
  default?: Value;
  description?: string;
  required?: boolean;
  constraints?: Dict[];
  item_type?: string;
  display_label?: string;
  hidden?: boolean;
  display?: Dict;
}

export interface PlanWorkflow {
  /** `module.function` of the workflow plugin (`script_runner.tasks.execute_workflow` for scripts). */
  operation: string;
  plugin: string;
  parameters: Record<string, InputSchema>;
  is_cascading: boolean;
  availability_rules: Dict | null;
}

export interface PlanGroup {
  members: string[];
  policies: Record<string, { type: string; properties: Dict; triggers: Record<string, { type: string; parameters: Dict }> }>;
}

export interface PlanScalingGroup {
  members: string[];
  properties: ScalableProperties;
}

export interface PlanPolicy {
  type: string;
  properties: Dict;
  targets: string[];
}

export interface Plan {
  tosca_definitions_version: DslVersion;
  description: string | null;
  metadata: Dict | null;
  inputs: Record<string, InputSchema>;
  outputs: Record<string, { description?: string; value: Value }>;
  capabilities: Record<string, { description?: string; value: Value }>;
  nodes: PlanNode[];
  node_types: Dict;
  relationships: Dict;
  data_types: Dict;
  workflows: Record<string, PlanWorkflow>;
  /** Plugins whose executor is central_deployment_agent and that workflows use. */
  workflow_plugins_to_install: PlanPlugin[];
  deployment_plugins_to_install: PlanPlugin[];
  host_agent_plugins_to_install: PlanPlugin[];
  groups: Record<string, PlanGroup>;
  scaling_groups: Record<string, PlanScalingGroup>;
  policies: Record<string, PlanPolicy>;
  policy_types: Dict;
  policy_triggers: Dict;
  labels: Record<string, { values: Value[] }>;
  blueprint_labels: Record<string, { values: Value[] }>;
  deployment_settings: Dict;
  resource_tags: Dict;
  /** Every file the blueprint imported, in resolution order (for diagnostics). */
  imported_blueprints: string[];
  namespaces_mapping: Dict;
}

/** A relationship instance of a node instance: the REST `relationships` entry. */
export interface InstanceRelationship {
  type: string;
  target_name: string;
  target_id: string;
}

/** A planned node instance: the fields `GET /node-instances` serves that planning decides. */
export interface PlannedNodeInstance {
  /** `<node_id>_<6 lowercase alphanumerics>` */
  id: string;
  node_id: string;
  host_id: string | null;
  relationships: InstanceRelationship[];
  /** Scaling-group instances this instance belongs to: `[{name, id}]`. */
  scaling_groups: { name: string; id: string }[];
  /** 0-based position among the node's instances. */
  index: number;
}
