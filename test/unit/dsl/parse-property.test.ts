import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { DslError } from '../../../src/dsl/errors';
import { memorySource, parseBlueprint } from '../../../src/dsl/parse';

/** Parses; returns 'ok' or 'dsl-error', and lets any other exception fail the property. */
async function outcome(files: Record<string, string>): Promise<'ok' | 'dsl-error'> {
  try {
    await parseBlueprint('blueprint.yaml', { source: memorySource(files), limits: { maxAliasExpansion: 20_000 } });
    return 'ok';
  } catch (err) {
    if (err instanceof DslError) return 'dsl-error';
    throw err;
  }
}

const SECTIONS = [
  'tosca_definitions_version', 'description', 'imports', 'dsl_definitions', 'metadata', 'inputs', 'plugins', 'node_types',
  'relationships', 'node_templates', 'policy_types', 'policy_triggers', 'groups', 'policies', 'workflows', 'outputs',
  'data_types', 'capabilities', 'labels', 'blueprint_labels', 'deployment_settings', 'resource_tags',
];
const VERSIONS = ['cloudify_dsl_1_0', 'cloudify_dsl_1_2', 'cloudify_dsl_1_3', 'cloudify_dsl_1_4', 'cloudify_dsl_1_5'];
const names = fc.constantFrom('a', 'b', 'c', 'n1', 'n2', 'cloudify.nodes.Root', 'cloudify.nodes.Compute', 'x--y', '');
const typeNames = fc.constantFrom('t', 'u', 'cloudify.nodes.Root', 'cloudify.nodes.Compute', 'cloudify.nodes.WebServer', 'missing');
const relTypes = fc.constantFrom('cloudify.relationships.contained_in', 'cloudify.relationships.connected_to', 'r', 'nope');
const impls = fc.constantFrom('stratus.ops.noop', 'p.x', 'h.y', 'scripts/go.sh', 'missing.sh', 'multi\nline', '', 'http://x/y.sh');
const scalar = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }), fc.constant(null));
const fnValue = fc.oneof(
  scalar,
  fc.record({ get_input: fc.oneof(names, fc.array(names, { maxLength: 2 })) }),
  fc.record({ get_property: fc.array(fc.oneof(names, fc.constant('SELF')), { maxLength: 3 }) }),
  fc.record({ concat: fc.array(scalar, { maxLength: 3 }) }),
);

