import type { Dict } from '../plan';
import type { Features } from './generations';

function relationshipLifecycle(f: Features): Dict {
  const ops = ['preconfigure', 'postconfigure', 'establish', 'unlink'];
  if (f.v14) ops.push('update', 'check_drift');
  else if (f.modern) ops.push('update_preconfigure', 'update_postconfigure', 'update_establish', 'check_drift');
  return { 'cloudify.interfaces.relationship_lifecycle': Object.fromEntries(ops.map((o) => [o, {}])) };
}

const EXT = 'cfy_extensions.cloudify_types';

function sharedResourceWorkflowOp(): Dict {
  return {
    implementation: `${EXT}.shared_resource.execute_workflow`,
    inputs: {
      workflow_id: { description: "Workflow to run in the shared resource's deployment.", type: 'string' },
      parameters: { description: 'Workflow parameters.', type: 'dict', default: {} },
      timeout: { description: 'Seconds to wait for the workflow.', type: 'integer', default: 10 },
    },
  };
}

function scriptOp(path: string, extra: Dict = {}): Dict {
  return { implementation: 'script.script_runner.tasks.run', inputs: { script_path: { default: path }, ...extra } };
}

export function relationshipTypes(f: Features): Dict {
  const types: Dict = {
    'cloudify.relationships.depends_on': {
      source_interfaces: relationshipLifecycle(f),
      target_interfaces: relationshipLifecycle(f),
      properties: { connection_type: { default: 'all_to_all' } },
    },
    'cloudify.relationships.connected_to': { derived_from: 'cloudify.relationships.depends_on' },
    'cloudify.relationships.contained_in': { derived_from: 'cloudify.relationships.depends_on' },
  };
  if (f.prePostOps) {
    types['cloudify.relationships.depends_on_lifecycle_operation'] = {
      derived_from: 'cloudify.relationships.depends_on',
      properties: { operation: { description: "The target's lifecycle operation to wait for.", type: 'string' } },
    };
    const shared = { 'cloudify.interfaces.relationship_lifecycle': { establish: sharedResourceWorkflowOp(), unlink: sharedResourceWorkflowOp() } };
    types['cloudify.relationships.depends_on_shared_resource'] = { derived_from: 'cloudify.relationships.depends_on', target_interfaces: shared };
    types['cloudify.relationships.connected_to_shared_resource'] = { derived_from: 'cloudify.relationships.connected_to', target_interfaces: shared };
  }
  types['cloudify.relationships.file_system_depends_on_volume'] = {
    derived_from: 'cloudify.relationships.depends_on',
    source_interfaces: {
      'cloudify.interfaces.relationship_lifecycle': {
        preconfigure: scriptOp('file:///opt/manager/resources/cloudify/fs/fdisk.sh', { device_name: { default: { get_attribute: ['TARGET', 'device_name'] } } }),
      },
    },
  };
  types['cloudify.relationships.file_system_contained_in_compute'] = {
    derived_from: 'cloudify.relationships.contained_in',
    source_interfaces: {
      'cloudify.interfaces.relationship_lifecycle': {
        establish: scriptOp('file:///opt/manager/resources/cloudify/fs/mount.sh'),
        unlink: scriptOp('file:///opt/manager/resources/cloudify/fs/unmount.sh'),
      },
    },
  };
  return types;
}
