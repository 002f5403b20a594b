/**
 * Workflow graph building benchmark: the pure builders (src/workflows) on the reference
 * deployment, 10 hosts x 100 apps (1,000 app instances + 10 hosts + 1 db + 1 lb), every app
 * contained in its host and connected to the db, the lb connected to every app, all operations
 * `stratus.ops.noop`. Measures install, uninstall, heal of one host and the dry-run listing, each
 * including the graph validation (cycle check) the builders run. Target: install < 100 ms.
 *
 *   npx tsx bench/workflows.ts
 *   BENCH_RUNS=21 npx tsx bench/workflows.ts
 */
import { memorySource, parse, prepareDeployment } from '../src/dsl';
import { buildHealGraph, buildInstallGraph, buildUninstallGraph, countOperations, describeGraph, type GraphDeployment, type WorkflowGraph } from '../src/workflows';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const WARMUP = 3;
const HOSTS = 10;
const APPS_PER_HOST = 100;

const lifecycle = '{create: stratus.ops.noop, configure: stratus.ops.noop, start: stratus.ops.noop, stop: stratus.ops.noop, delete: stratus.ops.noop}';
const BLUEPRINT = `tosca_definitions_version: cloudify_dsl_1_5
imports:
  - cloudify/types/types.yaml
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: ${HOSTS}}}}
    interfaces: {cloudify.interfaces.lifecycle: ${lifecycle}}
  db:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: ${lifecycle}}
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: ${APPS_PER_HOST}}}}
    interfaces: {cloudify.interfaces.lifecycle: ${lifecycle}}
    relationships:
      - type: cloudify.relationships.contained_in
        target: host
      - type: cloudify.relationships.connected_to
        target: db
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {preconfigure: stratus.ops.noop, unlink: stratus.ops.noop}}
        target_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: stratus.ops.noop}}
  lb:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: ${lifecycle}}
    relationships:
      - type: cloudify.relationships.connected_to
        target: app
        source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: stratus.ops.noop, unlink: stratus.ops.noop}}
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Wall time and the process's CPU time (all threads, GC included) of each run: on a machine shared
 * with other jobs the CPU time shows the work, the wall time what a caller waits.
 */
function measure(label: string, build: () => WorkflowGraph | unknown[]): void {
  const wall: number[] = [];
  const cpu: number[] = [];
  let result: WorkflowGraph | unknown[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const start = process.hrtime.bigint();
    const startCpu = process.cpuUsage();
    result = build();
    const used = process.cpuUsage(startCpu);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= WARMUP) {
      wall.push(ms);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  let detail = '';
  if (!Array.isArray(result)) {
    const g = result as WorkflowGraph;
    const edges = g.tasks.reduce((n, t) => n + t.dependencies.length, 0);
    detail = `${g.tasks.length} tasks, ${countOperations(g)} operations, ${edges} edges, ${(JSON.stringify(g).length / 1e6).toFixed(1)} MB as JSON`;
  } else detail = `${result.length} entries`;
  const fmt = (v: number) => v.toFixed(1).padStart(6);
  console.log(`${label.padEnd(34)} wall median ${fmt(median(wall))} ms, best ${fmt(Math.min(...wall))} ms; CPU median ${fmt(median(cpu))} ms  (${detail})`);
}

const plan = await parse('blueprint.yaml', { source: memorySource({ 'blueprint.yaml': BLUEPRINT }) });
const prepared = await prepareDeployment(plan, {});
const fresh: GraphDeployment = { nodes: prepared.nodes, instances: prepared.node_instances };
const started: GraphDeployment = { nodes: prepared.nodes, instances: prepared.node_instances.map((i) => ({ ...i, state: 'started' })) };
const oneHost = prepared.node_instances.find((i) => i.node_id === 'host')!.id;
console.log(`Deployment: ${fresh.instances.length} node instances (${HOSTS} hosts x ${APPS_PER_HOST} apps + db + lb). Node ${process.version}, ${RUNS} runs after ${WARMUP} warm-up.`);
measure('install graph', () => buildInstallGraph(fresh));
measure('uninstall graph', () => buildUninstallGraph(started));
measure('heal of one host (101 reinstalled)', () => buildHealGraph(started, { node_instance_id: oneHost }));
const install = buildInstallGraph(fresh);
measure('dry-run listing of the install', () => describeGraph(install));
