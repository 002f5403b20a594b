import type { Dict } from '../plan';
import type { Features } from './generations';

function noOps(...names: string[]): Dict {
  return Object.fromEntries(names.map((n) => [n, {}]));
}

function central(implementation: string, inputs?: Dict): Dict {
  return inputs ? { implementation, executor: 'central_deployment_agent', inputs } : { implementation, executor: 'central_deployment_agent' };
}

function onHost(implementation: string): Dict {
  return { implementation, executor: 'host_agent' };
}

function lifecycleOps(f: Features): string[] {
  if (!f.prePostOps) return ['create', 'configure', 'start', 'stop', 'delete'];
  const ops = ['precreate', 'create', 'configure', 'start', 'poststart', 'prestop', 'stop', 'delete', 'postdelete'];
  if (f.modern) {
    ops.push('preupdate', 'update', 'postupdate', 'update_config', 'update_apply', 'update_postapply', 'preheal', 'heal', 'postheal', 'pull', 'check_drift');
  }
  return ops;
}

function validationOps(f: Features): string[] {
  if (!f.prePostOps) return ['creation', 'deletion'];
  return f.modern ? ['create', 'delete', 'check_status', 'creation', 'deletion'] : ['create', 'delete', 'creation', 'deletion'];
}

function root(f: Features): Dict {
  const type: Dict = {
    interfaces: {
      'cloudify.interfaces.lifecycle': noOps(...lifecycleOps(f)),
      'cloudify.interfaces.validation': noOps(...validationOps(f)),
      'cloudify.interfaces.monitoring': noOps('start', 'stop'),
    },
  };
  if (f.modern) {
    type.properties = {
      use_external_resource: {
        description: 'True when the resource already exists and is only used, not created.',
        type: 'boolean',
        default: false,
      },
      resource_id: { description: 'Identifies the existing resource when use_external_resource is true.', required: false },
    };
  }
  return type;
}

const AGENT = 'agent.cloudify_agent';

function compute(): Dict {
  return {
    derived_from: 'cloudify.nodes.Root',
    properties: {
      ip: { default: '' },
      os_family: { description: 'Operating system family of the host (linux, windows).', default: 'linux' },
      agent_config: {
        type: 'cloudify.datatypes.AgentConfig',
        default: { install_method: 'remote', port: 22, network: 'default' },
      },
      // Deprecated, kept for old blueprints.
      install_agent: { default: '' },
      cloudify_agent: { default: {} },
    },
    interfaces: {
      'cloudify.interfaces.cloudify_agent': {
        create: central(`${AGENT}.installer.operations.create`),
        configure: central(`${AGENT}.installer.operations.configure`),
        start: central(`${AGENT}.installer.operations.start`),
        stop: central(`${AGENT}.installer.operations.stop`),
        stop_amqp: onHost(`${AGENT}.operations.stop`),
        delete: central(`${AGENT}.installer.operations.delete`),
        restart: central(`${AGENT}.installer.operations.restart`),
        restart_amqp: onHost(`${AGENT}.operations.restart`),
        install_plugins: onHost(`${AGENT}.operations.install_plugins`),
        uninstall_plugins: onHost(`${AGENT}.operations.uninstall_plugins`),
        create_amqp: central(`${AGENT}.operations.create_agent_amqp`, {
          install_agent_timeout: { default: 300 },
          manager_ip: { description: 'Private IP of the new manager', default: '' },
          manager_certificate: { description: 'CA certificate of the new manager', default: '' },
          stop_old_agent: { description: 'Stop the old agent once the new one runs', default: false },
        }),
        validate_amqp: central(`${AGENT}.operations.validate_agent_amqp`, { validate_agent_timeout: { default: 20 } }),
      },
      // Deprecated.
      'cloudify.interfaces.host': noOps('get_state'),
      'cloudify.interfaces.monitoring_agent': noOps('install', 'start', 'stop', 'uninstall'),
    },
  };
}

function derived(parent: string, extra: Dict = {}): Dict {
  return { derived_from: parent, ...extra };
}

const EXT = 'cfy_extensions.cloudify_types';

