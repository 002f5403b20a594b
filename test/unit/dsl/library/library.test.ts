import { describe, expect, it } from '@jest/globals';
import { generationForDsl, generationForManagerVersion, isLibraryValue, typesDocument } from '../../../../src/dsl/library';
import type { Dict } from '../../../../src/dsl/plan';

const d = (v: unknown) => v as Dict;

describe('built-in type library', () => {
  it('chooses generations by DSL version and by manager version', () => {
    expect(generationForDsl('cloudify_dsl_1_5')).toBe('1_5');
    expect(generationForDsl('cloudify_dsl_1_4')).toBe('1_4');
    expect(generationForDsl('cloudify_dsl_1_0')).toBe('1_3');
    expect(generationForManagerVersion('3.4.2', 'cloudify_dsl_1_3')).toBe('4.x');
    expect(generationForManagerVersion('4.5.5', 'cloudify_dsl_1_3')).toBe('4.x');
    expect(generationForManagerVersion('5.0.5', 'cloudify_dsl_1_3')).toBe('5.x');
    expect(generationForManagerVersion('6.3.1', 'cloudify_dsl_1_4')).toBe('5.x');
    expect(generationForManagerVersion('6.4.0', 'cloudify_dsl_1_4')).toBe('1_4');
    expect(generationForManagerVersion('7.1.0.dev1', 'cloudify_dsl_1_4')).toBe('1_4');
    expect(generationForManagerVersion('7.1.0.dev1', 'cloudify_dsl_1_5')).toBe('1_5');
  });

  it('4.x lifecycle has only create/configure/start/stop/delete; 5.x adds pre/post and validation create/delete', () => {
    const lifecycle = (g: '4.x' | '5.x' | '1_5') => Object.keys(d(d(d(typesDocument(g).node_types)['cloudify.nodes.Root']).interfaces)['cloudify.interfaces.lifecycle'] as Dict);
    expect(lifecycle('4.x')).toEqual(['create', 'configure', 'start', 'stop', 'delete']);
    expect(lifecycle('5.x')).toEqual(['precreate', 'create', 'configure', 'start', 'poststart', 'prestop', 'stop', 'delete', 'postdelete']);
    expect(lifecycle('1_5')).toEqual(expect.arrayContaining(['preheal', 'heal', 'postheal', 'update', 'pull', 'check_drift']));
    const validation = (g: '4.x' | '5.x') => Object.keys(d(d(d(typesDocument(g).node_types)['cloudify.nodes.Root']).interfaces)['cloudify.interfaces.validation'] as Dict);
    expect(validation('4.x')).toEqual(['creation', 'deletion']);
    expect(validation('5.x')).toEqual(['create', 'delete', 'creation', 'deletion']);
  });

  it('6.4+ generations give Root use_external_resource and resource_id', () => {
    expect(d(d(typesDocument('1_3').node_types)['cloudify.nodes.Root']).properties).toMatchObject({ use_external_resource: { type: 'boolean', default: false }, resource_id: { required: false } });
    expect(d(d(typesDocument('5.x').node_types)['cloudify.nodes.Root']).properties).toBeUndefined();
  });

  it('declares the Cloudify node types, relationships, data types and plugins, plus stratus', () => {
    const doc = typesDocument('1_5');
    for (const t of ['Root', 'Compute', 'Container', 'Tier', 'Volume', 'FileSystem', 'ObjectStorage', 'Network', 'Subnet', 'Port', 'Router', 'LoadBalancer', 'VirtualIP', 'SecurityGroup', 'SoftwareComponent', 'DBMS', 'Database', 'WebServer', 'ApplicationServer', 'MessageBusServer', 'ApplicationModule', 'CloudifyManager', 'Component', 'ServiceComponent', 'SharedResource', 'Blueprint', 'PasswordSecret']) {
      expect(d(doc.node_types)).toHaveProperty([`cloudify.nodes.${t}`]);
    }
    expect(Object.keys(d(doc.relationships))).toEqual([
      'cloudify.relationships.depends_on',
      'cloudify.relationships.connected_to',
      'cloudify.relationships.contained_in',
      'cloudify.relationships.depends_on_lifecycle_operation',
      'cloudify.relationships.depends_on_shared_resource',
      'cloudify.relationships.connected_to_shared_resource',
      'cloudify.relationships.file_system_depends_on_volume',
      'cloudify.relationships.file_system_contained_in_compute',
    ]);
    expect(d(doc.plugins)).toEqual({
      cfy_extensions: { executor: 'central_deployment_agent', install: false },
      agent: { executor: 'central_deployment_agent', install: false },
      default_workflows: { executor: 'central_deployment_agent', install: false },
      script: { executor: 'host_agent', install: false },
      stratus: { executor: 'central_deployment_agent', install: false },
    });
    expect(d(d(doc.data_types)['cloudify.datatypes.AgentConfig']).properties).toHaveProperty('install_method', expect.objectContaining({ required: true }));
    const compute = d(d(doc.node_types)['cloudify.nodes.Compute']);
    expect(Object.keys(d(compute.interfaces))).toEqual(['cloudify.interfaces.cloudify_agent', 'cloudify.interfaces.host', 'cloudify.interfaces.monitoring_agent']);
    expect(d(d(compute.properties).agent_config).default).toEqual({ install_method: 'remote', port: 22, network: 'default' });
  });

  it('has the built-in workflows with their parameters and defaults', () => {
    const wf = d(typesDocument('1_5').workflows);
    expect(Object.keys(wf)).toEqual(['install', 'check_status', 'check_drift', 'uninstall', 'reinstall', 'start', 'stop', 'restart', 'execute_operation', 'heal', 'scale', 'install_new_agents', 'validate_agents', 'rollback', 'pull']);
    expect(d(wf.heal)).toMatchObject({
      mapping: 'default_workflows.cloudify.plugins.workflows.auto_heal_reinstall_node_subgraph',
      parameters: { ignore_failure: { default: true }, check_status: { default: true }, allow_reinstall: { default: true }, force_reinstall: { default: false } },
    });
    expect(d(wf.scale)).toMatchObject({ parameters: { delta: { default: 1, type: 'integer' }, scale_compute: { default: false }, rollback_if_failed: { default: true } } });
    expect(d(wf.install)).toMatchObject({ availability_rules: { node_instances_active: ['none', 'partial'] } });
    expect(Object.keys(d(typesDocument('4.x').workflows))).toEqual(['install', 'update', 'uninstall', 'start', 'stop', 'restart', 'execute_operation', 'heal', 'scale', 'install_new_agents', 'validate_agents']);
    expect(d(typesDocument('4.x').workflows).install).toBe('default_workflows.cloudify.plugins.workflows.install');
  });

  it('has the monitoring policy types and the execute_workflow trigger', () => {
    const doc = typesDocument('1_4');
    expect(Object.keys(d(doc.policy_types))).toEqual(['cloudify.policies.types.host_failure', 'cloudify.policies.types.threshold', 'cloudify.policies.types.ewma_stabilized']);
    expect(d(d(doc.policy_types)['cloudify.policies.types.ewma_stabilized']).properties).toHaveProperty('ewma_timeless_r');
    expect(Object.keys(d(doc.policy_triggers))).toEqual(['cloudify.policies.triggers.execute_workflow']);
  });

  it('is built once, frozen and recognisable as library values', () => {
    const doc = typesDocument('1_4');
    expect(typesDocument('1_4')).toBe(doc);
    expect(Object.isFrozen(doc.node_types)).toBe(true);
    expect(isLibraryValue(doc.node_types)).toBe(true);
    expect(isLibraryValue({})).toBe(false);
  });
});