/** Almost valid blueprints: the right sections, wrong details here and there. */
const blueprint = fc.record(
  {
    tosca_definitions_version: fc.constantFrom(...VERSIONS),
    imports: fc.array(fc.constantFrom('cloudify/types/types.yaml', 'types.yaml', 'ns--types.yaml', 'missing.yaml', 'plugin:p'), { maxLength: 3 }),
    plugins: fc.dictionary(fc.constantFrom('p', 'h', 'script'), fc.record({ executor: fc.constantFrom('central_deployment_agent', 'host_agent', 'bad'), install: fc.boolean() }, { requiredKeys: ['executor'] }), { maxKeys: 2 }),
    data_types: fc.dictionary(fc.constantFrom('d1', 'd2', 'string'), fc.record({ derived_from: fc.constantFrom('d1', 'd2'), properties: fc.dictionary(names, fc.record({ type: fc.constantFrom('string', 'integer', 'd1', 'd2'), default: scalar }, { requiredKeys: [] }), { maxKeys: 2 }) }, { requiredKeys: [] }), { maxKeys: 2 }),
    inputs: fc.dictionary(names, fc.record({ type: fc.constantFrom('string', 'integer', 'list', 'd1', 'widget'), default: fnValue, hidden: fc.boolean(), required: fc.boolean(), constraints: fc.array(fc.dictionary(fc.constantFrom('min_length', 'in_range', 'pattern', 'bogus'), fc.oneof(scalar, fc.array(fc.integer(), { maxLength: 2 })), { minKeys: 1, maxKeys: 1 }), { maxLength: 2 }) }, { requiredKeys: [] }), { maxKeys: 3 }),
    node_types: fc.dictionary(fc.constantFrom('t', 'u'), fc.record({ derived_from: typeNames, properties: fc.dictionary(names, fc.record({ type: fc.constantFrom('string', 'integer', 'd1'), default: fnValue, required: fc.boolean() }, { requiredKeys: [] }), { maxKeys: 2 }), interfaces: fc.dictionary(names, fc.dictionary(names, fc.oneof(impls, fc.record({ implementation: impls, inputs: fc.dictionary(names, fc.record({ default: fnValue }, { requiredKeys: [] }), { maxKeys: 2 }), executor: fc.constantFrom('host_agent', 'central_deployment_agent', 'x'), max_retries: fc.integer({ min: -3, max: 3 }) }, { requiredKeys: [] })), { maxKeys: 2 }), { maxKeys: 2 }) }, { requiredKeys: [] }), { maxKeys: 2 }),
    relationships: fc.dictionary(fc.constantFrom('r', 'cloudify.relationships.contained_in'), fc.record({ derived_from: relTypes, source_interfaces: fc.dictionary(names, fc.dictionary(names, impls, { maxKeys: 2 }), { maxKeys: 1 }) }, { requiredKeys: [] }), { maxKeys: 2 }),
    node_templates: fc.dictionary(names, fc.record({
      type: typeNames,
      properties: fc.dictionary(names, fnValue, { maxKeys: 2 }),
      interfaces: fc.dictionary(names, fc.dictionary(names, fc.oneof(impls, fc.record({ inputs: fc.dictionary(names, fnValue, { maxKeys: 2 }) }, { requiredKeys: [] })), { maxKeys: 2 }), { maxKeys: 2 }),
      relationships: fc.array(fc.record({ type: relTypes, target: names }, { requiredKeys: [] }), { maxLength: 3 }),
      instances: fc.record({ deploy: fc.integer({ min: -1, max: 3 }) }),
      capabilities: fc.record({ scalable: fc.record({ properties: fc.record({ default_instances: fc.oneof(fc.integer({ min: -1, max: 3 }), fnValue), max_instances: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constant('UNBOUNDED'), fc.constant('lots')) }, { requiredKeys: [] }) }) }),
    }, { requiredKeys: ['type'] }), { maxKeys: 4 }),
    groups: fc.dictionary(fc.constantFrom('g1', 'g2', 'a'), fc.record({ members: fc.array(fc.oneof(names, fc.constantFrom('g1', 'g2')), { maxLength: 3 }), policies: fc.dictionary(names, fc.record({ type: fc.constantFrom('cloudify.policies.types.host_failure', 'nope'), properties: fc.dictionary(names, scalar, { maxKeys: 1 }) }, { requiredKeys: [] }), { maxKeys: 1 }) }, { requiredKeys: [] }), { maxKeys: 2 }),
    policies: fc.dictionary(names, fc.record({ type: fc.constantFrom('cloudify.policies.scaling', 'other'), targets: fc.array(fc.constantFrom('g1', 'g2', 'a'), { maxLength: 2 }), properties: fc.record({ default_instances: fc.integer({ min: -1, max: 3 }) }, { requiredKeys: [] }) }, { requiredKeys: [] }), { maxKeys: 2 }),
    workflows: fc.dictionary(names, fc.oneof(impls, fc.record({ mapping: impls, parameters: fc.dictionary(names, fc.record({ type: fc.constantFrom('integer', 'string'), default: scalar }, { requiredKeys: [] }), { maxKeys: 2 }) }, { requiredKeys: [] })), { maxKeys: 2 }),
    outputs: fc.dictionary(names, fc.record({ value: fnValue, description: scalar }, { requiredKeys: [] }), { maxKeys: 2 }),
    labels: fc.dictionary(names, fc.record({ values: fc.array(fnValue, { maxLength: 2 }) }, { requiredKeys: [] }), { maxKeys: 2 }),
  },
  { requiredKeys: [] },
);

const importedTypes = stringify({ node_types: { t: { properties: { p: { default: 1 } } } }, node_templates: { a: { type: 't' } } });
const files = (doc: unknown, extra: Record<string, string> = {}) => ({ 'blueprint.yaml': typeof doc === 'string' ? doc : stringify(doc), 'types.yaml': importedTypes, 'scripts/go.sh': 'x', ...extra });

