/**
 * Corpus conformance of parsing and validation (../shared/corpus/INDEX.md): every valid blueprint
 * of §B parses into the plan Cloudify's parser produces on the points INDEX.md records, and every
 * invalid blueprint of §D fails with its expected error code. Skipped when the corpus is absent.
 */
import { describe, expect, it } from '@jest/globals';
import * as path from 'node:path';
import { DslError } from '../../src/dsl/errors';
import { parse } from '../../src/dsl';
import { directorySource, parseBlueprint } from '../../src/dsl/parse';
import type { Plan, PlanNode } from '../../src/dsl/plan';
import { CORPUS_ROOT, corpusAvailable, corpusPluginResolver, corpusSource } from './corpus';

function parseCorpus(file: string): Promise<Plan> {
  const full = path.join(CORPUS_ROOT, file);
  return parseBlueprint(path.basename(full), { source: corpusSource(path.dirname(full)), pluginResolver: corpusPluginResolver() });
}

const node = (plan: Plan, id: string): PlanNode => {
  const found = plan.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};

const DSL = 'cloudify-manager/tests/integration_tests/resources/dsl';

/** INDEX.md §B, with what each one exercises checked on the plan. */
const VALID: [string, (plan: Plan) => void][] = [
  [
    'cloudify-hello-world-example/singlehost-blueprint.yaml',
    (plan) => {
      expect(plan.tosca_definitions_version).toBe('cloudify_dsl_1_4');
      expect(node(plan, 'http_web_server').host_id).toBe('vm');
      // script-plugin short form; script ops get executor auto
      expect(node(plan, 'http_web_server').operations['cloudify.interfaces.lifecycle.configure']).toMatchObject({
        plugin: 'script',
        operation: 'script_runner.tasks.run',
        executor: 'auto',
        inputs: { script_path: 'scripts/configure.sh' },
      });
      expect(node(plan, 'vm').properties.agent_config).toMatchObject({ user: { get_input: 'agent_user' }, install_method: 'remote' });
      expect(plan.outputs.http_endpoint!.value).toEqual({ concat: ['http://', { get_property: ['vm', 'ip'] }, ':', { get_property: ['http_web_server', 'port'] }] });
    },
  ],
  [
    'blueprint-examples/simple-hello-world-example/blueprint.yaml',
    (plan) => {
      expect(node(plan, 'http_web_server').operations['cloudify.interfaces.lifecycle.create']).toMatchObject({ plugin: 'script', executor: 'central_deployment_agent', inputs: { script_path: 'install.py' } });
      expect(plan.inputs.webserver_port).toMatchObject({ display_label: 'Webserver Port', default: 8000 });
    },
  ],
  [
    'blueprint-examples/script-example.yaml',
    (plan) => {
      const create = node(plan, 'manager_script').operations['cloudify.interfaces.lifecycle.create']!;
      expect(create).toMatchObject({ plugin: 'script', operation: 'script_runner.tasks.run', executor: 'central_deployment_agent' });
      expect(String(create.inputs.script_source)).toMatch(/^from cloudify import ctx\n/);
    },
  ],
  ['blueprint-examples/introduction-to-blueprints/ex1-input-output-blueprint.yaml', (plan) => expect(plan.capabilities.hello!.value).toEqual({ get_input: 'hello' })],
  ['blueprint-examples/introduction-to-blueprints/ex2-node-type-blueprint.yaml', (plan) => expect(node(plan, 'http_web_server').operations['cloudify.interfaces.lifecycle.start']!.inputs).toEqual({ script_path: 'webserver/start.sh' })],
  [
    'blueprint-examples/introduction-to-blueprints/ex3-relationship-blueprint.yaml',
    (plan) => {
      const create = node(plan, 'web_app').operations['cloudify.interfaces.lifecycle.create']!;
      expect(create.has_intrinsic_functions).toBe(true);
      expect(create.inputs).toMatchObject({ app_path: { get_attribute: ['http_web_server', 'path'] }, app_git: { get_input: 'app_git' } });
      expect(node(plan, 'web_app').host_id).toBeNull();
    },
  ],
  [
    'blueprint-examples/introduction-to-blueprints/ex4-nested-blueprint.yaml',
    (plan) => {
      expect(plan.inputs.blueprint_archive!.hidden).toBe(true);
      expect(node(plan, 'Certificate').type_hierarchy).toEqual(['cloudify.nodes.Root', 'cloudify.nodes.Component', 'cloudify.nodes.ServiceComponent']);
      expect(node(plan, 'WebServiceComponent').properties.resource_config).toMatchObject({ blueprint: { id: 'ex3-relationship-blueprint', main_file_name: 'ex3-relationship-blueprint.yaml' } });
    },
  ],
  [
    'blueprint-examples/introduction-to-blueprints/gen-ssh-cert-service-component/blueprint.yaml',
    (plan) => {
      expect(node(plan, 'ssh_key').operations['cloudify.interfaces.lifecycle.create']).toMatchObject({ plugin: 'keys', operation: 'cloudify_ssh_key.operations.create' });
    },
  ],
  [
    'cloudify-nodecellar-example/local-blueprint.yaml',
    (plan) => {
      expect(plan.nodes.map((n) => n.host_id)).toEqual(['host', 'host', 'host', 'host']);
      const mongo = node(plan, 'nodecellar').relationships[0]!;
      expect(mongo.target_operations['cloudify.interfaces.relationship_lifecycle.postconfigure']).toMatchObject({
        plugin: 'script',
        inputs: { mongo_ip_address: '', script_path: 'scripts/mongo/set-mongo-url.sh' },
      });
    },
  ],
  [
    'nodecellar-auto-scale-auto-heal-blueprint/openstack.yaml',
    (plan) => {
      expect(plan.nodes).toHaveLength(21);
      expect(plan.scaling_groups.nodejs_host_scale_group!.members).toEqual(['scaling_group']);
      expect(plan.groups.heal_group!.policies.simple_autoheal_policy!.triggers.auto_heal_trigger!.parameters.workflow_parameters).toEqual({
        node_instance_id: { get_property: ['SELF', 'node_id'] },
        diagnose_value: { get_property: ['SELF', 'diagnose'] },
      });
      expect(plan.inputs.image!.default).toEqual({ get_secret: 'ubuntu_trusty_image' });
      expect(node(plan, 'nodejs_host').instances).toEqual({ deploy: 1 });
      // 4.5.5 types: lifecycle create..delete only
      expect(Object.keys(node(plan, 'haproxy').interfaces['cloudify.interfaces.lifecycle']!)).toEqual(['create', 'configure', 'start', 'stop', 'delete']);
      expect(node(plan, 'haproxy').operations['cloudify.interfaces.lifecycle.configure']!.inputs).toEqual({ invocation: { function: 'configure' }, script_path: 'scripts/haproxy/haproxy.py' });
    },
  ],
  [`${DSL}/scale_groups.yaml`, (plan) => expect(plan.scaling_groups.group1!.members).toEqual(['compute', 'db'])],
  [`${DSL}/multi_instance.yaml`, (plan) => expect(node(plan, 'host').capabilities.scalable.properties).toMatchObject({ default_instances: 2, current_instances: 2 })],
  [
    `${DSL}/test_script_mapping.yaml`,
    (plan) => {
      expect(node(plan, 'node').operations['test.op2']).toMatchObject({ plugin: 'script', inputs: { script_path: 'scripts/operations/op2.sh' } });
      expect(plan.workflows.workflow).toMatchObject({ plugin: 'script', operation: 'script_runner.tasks.execute_workflow', parameters: { script_path: { default: 'scripts/workflows/workflow.py' } } });
    },
  ],
  [
    `${DSL}/custom_workflow_with_intrinsic_fn.yaml`,
    (plan) => {
      expect(plan.workflows.test_parameters!.parameters).toMatchObject({
        secret: { type: 'string', default: { get_secret: { get_input: 'a_secret_key' } } },
        list_of_strings: { type: 'list', item_type: 'string' },
      });
    },
  ],
  [
    `${DSL}/get_attributes.yaml`,
    (plan) => {
      const rel = node(plan, 'node1').relationships[0]!;
      expect(rel.source_operations['cloudify.interfaces.relationship_lifecycle.establish']!.inputs).toEqual({ c: { get_attribute: ['SOURCE', 'c_prop'] }, d: { get_attribute: ['TARGET', 'd_prop'] } });
      expect(rel.target_operations.establish!.has_intrinsic_functions).toBe(true);
    },
  ],
  [`${DSL}/basic_get_secret.yaml`, (plan) => expect(node(plan, 'host').properties.port).toEqual({ get_secret: 'port' })],
  [`${DSL}/capability_from_attribute.yaml`, (plan) => expect(plan.capabilities.capability1!.value).toEqual({ get_attribute: ['node1', 'attribute1'] })],
  [
    'cloudify-common/cloudify/tests/resources/blueprints/test-relationship-order-blueprint.yaml',
    (plan) => {
      expect(node(plan, 'main').relationships.map((r) => r.target_id)).toEqual(['node1', 'node2', 'main_compute', 'node4', 'node5']);
      expect(node(plan, 'main').host_id).toBe('main_compute');
      // dsl_definitions anchor merged (<<) into the relationship types
      expect(node(plan, 'main').relationships[0]!.source_operations.establish).toMatchObject({ plugin: 'p', operation: 'cloudify.tests.test_builtin_workflows.source_operation' });
    },
  ],
  [
    'cloudify-common/cloudify/tests/resources/blueprints/get_attribute_multi_instance.yaml',
    (plan) => {
      expect(plan.scaling_groups.group).toMatchObject({ members: ['node1', 'node2'], properties: { default_instances: 2 } });
      expect(plan.workflows.run).toMatchObject({ plugin: 'p', operation: 'cloudify.tests.test_local_get_attribute.run_multi' });
    },
  ],
  [
    'cloudify-common/script_runner/tests/blueprint/blueprint.yaml',
    (plan) => {
      expect(plan.tosca_definitions_version).toBe('cloudify_dsl_1_0');
      expect(node(plan, 'test').operations['test.run']).toMatchObject({ plugin: 'script', operation: 'script_runner.tasks.run', executor: 'central_deployment_agent' });
      expect(plan.workflows.workflow_script!.parameters.script_path).toEqual({ default: 'workflow_script.py' });
    },
  ],
];

