import type { Dict } from '../plan';
import type { Features } from './generations';

function optional(type: string | null, description: string): Dict {
  return type ? { description, type, required: false } : { description, required: false };
}

function agentConfig(f: Features): Dict {
  const properties: Dict = {
    install_method: {
      description: 'How the agent is installed: none, remote, init_script, plugin or provided.',
      type: 'string',
      required: true,
    },
    service_name: optional('string', 'Name of the agent service.'),
    network: optional('string', 'Manager network the agent connects to (default: "default").'),
    user: optional('string', 'User the agent is installed for.'),
    key: optional('string', 'Private key used to reach the host over SSH.'),
    password: optional('string', 'Password used to reach the host (SSH or WinRM).'),
    port: optional('integer', 'SSH / WinRM port (22 / 5985 by default).'),
    process_management: optional(null, 'Process management settings (dict).'),
    min_workers: optional('integer', 'Minimum number of agent workers.'),
    max_workers: optional('integer', 'Maximum number of agent workers.'),
    heartbeat: optional(null, 'Heartbeat interval in seconds.'),
    disable_requiretty: optional('boolean', 'Disable requiretty in sudoers (linux).'),
    env: optional(null, 'Environment variables of the agent process (dict).'),
    extra: optional(null, 'Additional low-level settings (dict).'),
  };
  if (f.prePostOps) {
    properties.executable_temp_path = optional('string', 'Directory for temporary executables.');
    properties.log_level = optional('string', 'Agent log level: critical, error, warning, info, debug.');
    properties.log_max_bytes = optional('integer', 'Log file size before rotation.');
    properties.log_max_history = optional('integer', 'Rotated log files to keep.');
  }
  return { description: 'Agent configuration of a host.', properties };
}

export function dataTypes(f: Features): Dict {
  const types: Dict = { 'cloudify.datatypes.AgentConfig': agentConfig(f) };
  if (!f.prePostOps) return types;
  const blueprintId = f.v14 ? 'blueprint_id' : 'string';
  const deploymentId = f.v14 ? 'deployment_id' : 'string';
  const labels: Dict = f.modern ? { labels: optional('list', 'Labels to apply: a list of single-entry dicts.') } : {};
  types['cloudify.datatypes.Blueprint'] = {
    properties: {
      external_resource: { description: 'Use an existing blueprint.', type: 'boolean', default: false },
      id: optional(blueprintId, 'Blueprint the component uses.'),
      main_file_name: { description: 'Main file of the blueprint archive.', type: 'string', default: 'blueprint.yaml' },
      blueprint_archive: { description: 'URL of the blueprint archive to upload.', type: 'string', default: '', required: true },
      ...labels,
    },
  };
  types['cloudify.datatypes.ComponentDeployment'] = {
    properties: {
      ...((f.modern ? { external_resource: { description: 'Use an existing deployment.', type: 'boolean', default: false } } : {}) as Dict),
      id: optional(deploymentId, 'Deployment the component uses.'),
      inputs: { description: 'Deployment inputs.', type: 'dict', default: {} },
      logs: optional('boolean', 'Redirect the deployment logs and events (default true).'),
      auto_inc_suffix: optional('boolean', 'Add an auto-incremented suffix to the deployment id.'),
      ...labels,
    },
  };
  types['cloudify.datatypes.Component'] = {
    properties: {
      blueprint: { type: 'cloudify.datatypes.Blueprint', required: true },
      deployment: { type: 'cloudify.datatypes.ComponentDeployment', required: true },
      executions_start_args: { description: 'Parameters of the component executions.', type: 'dict', default: {} },
    },
  };
  const client: Dict = {};
  for (const [name, type, description] of [
    ['host', 'string', 'Manager host.'],
    ['port', 'integer', 'REST port.'],
    ['protocol', 'string', 'REST protocol (http by default).'],
    ['api_version', 'string', 'REST API version.'],
    ['headers', 'dict', 'Headers added to requests.'],
    ['query_params', 'dict', 'Query parameters added to requests.'],
    ['cert', 'string', "Path to the target manager's certificate."],
    ['trust_all', 'boolean', 'Skip certificate verification.'],
    ['username', 'string', 'User name.'],
    ['password', 'string', 'Password.'],
    ['token', 'string', 'Token.'],
    ['tenant', 'string', 'Tenant.'],
  ] as const) {
    client[name] = optional(type, description);
  }
  types['cloudify.datatypes.RemoteCloudifyManagerClient'] = { properties: client };
  types['cloudify.datatypes.SharedResourceDeployment'] = {
    properties: { id: { description: 'Deployment the shared resource connects to.', type: deploymentId, required: true } },
  };
  types['cloudify.datatypes.SharedResource'] = {
    properties: { deployment: { type: 'cloudify.datatypes.SharedResourceDeployment', required: true } },
  };
  return types;
}
