/**
 * Corpus conformance (../shared/corpus/INDEX.md §B): every valid blueprint parses, validates and
 * plans with the node-instance counts INDEX.md records (or, where it records none, the counts the
 * blueprint's own text implies: one instance per node, contained nodes once per container).
 * Skipped when the corpus is absent.
 */
import { describe, expect, it } from '@jest/globals';
import * as path from 'node:path';
import { type DeploymentPlan, type Dict, type PlannedNodeInstance, UnknownInputError, directorySource, parse, prepareDeployment } from '../../src/dsl';
import { CORPUS_ROOT, corpusAvailable, corpusPluginResolver, corpusSource } from './corpus';

interface Case {
  file: string;
  /** Instances per node. */
  counts: Record<string, number>;
  inputs?: Dict;
  check?: (d: DeploymentPlan) => void;
}

const of = (d: DeploymentPlan, node: string): PlannedNodeInstance[] => d.node_instances.filter((i) => i.node_id === node);
const DSL = 'cloudify-manager/tests/integration_tests/resources/dsl';

const CASES: Case[] = [
  {
    file: 'cloudify-hello-world-example/singlehost-blueprint.yaml',
    counts: { vm: 1, http_web_server: 1 },
    inputs: { server_ip: '10.0.0.2', agent_user: 'centos', agent_private_key_path: '/root/.ssh/key.pem' },
    check: (d) => {
      const [vm] = of(d, 'vm');
      expect(of(d, 'http_web_server')[0].host_id).toBe(vm.id);
    },
  },
  { file: 'blueprint-examples/simple-hello-world-example/blueprint.yaml', counts: { http_web_server: 1 } },
  { file: 'blueprint-examples/script-example.yaml', counts: { manager_script: 1 } },
  { file: 'blueprint-examples/introduction-to-blueprints/ex1-input-output-blueprint.yaml', counts: { MyResource: 1 } },
  { file: 'blueprint-examples/introduction-to-blueprints/ex2-node-type-blueprint.yaml', counts: { http_web_server: 1 } },
  { file: 'blueprint-examples/introduction-to-blueprints/ex3-relationship-blueprint.yaml', counts: { http_web_server: 1, web_app: 1 } },
  { file: 'blueprint-examples/introduction-to-blueprints/ex4-nested-blueprint.yaml', counts: { WebServiceComponent: 1, Certificate: 1 } },
  { file: 'blueprint-examples/introduction-to-blueprints/gen-ssh-cert-service-component/blueprint.yaml', counts: { ssh_key: 1 } },
  {
    file: 'cloudify-nodecellar-example/local-blueprint.yaml',
    counts: { nodecellar: 1, mongod: 1, nodejs: 1, host: 1 },
    check: (d) => {
      const [host] = of(d, 'host');
      for (const i of d.node_instances) expect(i.host_id).toBe(host.id);
    },
  },
  {
    file: 'nodecellar-auto-scale-auto-heal-blueprint/openstack.yaml',
    counts: {},
    check: (d) => {
      expect(d.node_instances).toHaveLength(21);
      // contained members of the scaling group are dropped from it; what stays scales as one
      const group = d.scaling_groups.nodejs_host_scale_group;
      expect(group).toBeDefined();
      for (const i of of(d, 'scaling_group')) expect(i.scaling_groups.map((g) => g.name)).toEqual(['nodejs_host_scale_group']);
      for (const i of of(d, 'nodejs_host')) expect(i.scaling_groups).toEqual([]);
    },
  },
  {
    file: `${DSL}/scale_groups.yaml`,
    counts: { compute: 1, webserver: 1, db: 1 },
    check: (d) => {
      const [compute] = of(d, 'compute');
      const [db] = of(d, 'db');
      expect(compute.scaling_groups.map((g) => g.name)).toEqual(['group1']);
      expect(db.scaling_groups).toEqual(compute.scaling_groups);
    },
  },
  {
    file: `${DSL}/multi_instance.yaml`,
    counts: { host: 2, app_module: 2 },
    check: (d) => {
      const hosts = new Set(of(d, 'host').map((h) => h.id));
      expect(new Set(of(d, 'app_module').map((a) => a.host_id))).toEqual(hosts);
    },
  },
  { file: `${DSL}/test_script_mapping.yaml`, counts: { node: 1 } },
  { file: `${DSL}/custom_workflow_with_intrinsic_fn.yaml`, counts: { test_node: 1 }, inputs: { a_blueprint_id: 'bp', a_secret_key: 'key', a_string: 'text' } },
  { file: `${DSL}/get_attributes.yaml`, counts: { node1: 1, node2: 1 } },
  { file: `${DSL}/basic_get_secret.yaml`, counts: { host: 1 } },
  { file: `${DSL}/capability_from_attribute.yaml`, counts: { node1: 1 } },
  {
    file: 'cloudify-common/cloudify/tests/resources/blueprints/test-relationship-order-blueprint.yaml',
    counts: { main: 1, node1: 1, node2: 1, main_compute: 1, node4: 1, node5: 1, depends: 1 },
    check: (d) => {
      // contained_in keeps its declared (third) place
      expect(of(d, 'main')[0].relationships.map((r) => r.target_name)).toEqual(['node1', 'node2', 'main_compute', 'node4', 'node5']);
    },
  },
  {
    file: 'cloudify-common/cloudify/tests/resources/blueprints/get_attribute_multi_instance.yaml',
    counts: { node1: 2, node2: 2 },
    check: (d) => {
      const groupIds = new Set(d.node_instances.map((i) => i.scaling_groups[0].id));
      expect(groupIds.size).toBe(2);
      const byId = new Map(d.node_instances.map((i) => [i.id, i]));
      for (const n1 of of(d, 'node1')) {
        expect(n1.relationships).toHaveLength(1);
        expect(byId.get(n1.relationships[0].target_id)!.scaling_groups[0].id).toBe(n1.scaling_groups[0].id);
      }
    },
  },
  { file: 'cloudify-common/script_runner/tests/blueprint/blueprint.yaml', counts: { test: 1 }, inputs: { script_path: 'script.py', script_source: 'x', process: {} } },
];