describe('parser robustness (fast-check): only DslError ever escapes', () => {
  it('on almost-valid generated blueprints', async () => {
    const seen = { ok: 0, 'dsl-error': 0 };
    await fc.assert(
      fc.asyncProperty(blueprint, async (doc) => {
        seen[await outcome(files(doc))]++;
      }),
      { numRuns: 200 },
    );
    expect(seen['dsl-error']).toBeGreaterThan(0);
  });

  it('valid-by-construction blueprints always parse, with the nodes, hosts and relationships generated', async () => {
    const valid = fc
      .array(
        fc.record({
          kind: fc.constantFrom('cloudify.nodes.Compute', 'cloudify.nodes.WebServer', 'cloudify.nodes.Root', 'app'),
          container: fc.option(fc.nat(), { nil: undefined }),
          connections: fc.array(fc.nat(), { maxLength: 3 }),
          op: fc.constantFrom('stratus.ops.noop', 'stratus.ops.sleep', 'scripts/go.sh', 'multi\nline\n'),
          port: fc.option(fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constant({ get_input: 'port' })), { nil: undefined }),
          instances: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: 12 },
      )
      .map((specs) => {
        const templates: Record<string, unknown> = {};
        specs.forEach((spec, i) => {
          const relationships: unknown[] = [];
          if (spec.container !== undefined && i > 0) relationships.push({ type: 'cloudify.relationships.contained_in', target: `n${spec.container % i}` });
          for (const c of spec.connections) if (i > 0) relationships.push({ type: 'cloudify.relationships.connected_to', target: `n${c % i}` });
          templates[`n${i}`] = {
            type: spec.kind,
            ...(spec.kind === 'cloudify.nodes.WebServer' && spec.port !== undefined ? { properties: { port: spec.port } } : {}),
            interfaces: { 'cloudify.interfaces.lifecycle': { create: { implementation: spec.op, executor: 'central_deployment_agent' } } },
            capabilities: { scalable: { properties: { default_instances: spec.instances } } },
            relationships,
          };
        });
        return {
          specs,
          doc: {
            tosca_definitions_version: 'cloudify_dsl_1_4',
            imports: ['cloudify/types/types.yaml'],
            inputs: { port: { type: 'integer', default: 80 } },
            node_types: { app: { derived_from: 'cloudify.nodes.ApplicationModule', properties: { x: { default: 1 } } } },
            node_templates: templates,
          },
        };
      });
    await fc.assert(
      fc.asyncProperty(valid, async ({ specs, doc }) => {
        const plan = await parseBlueprint('blueprint.yaml', { source: memorySource(files(doc)) });
        expect(plan.nodes.map((n) => n.id)).toEqual(specs.map((_, i) => `n${i}`));
        for (const n of plan.nodes) {
          const spec = specs[Number(n.id.slice(1))]!;
          if (spec.kind === 'cloudify.nodes.Compute') expect(n.host_id).toBe(n.id);
          expect(n.relationships).toHaveLength((doc.node_templates[n.id] as { relationships: unknown[] }).relationships.length);
          expect(n.capabilities.scalable.properties.default_instances).toBe(spec.instances);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('on arbitrary JSON values in arbitrary sections', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VERSIONS), fc.dictionary(fc.constantFrom(...SECTIONS, 'other'), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }), async (version, doc) => {
        await outcome(files({ ...doc, tosca_definitions_version: version }));
      }),
      { numRuns: 300 },
    );
  });

  it('on random text and mangled YAML', async () => {
    const base = stringify({ tosca_definitions_version: 'cloudify_dsl_1_3', node_types: { t: {} }, node_templates: { n: { type: 't' } } });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.tuple(fc.nat(base.length), fc.string({ maxLength: 10 })).map(([at, s]) => base.slice(0, at) + s + base.slice(at))), async (text) => {
        await outcome(files(text));
      }),
      { numRuns: 300 },
    );
  });
});
