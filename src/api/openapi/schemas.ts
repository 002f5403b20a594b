/** Component schemas of the OpenAPI document: Cloudify's resource shapes, as Stratus serves them. */

type Schema = Record<string, unknown>;

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const obj = { type: 'object', additionalProperties: true };
const time = { type: 'string', format: 'date-time' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const common: Schema = {
  id: str,
  visibility: { type: 'string', enum: ['private', 'tenant', 'global'] },
  tenant_name: str,
  created_by: str,
  private_resource: bool,
  resource_availability: str,
  created_at: time,
};

function resource(properties: Schema, description: string): Schema {
  return { type: 'object', description, properties: { ...common, ...properties }, additionalProperties: true };
}

export const SCHEMAS: Record<string, Schema> = {
  Error: {
    type: 'object',
    description: 'Every error: the Cloudify client maps `error_code` to its exception classes.',
    required: ['message', 'error_code', 'server_traceback'],
    properties: { message: str, error_code: str, server_traceback: { type: 'null' } },
  },
  ListMetadata: {
    type: 'object',
    properties: {
      pagination: { type: 'object', properties: { total: int, size: int, offset: int }, required: ['total', 'size', 'offset'] },
      filtered: { type: 'null' },
    },
  },
  Label: { type: 'object', properties: { key: str, value: str, created_at: time, created_by: str } },
  Version: { type: 'object', properties: { version: str, edition: str, distribution: str, distro_release: str } },
  Blueprint: resource(
    {
      main_file_name: str,
      plan: { type: ['object', 'null'], description: 'The parsed blueprint (null in lists for large plans).' },
      description: nullableStr,
      updated_at: time,
      is_hidden: bool,
      state: {
        type: 'string',
        enum: ['pending', 'uploading', 'extracting', 'parsing', 'uploaded', 'validating', 'failed_uploading', 'failed_extracting', 'failed_parsing', 'failed_extracting_to_file_server', 'invalid'],
      },
      error: nullableStr,
      error_traceback: nullableStr,
      labels: { type: 'array', items: ref('Label') },
      upload_execution: { type: ['object', 'null'], description: 'The upload_blueprint system execution.', properties: { id: str, status: str } },
    },
    'A blueprint.',
  ),
  BlueprintUploadParams: {
    type: 'object',
    description: 'The `params` part (a JSON string) of a multipart blueprint upload, or the same keys as query parameters.',
    properties: {
      visibility: str,
      async_upload: bool,
      skip_execution: bool,
      application_file_name: { type: 'string', description: 'URL-quoted path of the main file inside the archive (default blueprint.yaml).' },
      labels: { type: 'array', items: { type: 'object', properties: { key: str, value: { oneOf: [str, { type: 'array', items: str }] } } } },
      blueprint_archive_url: { type: 'string', format: 'uri' },
      upload_id: { type: 'string', description: 'A staged upload (POST /api/v3.1/uploads) instead of the archive.' },
    },
  },
  Plugin: resource(
    {
      package_name: str,
      package_version: nullableStr,
      archive_name: str,
      package_source: nullableStr,
      supported_platform: nullableStr,
      distribution: nullableStr,
      distribution_version: nullableStr,
      distribution_release: nullableStr,
      wheels: { type: 'array', items: str },
      uploaded_at: time,
      title: nullableStr,
      yaml_url_path: str,
    },
    'An uploaded plugin package.',
  ),
  StagedUpload: {
    type: 'object',
    properties: { id: str, upload_url: { type: 'string', format: 'uri' }, method: { const: 'PUT' }, headers: obj, expires_at: time, max_size: int },
  },
  Workflow: { type: 'object', properties: { name: str, plugin: str, operation: str, parameters: obj, is_cascading: bool, is_available: bool } },
  Deployment: resource(
    {
      blueprint_id: str,
      display_name: str,
      description: nullableStr,
      inputs: obj,
      outputs: obj,
      capabilities: obj,
      groups: obj,
      policy_types: obj,
      policy_triggers: obj,
      scaling_groups: obj,
      workflows: { type: 'array', items: ref('Workflow') },
      installation_status: { type: 'string', enum: ['active', 'inactive'] },
      deployment_status: { type: 'string', enum: ['good', 'in_progress', 'requires_attention'] },
      latest_execution: nullableStr,
      latest_execution_status: { type: ['string', 'null'], enum: ['completed', 'failed', 'cancelled', 'in_progress', null] },
      latest_execution_total_operations: { type: ['integer', 'null'] },
      latest_execution_finished_operations: { type: ['integer', 'null'] },
      labels: { type: 'array', items: ref('Label') },
      updated_at: time,
      site_name: nullableStr,
    },
    'A deployment.',
  ),
  DeploymentRequest: {
    type: 'object',
    required: ['blueprint_id'],
    properties: { blueprint_id: str, inputs: obj, visibility: str, labels: { type: 'array', items: obj }, display_name: str, site_name: str, skip_plugins_validation: bool, runtime_only_evaluation: bool },
  },
  Node: {
    type: 'object',
    properties: {
      id: str,
      deployment_id: str,
      blueprint_id: str,
      type: str,
      type_hierarchy: { type: 'array', items: str },
      properties: obj,
      operations: obj,
      relationships: { type: 'array', items: obj },
      plugins: { type: 'array', items: obj },
      host_id: nullableStr,
      number_of_instances: int,
      planned_number_of_instances: int,
      deploy_number_of_instances: int,
      min_number_of_instances: int,
      max_number_of_instances: int,
    },
  },
  NodeInstance: {
    type: 'object',
    properties: {
      id: str,
      node_id: str,
      deployment_id: str,
      host_id: nullableStr,
      index: int,
      state: { type: 'string', enum: ['uninitialized', 'initializing', 'creating', 'created', 'configuring', 'configured', 'starting', 'started', 'stopping', 'stopped', 'deleting', 'deleted'] },
      runtime_properties: obj,
      system_properties: obj,
      relationships: { type: 'array', items: obj },
      scaling_groups: { type: 'array', items: obj },
      version: { type: 'integer', description: 'Optimistic-concurrency version; every update increments it.' },
    },
  },
  NodeInstanceUpdate: {
    type: 'object',
    required: ['version'],
    properties: { version: int, state: str, runtime_properties: obj, system_properties: obj, relationships: { type: 'array', items: obj }, force: bool },
  },
  Execution: resource(
    {
      workflow_id: str,
      deployment_id: nullableStr,
      blueprint_id: nullableStr,
      status: str,
      status_display: str,
      error: str,
      parameters: obj,
      is_system_workflow: bool,
      is_dry_run: bool,
      started_at: { type: ['string', 'null'] },
      ended_at: { type: ['string', 'null'] },
      total_operations: int,
      finished_operations: int,
    },
    'An execution of a workflow.',
  ),
  ExecutionRequest: {
    type: 'object',
    required: ['deployment_id', 'workflow_id'],
    properties: { deployment_id: str, workflow_id: str, parameters: obj, allow_custom_parameters: bool, force: bool, dry_run: bool, queue: bool, scheduled_time: nullableStr },
  },
  Secret: resource({ key: str, value: str, is_hidden_value: bool, updated_at: time }, 'A secret (value only on GET of one secret).'),
  Tenant: { type: 'object', properties: { id: str, name: str, users: int, groups: int, user_roles: obj, created_at: time } },
  User: { type: 'object', properties: { username: str, role: str, active: bool, tenants: obj, created_at: time } },
  Token: { type: 'object', properties: { id: str, username: str, value: str, role: str, expiration_date: nullableStr, last_used: nullableStr, description: nullableStr } },
  Object: obj,
};
