/**
 * DSL benchmark: parse + validate + plan (deployment preparation: inputs, plan-time functions,
 * node instances) of
 *   - a generated blueprint of T node templates and 10·T node instances (T = 250, 500, 1000),
 *     contained_in and connected_to mixed (all_to_all and all_to_one), with get_input,
 *     get_property and concat in properties and operation inputs;
 *   - the largest blueprint of the shared corpus (nodecellar auto-scale openstack.yaml), if present.
 * Prints the median and best wall time of each phase, the CPU time of a whole run, and the heap
 * the results retain, which should grow linearly with the size. Single-threaded (one core; pin it
 * with `taskset -c 0` to be sure).
 *
 *   npm run bench:dsl            (node --expose-gc --import tsx bench/dsl.ts)
 *   BENCH_RUNS=9 npm run bench:dsl
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { type Plan, memorySource, parse, prepareDeployment } from '../src/dsl';
import { CORPUS_ROOT, corpusAvailable, corpusPluginResolver, corpusSource } from '../test/conformance/corpus';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARMUP = 2;
const PER_TIER = 10; // templates per tier: 1 host + 9 applications
const HOSTS = 10; // instances of each host; every application has 1 per container

/** A blueprint of `tiers` tiers: host_t (Compute) and app_t_1..9 contained in the host or in each other, connected to the previous tier. */
export function generateBlueprint(tiers: number): string {
  const nodeTemplates: Record<string, unknown> = {};
  for (let t = 0; t < tiers; t++) {
    nodeTemplates[`host_${t}`] = {
      type: 'cloudify.nodes.Compute',
      properties: { ip: `10.0.${t % 256}.1`, agent_config: { install_method: 'none' } },
      capabilities: { scalable: { properties: { default_instances: { get_input: 'hosts' } } } },
    };
    for (let k = 1; k < PER_TIER; k++) {
      const relationships: unknown[] = [{ type: 'cloudify.relationships.contained_in', target: k <= 3 ? `host_${t}` : `app_${t}_${k - 3}` }];
      if (t > 0) {
        relationships.push({
          type: 'cloudify.relationships.connected_to',
          target: `app_${t - 1}_${k}`,
          properties: { connection_type: k % 2 === 1 ? 'all_to_one' : 'all_to_all' },
        });
      }
      nodeTemplates[`app_${t}_${k}`] = {
        type: 'bench.nodes.App',
        properties: {
          port: { get_input: 'port' },
          label: { concat: [`app_${t}_${k}@`, { get_property: [`host_${t}`, 'ip'] }] },
          settings: { retries: 3, tags: ['a', 'b', `tier-${t}`] },
        },
        interfaces: {
          'cloudify.interfaces.lifecycle': {
            start: { implementation: 'stratus.ops.noop', inputs: { where: { get_attribute: ['SELF', 'ip'] }, port: { get_property: ['SELF', 'port'] } } },
          },
        },
        relationships,
      };
    }
  }
  return stringify({
    tosca_definitions_version: 'cloudify_dsl_1_4',
    imports: ['cloudify/types/types.yaml'],
    inputs: { hosts: { type: 'integer', default: HOSTS }, port: { type: 'integer', default: 8080 } },
    node_types: {
      'bench.nodes.App': {
        derived_from: 'cloudify.nodes.ApplicationModule',
        properties: { port: { type: 'integer', default: 80 }, label: { type: 'string', default: '' }, settings: { default: {} } },
        interfaces: { 'cloudify.interfaces.lifecycle': { create: { implementation: 'stratus.ops.noop', inputs: { port: { default: { get_property: ['SELF', 'port'] } } } } } },
      },
    },
    node_templates: nodeTemplates,
    outputs: { first: { value: { concat: ['http://', { get_attribute: ['host_0', 'ip'] }, ':', { get_input: 'port' }] } } },
  });
}

interface Sample {
  parse: number;
  prepare: number;
  /** CPU time (user + system, all threads) of the whole run: less sensitive than wall time to a busy machine. */
  cpu: number;
  instances: number;
  templates: number;
}

async function once(load: () => Promise<Plan>): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const plan = await load();
  const t1 = performance.now();
  const deployment = await prepareDeployment(plan, {});
  const t2 = performance.now();
  const c = process.cpuUsage(c0);
  return { parse: t1 - t0, prepare: t2 - t1, cpu: (c.user + c.system) / 1000, instances: deployment.node_instances.length, templates: plan.nodes.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs: number[]) => Math.min(...xs);
const ms = (x: number) => `${x.toFixed(1)} ms`;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Heap retained by the parsed plan and the deployment plan together (needs --expose-gc). */
async function retainedHeap(load: () => Promise<Plan>): Promise<number | null> {
  if (!(globalThis as { gc?: () => void }).gc) return null;
  collect();
  const before = process.memoryUsage().heapUsed;
  const plan = await load();
  const deployment = await prepareDeployment(plan, {});
  collect();
  const after = process.memoryUsage().heapUsed;
  // Keep both alive until measured.
  if (deployment.node_instances.length < 0 || plan.nodes.length < 0) console.log('unreachable');
  return after - before;
}

async function measure(name: string, load: () => Promise<Plan>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await once(load);
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once(load));
  const total = samples.map((s) => s.parse + s.prepare);
  const heap = await retainedHeap(load);
  const { templates, instances } = samples[0];
  console.log(
    `${name.padEnd(34)} templates=${String(templates).padStart(5)} instances=${String(instances).padStart(6)}  ` +
      `parse+validate ${ms(median(samples.map((s) => s.parse)))}  plan ${ms(median(samples.map((s) => s.prepare)))}  ` +
      `total median ${ms(median(total))} best ${ms(best(total))}  cpu median ${ms(median(samples.map((s) => s.cpu)))}` +
      (heap === null ? '' : `  retained heap ${(Math.max(0, heap) / 1048576).toFixed(1)} MiB`),
  );
}

async function main(): Promise<void> {
  console.log(`DSL benchmark: node ${process.version}, ${RUNS} runs after ${WARMUP} warm-up runs, medians${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for heap figures)'}`);
  for (const tiers of [25, 50, 100]) {
    const files = { 'blueprint.yaml': generateBlueprint(tiers) };
    await measure(`generated ${tiers * PER_TIER} templates`, () => parse('blueprint.yaml', { source: memorySource(files) }));
  }
  if (corpusAvailable()) {
    const dir = path.join(CORPUS_ROOT, 'nodecellar-auto-scale-auto-heal-blueprint');
    await measure('corpus nodecellar openstack.yaml', () => parse('openstack.yaml', { source: corpusSource(dir), pluginResolver: corpusPluginResolver() }));
  } else {
    console.log('corpus: skipped (../shared/corpus is absent)');
  }
}

// Run when executed (the generator may also be imported, e.g. to profile).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
