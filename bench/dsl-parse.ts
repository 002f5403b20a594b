/**
 * DSL parser benchmark (the parse + validate half of issue 3, without function validation and
 * instance planning, which bench/dsl.ts adds): median wall time of parseBlueprint on
 *   - generated blueprints of 250 / 500 / 1,000 / 2,000 node templates (contained_in and
 *     connected_to mixed, functions in properties and inputs, scripts),
 *   - the largest corpus blueprint (nodecellar auto-scale openstack.yaml, 3 plugin imports),
 * and how fast hostile files are rejected: a billion-laughs file and a file over the size cap.
 *
 *   node --import tsx bench/dsl-parse.ts            (BENCH_RUNS=15 for more runs)
 */
import * as path from 'node:path';
import { DslError } from '../src/dsl/errors';
import { memorySource, parseBlueprint } from '../src/dsl/parse';
import { stringify } from 'yaml';
import { CORPUS_ROOT, corpusAvailable, corpusPluginResolver, corpusSource } from '../test/conformance/corpus';

/**
 * `templates` node templates: one Compute per 10, the others contained in it (or in each other)
 * and connected to the previous group; properties and operation inputs with functions; a custom
 * type with a typed property schema and a script operation.
 */
function generateBlueprint(templates: number): string {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < templates; i++) {
    const group = Math.floor(i / 10);
    if (i % 10 === 0) {
      nodes[`vm_${group}`] = { type: 'cloudify.nodes.Compute', properties: { ip: { get_input: 'ip' }, agent_config: { install_method: 'none' } } };
      continue;
    }
    const relationships: unknown[] = [{ type: 'cloudify.relationships.contained_in', target: i % 10 < 4 ? `vm_${group}` : `svc_${i - 3}` }];
    if (group > 0) relationships.push({ type: 'cloudify.relationships.connected_to', target: `svc_${i - 10}` });
    nodes[`svc_${i}`] = {
      type: 'bench.Service',
      properties: { port: 8000 + (i % 100), name: { concat: ['svc-', i, '@', { get_property: [`vm_${group}`, 'ip'] }] } },
      interfaces: { 'cloudify.interfaces.lifecycle': { configure: { inputs: { where: { get_attribute: ['SELF', 'ip'] } } }, start: 'stratus.ops.noop' } },
      relationships,
    };
  }
  return stringify({
    tosca_definitions_version: 'cloudify_dsl_1_4',
    imports: ['cloudify/types/types.yaml'],
    inputs: { ip: { type: 'string', default: '10.0.0.1' } },
    node_types: {
      'bench.Service': {
        derived_from: 'cloudify.nodes.SoftwareComponent',
        properties: { port: { type: 'integer', default: 80 }, name: { type: 'string' } },
        interfaces: { 'cloudify.interfaces.lifecycle': { configure: { implementation: 'scripts/configure.sh', inputs: { where: { default: '' } } } } },
      },
    },
    node_templates: nodes,
  });
}

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WARMUP = 3;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(run: () => Promise<unknown>): Promise<{ median: number; best: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return { median: median(samples), best: Math.min(...samples) };
}

async function rejection(text: string): Promise<string> {
  const t0 = performance.now();
  try {
    await parseBlueprint('blueprint.yaml', { source: memorySource({ 'blueprint.yaml': text }) });
    return 'NOT rejected';
  } catch (err) {
    if (!(err instanceof DslError)) throw err;
    return `rejected (code ${err.code}) in ${(performance.now() - t0).toFixed(1)} ms`;
  }
}

const fmt = (t: { median: number; best: number }): string => `median ${t.median.toFixed(1)} ms, best ${t.best.toFixed(1)} ms`;

console.log(`DSL parse benchmark: node ${process.version}, ${RUNS} runs after ${WARMUP} warm-up runs`);
for (const templates of [250, 500, 1000, 2000]) {
  const text = generateBlueprint(templates);
  const files = { 'blueprint.yaml': text, 'scripts/configure.sh': '#!/bin/sh\n' };
  const t = await time(() => parseBlueprint('blueprint.yaml', { source: memorySource(files) }));
  console.log(`generated ${String(templates).padStart(4)} templates (${(text.length / 1024).toFixed(0)} KiB): parse+validate ${fmt(t)}`);
}
if (corpusAvailable()) {
  const dir = path.join(CORPUS_ROOT, 'nodecellar-auto-scale-auto-heal-blueprint');
  const t = await time(() => parseBlueprint('openstack.yaml', { source: corpusSource(dir), pluginResolver: corpusPluginResolver() }));
  console.log(`corpus nodecellar openstack.yaml (+ openstack, utilities, diamond plugin.yaml): parse+validate ${fmt(t)}`);
} else {
  console.log('corpus: skipped (../shared/corpus is absent)');
}
const lol = ['lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (let i = 1; i < 9; i++) lol.push(`lol${i + 1}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
console.log(`billion laughs (9^9 expansion): ${await rejection(`tosca_definitions_version: cloudify_dsl_1_3\ndsl_definitions:\n${lol.map((l) => `  ${l}`).join('\n')}\n`)}`);
console.log(`11 MiB file (cap 10 MiB): ${await rejection(`tosca_definitions_version: cloudify_dsl_1_3\ndescription: "${'x'.repeat(11 * 1024 * 1024)}"\n`)}`);
