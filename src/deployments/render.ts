/** The Cloudify JSON of deployments, nodes and node instances. */
import { commonFields } from '../resources/visibility';
import type { DeploymentData, DeploymentStatus, Entity, NodeData, NodeInstanceData } from './model';
import { workflowList } from './workflows';

export const DEPLOYMENT_FIELDS = [
  'id',
  'blueprint_id',
  'display_name',
  'description',
  'inputs',
  'outputs',
  'capabilities',
  'groups',
  'policy_types',
  'policy_triggers',
  'scaling_groups',
  'workflows',
  'installation_status',
  'deployment_status',
  'latest_execution',
  'latest_execution_status',
  'latest_execution_total_operations',
  'latest_execution_finished_operations',
  'labels',
  'created_at',
  'updated_at',
  'site_name',
  'visibility',
  'tenant_name',
  'created_by',
  'private_resource',
  'resource_availability',
  'resource_tags',
  'deployment_groups',
  'environment_type',
  'sub_services_count',
  'sub_environments_count',
  'sub_services_status',
  'sub_environments_status',
  'has_sub_deployments',
  'is_environment',
] as const;

/** Cloudify's deployment status rule (models.Deployment.evaluate_deployment_status). */
export function deploymentStatus(data: Pick<DeploymentData, 'latest_execution_status' | 'installation_status'>): DeploymentStatus {
  if (data.latest_execution_status === 'in_progress') return 'in_progress';
  if (data.latest_execution_status === 'failed' || data.installation_status === 'inactive') return 'requires_attention';
  return 'good';
}

/** `activeInstances`: share of live instances, when known (GET of one deployment); lists assume workflows are available. */
export function renderDeployment(entity: Entity<DeploymentData>, activeInstances?: { live: number; total: number }): Record<string, unknown> {
  const data = entity.data;
  const envType = data.labels.find((label) => label.key === 'csys-environment-type')?.value ?? '';
  return {
    ...commonFields(entity, data),
    blueprint_id: data.blueprint_id,
    display_name: data.display_name,
    description: data.description,
    inputs: data.inputs,
    outputs: data.outputs,
    capabilities: data.capabilities,
    groups: data.groups,
    policy_types: data.policy_types,
    policy_triggers: data.policy_triggers,
    scaling_groups: data.scaling_groups,
    workflows: workflowList(data, activeInstances),
    installation_status: data.installation_status,
    deployment_status: deploymentStatus(data),
    latest_execution: data.latest_execution,
    latest_execution_status: data.latest_execution_status,
    latest_execution_total_operations: data.latest_execution_total_operations,
    latest_execution_finished_operations: data.latest_execution_finished_operations,
    labels: data.labels,
    updated_at: data.updated_at,
    site_name: data.site_name,
    resource_tags: data.resource_tags,
    deployment_groups: [],
    environment_type: envType,
    sub_services_count: 0,
    sub_environments_count: 0,
    sub_services_status: null,
    sub_environments_status: null,
    has_sub_deployments: false,
    is_environment: envType !== '',
  };
}

export const NODE_FIELDS = [
  'id',
  'deployment_id',
  'blueprint_id',
  'type',
  'type_hierarchy',
  'properties',
  'operations',
  'relationships',
  'plugins',
  'plugins_to_install',
  'host_id',
  'number_of_instances',
  'planned_number_of_instances',
  'deploy_number_of_instances',
  'min_number_of_instances',
  'max_number_of_instances',
  'actual_number_of_instances',
  'actual_planned_number_of_instances',
  'visibility',
  'tenant_name',
  'created_by',
  'private_resource',
  'resource_availability',
  'unavailable_instances',
  'drifted_instances',
] as const;

export function renderNode(entity: Entity<NodeData>): Record<string, unknown> {
  const data = entity.data;
  const { created_at: _createdAt, ...common } = commonFields(entity, data);
  return {
    ...common,
    id: data.id,
    deployment_id: data.deployment_id,
    blueprint_id: data.blueprint_id,
    type: data.type,
    type_hierarchy: data.type_hierarchy,
    properties: data.properties,
    operations: data.operations,
    relationships: data.relationships,
    plugins: data.plugins,
    plugins_to_install: data.plugins_to_install,
    host_id: data.host_id,
    number_of_instances: data.number_of_instances,
    planned_number_of_instances: data.planned_number_of_instances,
    deploy_number_of_instances: data.deploy_number_of_instances,
    min_number_of_instances: data.min_number_of_instances,
    max_number_of_instances: data.max_number_of_instances,
    actual_number_of_instances: data.number_of_instances,
    actual_planned_number_of_instances: data.planned_number_of_instances,
    unavailable_instances: 0,
    drifted_instances: 0,
  };
}

export const NODE_INSTANCE_FIELDS = [
  'id',
  'node_id',
  'deployment_id',
  'host_id',
  'index',
  'state',
  'runtime_properties',
  'system_properties',
  'relationships',
  'scaling_groups',
  'version',
  'visibility',
  'tenant_name',
  'created_by',
  'private_resource',
  'resource_availability',
  'has_configuration_drift',
  'is_status_check_ok',
] as const;

export function renderNodeInstance(entity: Entity<NodeInstanceData>): Record<string, unknown> {
  const data = entity.data;
  const { created_at: _createdAt, ...common } = commonFields(entity, data);
  return {
    ...common,
    id: data.id,
    node_id: data.node_id,
    deployment_id: data.deployment_id,
    host_id: data.host_id,
    index: data.index,
    state: data.state,
    runtime_properties: data.runtime_properties,
    system_properties: data.system_properties,
    relationships: data.relationships,
    scaling_groups: data.scaling_groups,
    version: entity.version,
    has_configuration_drift: false,
    is_status_check_ok: false,
  };
}
