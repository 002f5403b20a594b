/**
 * Every route of the REST API, described once: method, path, what it takes and answers, and the
 * Cloudify error codes it may return. test/unit/api/openapi.test.ts checks this list against the
 * router's table in both directions.
 */

export type BodyKind = { json: string; required?: boolean } | 'blueprint-upload' | 'binary' | 'none';
export type OkKind = { schema: string } | { list: string } | 'binary' | 'empty' | 'object';

export interface OperationSpec {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  tag: string;
  summary: string;
  /** Query parameters besides the list ones. */
  query?: { name: string; description: string; type?: 'string' | 'boolean' }[];
  body?: BodyKind;
  status: number;
  ok: OkKind;
  /** HTTP statuses of the errors it may answer (each documented with the reference's codes). */
  errors?: number[];
  /** No credentials needed. */
  open?: boolean;
}

const V = '/api/v3.1';
const flag = (name: string, description: string) => ({ name, description, type: 'boolean' as const });
const text = (name: string, description: string) => ({ name, description });

export const OPERATIONS: OperationSpec[] = [
  // Manager
  { method: 'GET', path: '/api/version', tag: 'manager', summary: 'Manager version (also answered without the v3.1 prefix)', status: 200, ok: { schema: 'Version' }, open: true },
  { method: 'GET', path: `${V}/version`, tag: 'manager', summary: 'Manager version', status: 200, ok: { schema: 'Version' }, open: true },
  { method: 'GET', path: `${V}/status`, tag: 'manager', summary: 'Manager status and its services', query: [flag('summary', 'Only the overall status')], status: 200, ok: 'object' },
  { method: 'GET', path: `${V}/managers`, tag: 'manager', summary: 'The manager (all-in-one)', status: 200, ok: { list: 'Object' } },
  { method: 'GET', path: `${V}/brokers`, tag: 'manager', summary: 'The message broker (the manager itself)', status: 200, ok: { list: 'Object' } },
  { method: 'GET', path: `${V}/db-nodes`, tag: 'manager', summary: 'The database node (the manager itself)', status: 200, ok: { list: 'Object' } },
  { method: 'GET', path: `${V}/maintenance`, tag: 'manager', summary: 'Maintenance mode state', status: 200, ok: 'object' },
  { method: 'GET', path: `${V}/config`, tag: 'manager', summary: 'Manager configuration', query: [text('scope', 'Configuration scope, e.g. rest')], status: 200, ok: 'object', errors: [404] },
  { method: 'GET', path: `${V}/config/{name}`, tag: 'manager', summary: 'One configuration setting', status: 200, ok: 'object', errors: [404] },
  { method: 'GET', path: `${V}/provider/context`, tag: 'manager', summary: 'Provider context (tolerated by cfy when absent)', status: 200, ok: 'object', errors: [404] },
  { method: 'GET', path: `${V}/openapi.json`, tag: 'manager', summary: 'This OpenAPI 3.1 document', status: 200, ok: 'object', open: true },

  // Tenants, users, tokens
  { method: 'GET', path: `${V}/tenants`, tag: 'tenants', summary: 'List tenants', status: 200, ok: { list: 'Tenant' } },
  { method: 'PUT', path: `${V}/tenants/add-user`, tag: 'tenants', summary: 'Add a user to a tenant (sys_admin)', body: { json: 'Object', required: true }, status: 200, ok: { schema: 'Tenant' }, errors: [400, 403, 404] },
  { method: 'DELETE', path: `${V}/tenants/remove-user`, tag: 'tenants', summary: 'Remove a user from a tenant (sys_admin)', body: { json: 'Object', required: true }, status: 200, ok: { schema: 'Tenant' }, errors: [400, 403, 404] },
  { method: 'POST', path: `${V}/tenants/{name}`, tag: 'tenants', summary: 'Create a tenant (sys_admin)', status: 201, ok: { schema: 'Tenant' }, errors: [400, 403, 409] },
  { method: 'GET', path: `${V}/tenants/{name}`, tag: 'tenants', summary: 'Get a tenant', status: 200, ok: { schema: 'Tenant' }, errors: [404] },
  { method: 'DELETE', path: `${V}/tenants/{name}`, tag: 'tenants', summary: 'Delete an empty tenant (sys_admin)', status: 204, ok: 'empty', errors: [400, 403, 404] },
  { method: 'GET', path: `${V}/user`, tag: 'users', summary: 'The calling user', status: 200, ok: { schema: 'User' } },
  { method: 'GET', path: `${V}/users`, tag: 'users', summary: 'List users', status: 200, ok: { list: 'User' } },
  { method: 'PUT', path: `${V}/users`, tag: 'users', summary: 'Create a user (sys_admin)', body: { json: 'Object', required: true }, status: 201, ok: { schema: 'User' }, errors: [400, 403, 409] },
  { method: 'GET', path: `${V}/users/{username}`, tag: 'users', summary: 'Get a user', status: 200, ok: { schema: 'User' }, errors: [404] },
  { method: 'POST', path: `${V}/users/{username}`, tag: 'users', summary: 'Change a user (password, role)', body: { json: 'Object', required: true }, status: 200, ok: { schema: 'User' }, errors: [400, 403, 404] },
  { method: 'DELETE', path: `${V}/users/{username}`, tag: 'users', summary: 'Delete a user (sys_admin)', status: 204, ok: 'empty', errors: [400, 403, 404] },
  { method: 'POST', path: `${V}/tokens`, tag: 'tokens', summary: 'Create a token (its value is shown once)', body: { json: 'Object' }, status: 200, ok: { schema: 'Token' }, errors: [400] },
  { method: 'GET', path: `${V}/tokens`, tag: 'tokens', summary: 'List tokens', status: 200, ok: { list: 'Token' } },
  { method: 'GET', path: `${V}/tokens/{id}`, tag: 'tokens', summary: 'Get a token', status: 200, ok: { schema: 'Token' }, errors: [404] },
  { method: 'DELETE', path: `${V}/tokens/{id}`, tag: 'tokens', summary: 'Revoke a token', status: 204, ok: 'empty', errors: [404] },

  // Secrets
  { method: 'GET', path: `${V}/secrets`, tag: 'secrets', summary: 'List secrets (no values)', status: 200, ok: { list: 'Secret' } },
  { method: 'GET', path: `${V}/secrets/{key}`, tag: 'secrets', summary: 'Get a secret with its value', status: 200, ok: { schema: 'Secret' }, errors: [404] },
  { method: 'PUT', path: `${V}/secrets/{key}`, tag: 'secrets', summary: 'Create a secret', body: { json: 'Object', required: true }, status: 200, ok: { schema: 'Secret' }, errors: [400, 403, 409] },
  { method: 'PATCH', path: `${V}/secrets/{key}`, tag: 'secrets', summary: 'Change a secret', body: { json: 'Object', required: true }, status: 200, ok: { schema: 'Secret' }, errors: [400, 403, 404] },
  { method: 'PATCH', path: `${V}/secrets/{key}/set-visibility`, tag: 'secrets', summary: 'Widen a secret’s visibility', body: { json: 'Object', required: true }, status: 200, ok: { schema: 'Secret' }, errors: [400, 403, 404] },
  { method: 'DELETE', path: `${V}/secrets/{key}`, tag: 'secrets', summary: 'Delete a secret', status: 204, ok: 'empty', errors: [403, 404] },

  // Blueprints
  { method: 'GET', path: `${V}/blueprints`, tag: 'blueprints', summary: 'List blueprints (large plans left out)', status: 200, ok: { list: 'Blueprint' } },
  { method: 'GET', path: `${V}/blueprints/{id}`, tag: 'blueprints', summary: 'Get a blueprint with its plan (gzip-encoded when large and accepted)', status: 200, ok: { schema: 'Blueprint' }, errors: [404] },
  {
    method: 'PUT',
    path: `${V}/blueprints/{id}`,
    tag: 'blueprints',
    summary: 'Upload a blueprint: multipart (`params` + `blueprint_archive`), legacy raw body + query parameters, a URL, or a staged upload',
    query: [text('application_file_name', 'Legacy form'), text('visibility', 'Legacy form'), flag('async_upload', 'Legacy form'), text('blueprint_archive_url', 'Legacy form'), text('upload_id', 'A staged upload')],
    body: 'blueprint-upload',
    status: 201,
    ok: { schema: 'Blueprint' },
    errors: [400, 409, 413],
  },
  { method: 'PATCH', path: `${V}/blueprints/{id}`, tag: 'blueprints', summary: 'Replace a blueprint’s labels', body: { json: 'Object', required: true }, status: 200, ok: { schema: 'Blueprint' }, errors: [400, 404, 415] },
  { method: 'DELETE', path: `${V}/blueprints/{id}`, tag: 'blueprints', summary: 'Delete a blueprint (405 blueprint_in_use while deployments use it, unless forced)', query: [flag('force', 'Delete even when in use')], status: 204, ok: 'empty', errors: [404, 405] },
  { method: 'PUT', path: `${V}/blueprints/{id}/validate`, tag: 'blueprints', summary: 'Validate a blueprint without storing it', body: 'blueprint-upload', status: 204, ok: 'empty', errors: [400, 413] },
  { method: 'GET', path: `${V}/blueprints/{id}/archive`, tag: 'blueprints', summary: 'Download the archive as uploaded (302 to a presigned URL when large)', status: 200, ok: 'binary', errors: [400, 404] },
  { method: 'PATCH', path: `${V}/blueprints/{id}/set-visibility`, tag: 'blueprints', summary: 'Widen a blueprint’s visibility', body: { json: 'Object', required: true }, status: 200, ok: { schema: 'Blueprint' }, errors: [400, 404] },

  // Plugins and staged uploads
  { method: 'GET', path: `${V}/plugins`, tag: 'plugins', summary: 'List plugins', status: 200, ok: { list: 'Plugin' } },
  {
    method: 'POST',
    path: `${V}/plugins`,
    tag: 'plugins',
    summary: 'Upload a plugin package (zip/tar.gz with plugin.yaml and optionally the wagon) as the raw body',
    query: [text('visibility', 'private, tenant or global'), text('title', 'Display title'), text('plugin_archive_url', 'Fetch the package from a URL'), text('upload_id', 'A staged upload')],
    body: 'binary',
    status: 201,
    ok: { schema: 'Plugin' },
    errors: [400, 409, 413],
  },
  { method: 'GET', path: `${V}/plugins/{id}`, tag: 'plugins', summary: 'Get a plugin', status: 200, ok: { schema: 'Plugin' }, errors: [404] },
  { method: 'DELETE', path: `${V}/plugins/{id}`, tag: 'plugins', summary: 'Delete a plugin (405 plugin_in_use while blueprints use it, unless forced)', query: [flag('force', 'Delete even when in use (also accepted in the JSON body)')], status: 204, ok: 'empty', errors: [404, 405] },
  { method: 'GET', path: `${V}/plugins/{id}/archive`, tag: 'plugins', summary: 'Download the plugin package', status: 200, ok: 'binary', errors: [404] },
  { method: 'PATCH', path: `${V}/plugins/{id}/set-visibility`, tag: 'plugins', summary: 'Widen a plugin’s visibility', body: { json: 'Object', required: true }, status: 200, ok: { schema: 'Plugin' }, errors: [400, 404] },
  { method: 'POST', path: `${V}/uploads`, tag: 'uploads', summary: 'A presigned URL to stage an archive too large for one request (docs/uploads.md)', status: 201, ok: { schema: 'StagedUpload' } },

  // Deployments, nodes, node instances
  { method: 'GET', path: `${V}/deployments`, tag: 'deployments', summary: 'List deployments', status: 200, ok: { list: 'Deployment' } },
  { method: 'GET', path: `${V}/deployments/{id}`, tag: 'deployments', summary: 'Get a deployment with its computed fields', status: 200, ok: { schema: 'Deployment' }, errors: [404] },
  {
    method: 'PUT',
    path: `${V}/deployments/{id}`,
    tag: 'deployments',
    summary: 'Create a deployment (asynchronous: its create_deployment_environment execution)',
    query: [flag('async_create', 'Accepted; creation is always asynchronous')],
    body: { json: 'DeploymentRequest', required: true },
    status: 201,
    ok: { schema: 'Deployment' },
    errors: [400, 404, 409, 415],
  },
  {
    method: 'DELETE',
    path: `${V}/deployments/{id}`,
    tag: 'deployments',
    summary: 'Delete a deployment (400 dependent_exists_error while node instances are live, unless forced)',
    query: [flag('force', 'Delete even with live node instances'), flag('delete_logs', 'Accepted'), flag('recursive', 'Accepted')],
    status: 204,
    ok: 'empty',
    errors: [400, 404],
  },
  { method: 'GET', path: `${V}/deployments/{id}/outputs`, tag: 'deployments', summary: 'Outputs, evaluated now', status: 200, ok: 'object', errors: [404] },
  { method: 'GET', path: `${V}/deployments/{id}/capabilities`, tag: 'deployments', summary: 'Capabilities, evaluated now', status: 200, ok: 'object', errors: [400, 404] },
  // Host agents (docs/agent.md)
  { method: 'GET', path: `${V}/agents`, tag: 'agents', summary: 'List host agents (filters deployment_id, node_ids, node_instance_ids, install_methods, state)', status: 200, ok: { list: 'Object' } },
  { method: 'POST', path: `${V}/agents/{node_instance_id}/credentials`, tag: 'agents', summary: "Mint or rotate a Compute instance's agent token ({token, manager_url, ws_url, install_script_url})", status: 200, ok: 'object', errors: [400, 404] },
  { method: 'GET', path: `${V}/agents/package`, tag: 'agents', summary: 'The single-file agent bundle (Node.js; 302 to a presigned URL in AWS)', status: 200, ok: 'binary', errors: [404], open: true },
  { method: 'GET', path: `${V}/agents/install-script`, tag: 'agents', summary: 'POSIX sh script that downloads the agent bundle and runs it with $STRATUS_AGENT_TOKEN', status: 200, ok: 'binary', errors: [404], open: true },
  { method: 'DELETE', path: `${V}/agents/{node_instance_id}/credentials`, tag: 'agents', summary: "Revoke a host's agent token", status: 200, ok: 'object', errors: [404] },
  // Events and logs
  {
    method: 'GET',
    path: `${V}/events`,
    tag: 'events',
    summary: 'Search events and logs (filters type, deployment_id, execution_id, blueprint_id, node_id, node_instance_id, event_type, level, operation; _range=@timestamp,FROM,TO; _sort timestamp|@timestamp|reported_timestamp)',
    query: [text('message.text', 'Message substring, % = any run of characters'), text('_range', '@timestamp,FROM,TO (from inclusive, to exclusive)')],
    status: 200,
    ok: { list: 'Object' },
    errors: [400],
  },
  { method: 'POST', path: `${V}/events`, tag: 'events', summary: 'Report events and logs of an execution ({events, logs, execution_id})', body: { json: 'Object', required: true }, status: 201, ok: 'object', errors: [400, 404] },
  { method: 'GET', path: `${V}/nodes`, tag: 'nodes', summary: 'List nodes (filter deployment_id, id)', query: [flag('_evaluate_functions', 'Evaluate runtime functions in properties')], status: 200, ok: { list: 'Node' } },
  { method: 'GET', path: `${V}/node-instances`, tag: 'node-instances', summary: 'List node instances (filters deployment_id, node_id, state)', status: 200, ok: { list: 'NodeInstance' } },
  { method: 'GET', path: `${V}/node-instances/{id}`, tag: 'node-instances', summary: 'Get a node instance', query: [flag('_evaluate_functions', 'Evaluate functions in runtime properties')], status: 200, ok: { schema: 'NodeInstance' }, errors: [404] },
  {
    method: 'PATCH',
    path: `${V}/node-instances/{id}`,
    tag: 'node-instances',
    summary: 'Update a node instance with optimistic concurrency (409 conflict_error when the stored version is newer)',
    body: { json: 'NodeInstanceUpdate', required: true },
    status: 200,
    ok: { schema: 'NodeInstance' },
    errors: [400, 404, 409, 415],
  },

  // Executions
  { method: 'GET', path: `${V}/executions`, tag: 'executions', summary: 'List executions', query: [flag('_include_system_workflows', 'Also system workflows (default false)')], status: 200, ok: { list: 'Execution' } },
  { method: 'GET', path: `${V}/executions/{id}`, tag: 'executions', summary: 'Get an execution', status: 200, ok: { schema: 'Execution' }, errors: [404] },
  {
    method: 'POST',
    path: `${V}/executions`,
    tag: 'executions',
    summary: 'Start a workflow (deployment_environment_creation_* errors until the deployment is created)',
    body: { json: 'ExecutionRequest', required: true },
    status: 201,
    ok: { schema: 'Execution' },
    errors: [400, 404, 415],
  },
  {
    method: 'POST',
    path: `${V}/executions/{id}`,
    tag: 'executions',
    summary: 'Act on an execution: {"action": "cancel|force-cancel|kill|resume|force-resume|requeue"}',
    body: { json: 'Object', required: true },
    status: 200,
    ok: { schema: 'Execution' },
    errors: [400, 404, 409, 415],
  },
];