function component(f: Features): Dict {
  const lifecycle: Dict = {
    create: { implementation: `${EXT}.component.upload_blueprint` },
    configure: { implementation: `${EXT}.component.create` },
    start: {
      implementation: `${EXT}.component.execute_start`,
      inputs: {
        workflow_id: { type: 'string', default: 'install' },
        timeout: { description: 'Seconds to wait for the execution to finish.', type: 'integer', default: 1800 },
        interval: { description: 'Polling interval (seconds).', type: 'integer', default: f.modern ? 1 : 10 },
      },
    },
    stop: {
      implementation: `${EXT}.component.execute_start`,
      inputs: {
        workflow_id: { default: 'uninstall' },
        resource_config: {
          default: {
            blueprint: { get_property: ['SELF', 'resource_config', 'blueprint'] },
            deployment: { get_property: ['SELF', 'resource_config', 'deployment'] },
            executions_start_args: { allow_custom_parameters: true },
          },
        },
      },
    },
    delete: { implementation: `${EXT}.component.delete` },
  };
  const interfaces: Dict = { 'cloudify.interfaces.lifecycle': lifecycle };
  if (f.modern) lifecycle.refresh = { implementation: `${EXT}.component.refresh` };
  if (f.v14) {
    lifecycle.check_drift = { implementation: `${EXT}.component.check_drift` };
    lifecycle.heal = { implementation: `${EXT}.component.heal` };
    lifecycle.update = { implementation: `${EXT}.component.update` };
    interfaces['cloudify.interfaces.validation'] = { check_status: { implementation: `${EXT}.component.check_status` } };
  }
  return {
    derived_from: 'cloudify.nodes.Root',
    properties: {
      resource_config: { type: 'cloudify.datatypes.Component', default: {} },
      client: { description: 'Manager client settings; empty means this manager.', type: 'cloudify.datatypes.RemoteCloudifyManagerClient', default: {} },
      plugins: { description: 'Plugins to upload: {name: {wagon_path, plugin_yaml_path}}.', type: 'dict', default: {} },
      secrets: { description: 'Secrets to create before deploying: {name: value}.', type: 'dict', default: {} },
    },
    interfaces,
  };
}

function sharedResource(f: Features): Dict {
  const lifecycle: Dict = { create: { implementation: `${EXT}.shared_resource.connect_deployment` } };
  const interfaces: Dict = { 'cloudify.interfaces.lifecycle': lifecycle };
  if (f.modern) {
    lifecycle.delete = { implementation: `${EXT}.shared_resource.disconnect_deployment` };
    lifecycle.refresh = { implementation: `${EXT}.shared_resource.refresh` };
  }
  if (f.v14) {
    lifecycle.check_drift = { implementation: `${EXT}.shared_resource.check_drift` };
    interfaces['cloudify.interfaces.validation'] = { check_status: { implementation: `${EXT}.shared_resource.check_status` } };
  }
  return {
    derived_from: 'cloudify.nodes.Root',
    properties: {
      resource_config: { type: 'cloudify.datatypes.SharedResource', default: {} },
      client: { description: 'Manager client settings; empty means this manager.', type: 'cloudify.datatypes.RemoteCloudifyManagerClient', default: {} },
    },
    interfaces,
  };
}

function blueprintNode(): Dict {
  return {
    derived_from: 'cloudify.nodes.Root',
    properties: {
      resource_config: { type: 'cloudify.datatypes.Blueprint', default: {} },
      client: { description: 'Manager client settings; empty means this manager.', type: 'cloudify.datatypes.RemoteCloudifyManagerClient', default: {} },
      plugins: { description: 'Plugins to upload.', type: 'dict', default: {} },
      secrets: { description: 'Secrets to create.', type: 'dict', default: {} },
    },
    interfaces: {
      'cloudify.interfaces.lifecycle': {
        create: { implementation: `${EXT}.blueprint.upload` },
        delete: { implementation: `${EXT}.blueprint.delete` },
      },
    },
  };
}

