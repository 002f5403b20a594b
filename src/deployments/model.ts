/**
 * Deployments, nodes and node instances as stored and as the REST API serves them.
 *
 * - Deployment: kind `deployment`, id = the deployment id. Its document holds what the REST shape
 *   needs (inputs, output and capability definitions, workflows, groups, ...) and the status fields
 *   the workflow engine keeps current (`latest_execution*`, `installation_status`).
 * - Node: kind `node`, listed under its deployment (parent); store id `<deployment>:<node>` (node
 *   names are unique per deployment only).
 * - Node instance: kind `node_instance`, listed under its deployment; store id = its id.
 * Node names and instance ids come from blueprints and may hold any character, so they are
 * percent-encoded in store ids (the store's keys use `#`).
 */
import type { Dict, InputSchema, PlanGroup, PlanPolicy, PlanScalingGroup, PlanWorkflow, Value } from '../dsl';
import type { Entity } from '../ports/model-store';
import type { Label } from '../resources/labels';
import type { Visibility } from '../resources/visibility';
import { NODE_INSTANCE_STATES, type NodeInstanceState } from '../workflows/states';

export type InstallationStatus = 'active' | 'inactive';
export type DeploymentStatus = 'good' | 'in_progress' | 'requires_attention';
export type ExecutionSummaryStatus = 'completed' | 'failed' | 'cancelled' | 'in_progress';

export interface DeploymentData {
  blueprint_id: string;
  /** The tenant that owns the blueprint (another one's, for a global blueprint). */
  blueprint_tenant: string;
  display_name: string;
  description: string | null;
  inputs: Dict;
  outputs: Record<string, { description?: string; value: Value }>;
  capabilities: Record<string, { description?: string; value: Value }>;
  groups: Record<string, PlanGroup>;
  policy_types: Dict;
  policy_triggers: Dict;
  policies: Record<string, PlanPolicy>;
  scaling_groups: Record<string, PlanScalingGroup>;
  workflows: Record<string, PlanWorkflow>;
  /** Per workflow: whether its `node_types_required` rule is met by this deployment's nodes. */
  workflow_types_present: Record<string, boolean>;
  deployment_settings: Dict;
  resource_tags: Dict | null;
  labels: Label[];
  site_name: string | null;
  runtime_only_evaluation: boolean;
  visibility: Visibility;
  created_by: string;
  updated_at: string;
  installation_status: InstallationStatus;
  /** The `create_deployment_environment` execution. */
  create_execution: string;
  latest_execution: string | null;
  latest_execution_status: ExecutionSummaryStatus | null;
  latest_execution_total_operations: number | null;
  latest_execution_finished_operations: number | null;
}

export interface NodeData {
  id: string;
  deployment_id: string;
  blueprint_id: string;
  type: string;
  type_hierarchy: string[];
  properties: Dict;
  operations: Dict;
  relationships: Dict[];
  plugins: Dict[];
  plugins_to_install: Dict[];
  host_id: string | null;
  number_of_instances: number;
  planned_number_of_instances: number;
  deploy_number_of_instances: number;
  min_number_of_instances: number;
  max_number_of_instances: number;
  visibility: Visibility;
  created_by: string;
}

// One list of node instance states, shared with the workflow graph builders.
export { NODE_INSTANCE_STATES, type NodeInstanceState };

/** A node instance is live unless it never came up or is gone. */
export function isLive(state: NodeInstanceState): boolean {
  return state !== 'uninitialized' && state !== 'deleted';
}

export interface NodeInstanceData {
  id: string;
  node_id: string;
  deployment_id: string;
  host_id: string | null;
  index: number;
  state: NodeInstanceState;
  runtime_properties: Dict;
  system_properties: Dict;
  relationships: Dict[];
  scaling_groups: { name: string; id: string }[];
  visibility: Visibility;
  created_by: string;
}

export function nodeStoreId(deploymentId: string, nodeId: string): string {
  return `${deploymentId}:${encodeURIComponent(nodeId)}`;
}

export function instanceStoreId(instanceId: string): string {
  return encodeURIComponent(instanceId);
}

export type InputDefinitions = Record<string, InputSchema>;

export type { Entity };