async function plan(file: string, inputs: Dict = {}): Promise<DeploymentPlan> {
  const full = path.join(CORPUS_ROOT, file);
  const parsed = await parse(path.basename(full), { source: corpusSource(path.dirname(full)), pluginResolver: corpusPluginResolver() });
  return prepareDeployment(parsed, inputs);
}

const available = corpusAvailable();
if (!available) console.log(`Corpus conformance skipped: ${CORPUS_ROOT} is absent`);
const suite = available ? describe : describe.skip;

suite('corpus blueprints (INDEX.md §B) plan', () => {
  it.each(CASES.map((c) => [c.file, c] as const))('%s', async (_file, c) => {
    const d = await plan(c.file, c.inputs);
    for (const [node, count] of Object.entries(c.counts)) expect([node, of(d, node).length]).toEqual([node, count]);
    if (Object.keys(c.counts).length > 0) expect(d.node_instances).toHaveLength(Object.values(c.counts).reduce((a, b) => a + b, 0));
    const ids = d.node_instances.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const i of d.node_instances) expect(i.id).toMatch(new RegExp(`^${i.node_id}_[a-z0-9]{6}$`));
    c.check?.(d);
  });

  it('rejects get_input of an unknown input (INDEX.md §D) with UnknownInputError', async () => {
    const file = 'cloudify-common/dsl_parser/tests/extracted-invalid/get_input_unknown_input.yaml';
    const full = path.join(CORPUS_ROOT, file);
    await expect(parse(path.basename(full), { source: directorySource(path.dirname(full)) })).rejects.toThrow(UnknownInputError);
  });
});