/** INDEX.md §D. */
const INVALID: [string, number][] = [
  ['no_type_definition.yaml', 7],
  ['type_derive_from_non_existing.yaml', 103],
  ['cyclic_type_inheritance.yaml', 100],
  ['explicit_interface_with_missing_plugin.yaml', 10],
  ['plugin_with_wrongful_executor.yaml', 18],
  ['operation_with_wrongful_executor.yaml', 28],
  ['workflow_mapping_no_plugin.yaml', 21],
  ['relationship_bad_target.yaml', 25],
  ['relationship_bad_type.yaml', 26],
  ['relationship_same_source_and_target.yaml', 23],
  ['host_agent_plugin_on_non_host_node.yaml', 24],
  ['node_set_non_existing_property.yaml', 106],
  ['node_missing_mandatory_property.yaml', 107],
  ['more_than_one_contained_in.yaml', 112],
  ['no_version_field.yaml', 27],
  ['unsupported_version.yaml', 29],
  ['instances_deploy_and_capabilities.yaml', 209],
  ['non_scaling_policy_type.yaml', 204],
  ['node_in_multiple_scaling_groups.yaml', 201],
];

const INVALID_DIR = path.join(CORPUS_ROOT, 'cloudify-common/dsl_parser/tests/extracted-invalid');

const available = corpusAvailable();
if (!available) console.log(`Corpus parse conformance skipped: ${CORPUS_ROOT} is absent`);
const suite = available ? describe : describe.skip;

suite('corpus blueprints (INDEX.md §B) parse', () => {
  it.each(VALID)('%s', async (file, check) => {
    check(await parseCorpus(file));
  });
});

suite('corpus invalid blueprints (INDEX.md §D) fail with their code', () => {
  it.each(INVALID)('%s -> %i', async (file, code) => {
    const err = await parseBlueprint(file, { source: directorySource(INVALID_DIR) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DslError);
    expect((err as DslError).code).toBe(code);
    expect((err as DslError).location?.file).toBe(file);
  });

  it('get_input_unknown_input.yaml -> UnknownInputError (through the facade: parse + function validation)', async () => {
    const parsed = await parseBlueprint('get_input_unknown_input.yaml', { source: directorySource(INVALID_DIR) });
    expect(parsed.nodes[0]!.properties.port).toEqual({ get_input: 'port' });
    await expect(parse('get_input_unknown_input.yaml', { source: directorySource(INVALID_DIR) })).rejects.toMatchObject({ name: 'UnknownInputError', code: null });
  });
});