function passwordSecret(): Dict {
  const count = (description: string, value: number): Dict => ({ description, type: 'integer', default: value });
  return {
    derived_from: 'cloudify.nodes.Root',
    properties: {
      length: count('Length of the password in characters.', 8),
      uppercase: count('Minimum number of uppercase characters (-1: none).', 0),
      lowercase: count('Minimum number of lowercase characters (-1: none).', 0),
      digits: count('Minimum number of digits (-1: none).', 0),
      symbols: count('Minimum number of symbols (-1: none).', 0),
      secret_name: { description: 'Secret that stores the password.', type: 'string', required: false },
      use_secret_if_exists: { description: 'Reuse the secret named secret_name when it exists.', type: 'boolean', default: false },
    },
    interfaces: {
      'cloudify.interfaces.lifecycle': {
        create: { implementation: `${EXT}.password_secret.create` },
        delete: { implementation: `${EXT}.password_secret.delete` },
      },
      'cloudify.interfaces.validation': { create: { implementation: `${EXT}.password_secret.creation_validation` } },
    },
  };
}

export function nodeTypes(f: Features): Dict {
  const types: Dict = {
    'cloudify.nodes.Root': root(f),
    'cloudify.nodes.Compute': compute(),
    'cloudify.nodes.Container': derived('cloudify.nodes.Compute'),
    'cloudify.nodes.Tier': derived('cloudify.nodes.Root'),
    'cloudify.nodes.Volume': derived('cloudify.nodes.Root'),
    'cloudify.nodes.FileSystem': derived('cloudify.nodes.Root', {
      properties: {
        use_external_resource: { description: 'Use an already formatted volume.', type: 'boolean', default: false },
        partition_type: { description: 'Partition type (83: Linux native).', type: 'integer', default: 83 },
        fs_type: { description: 'File system type: ext2, ext3, ext4, fat, ntfs or swap.', type: 'string' },
        fs_mount_path: { description: 'Mount point.', type: 'string' },
      },
      interfaces: {
        'cloudify.interfaces.lifecycle': {
          configure: {
            implementation: 'script.script_runner.tasks.run',
            inputs: { script_path: { default: 'file:///opt/manager/resources/cloudify/fs/mkfs.sh' } },
          },
        },
      },
    }),
    'cloudify.nodes.ObjectStorage': derived('cloudify.nodes.Root'),
    'cloudify.nodes.Network': derived('cloudify.nodes.Root'),
    'cloudify.nodes.Subnet': derived('cloudify.nodes.Root'),
    'cloudify.nodes.Port': derived('cloudify.nodes.Root'),
    'cloudify.nodes.Router': derived('cloudify.nodes.Root'),
    'cloudify.nodes.LoadBalancer': derived('cloudify.nodes.Root'),
    'cloudify.nodes.VirtualIP': derived('cloudify.nodes.Root'),
    'cloudify.nodes.SecurityGroup': derived('cloudify.nodes.Root'),
    'cloudify.nodes.SoftwareComponent': derived('cloudify.nodes.Root'),
    'cloudify.nodes.DBMS': derived('cloudify.nodes.SoftwareComponent'),
    'cloudify.nodes.Database': derived('cloudify.nodes.Root'),
    'cloudify.nodes.WebServer': derived('cloudify.nodes.SoftwareComponent', { properties: { port: { default: 80 } } }),
    'cloudify.nodes.ApplicationServer': derived('cloudify.nodes.SoftwareComponent'),
    'cloudify.nodes.MessageBusServer': derived('cloudify.nodes.SoftwareComponent'),
    'cloudify.nodes.ApplicationModule': derived('cloudify.nodes.Root'),
    'cloudify.nodes.CloudifyManager': derived('cloudify.nodes.SoftwareComponent', {
      properties: {
        cloudify: {
          description: 'Manager configuration',
          default: {
            resources_prefix: '',
            cloudify_agent: { min_workers: 2, max_workers: 5, remote_execution_port: 22, user: 'ubuntu' },
            workflows: { task_retries: -1, task_retry_interval: 30 },
            policy_engine: { start_timeout: 30 },
          },
        },
        cloudify_packages: { description: 'Links to manager packages' },
      },
    }),
  };
  if (f.prePostOps) {
    types['cloudify.nodes.Component'] = component(f);
    types['cloudify.nodes.ServiceComponent'] = derived('cloudify.nodes.Component');
    types['cloudify.nodes.SharedResource'] = sharedResource(f);
  }
  if (f.modern) types['cloudify.nodes.Blueprint'] = blueprintNode();
  if (f.v14) types['cloudify.nodes.PasswordSecret'] = passwordSecret();
  return types;
}
