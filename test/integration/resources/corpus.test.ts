/**
 * Every valid blueprint of the shared corpus (../shared/corpus/INDEX.md §B) uploads through
 * `PUT /blueprints/{id}` exactly as `cfy blueprints upload` sends it, its `plugin:` imports
 * resolved from plugin packages uploaded first (built here from the corpus plugin.yaml files); every
 * invalid one (§D) is rejected with 400 invalid_blueprint_error. Skipped when the corpus is absent.
 *
 * The corpus keeps only YAML: each archive holds the main file, the files it imports and its
 * scripts (a placeholder where the corpus has none), found by parsing it locally first. 1_3
 * blueprints go to a tenant holding the utilities plugin 1.22.1, the others to one holding 2.0.7
 * (INDEX.md §A: 2.0.7's plugin.yaml needs DSL 1_4).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LocalRuntime } from '../../../local/runtime';
import { parse } from '../../../src/dsl';
import { CORPUS_ROOT, corpusAvailable, corpusPluginResolver, corpusSource } from '../../conformance/corpus';
import { startTestRuntime } from '../../support/local-runtime';
import { tarGzOf, zipOf } from '../../support/archives/build';
import type { TestEntry } from '../../support/archives/build';
import { blueprintUpload, RestClient } from '../../support/rest/client';

const available = corpusAvailable();
const describeCorpus = available ? describe : describe.skip;
if (!available) console.log(`Corpus blueprint upload tests skipped: no corpus at ${CORPUS_ROOT}`);

const PLACEHOLDER = '#!/bin/sh\n# placeholder: the corpus keeps only the YAML of its blueprints\n';

/** The main files of INDEX.md §B, in table order. */
function validBlueprints(): string[] {
  const index = readFileSync(path.join(CORPUS_ROOT, 'INDEX.md'), 'utf8');
  const section = index.slice(index.indexOf('## B.'), index.indexOf('## C.'));
  return section
    .split('\n')
    .map((line) => /^\|\s*\d+\s*\|\s*`([^`]+)`/.exec(line)?.[1])
    .filter((file): file is string => file !== undefined);
}

const INVALID_DIR = 'cloudify-common/dsl_parser/tests/extracted-invalid';

/** Archive paths and script paths a plan refers to. */
function referencedFiles(plan: unknown): Set<string> {
  const files = new Set<string>();
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (key === 'script_path') {
        const candidate = typeof item === 'string' ? item : item && typeof item === 'object' && 'default' in item ? (item as { default: unknown }).default : undefined;
        if (typeof candidate === 'string') files.add(candidate);
      }
      walk(item);
    }
  };
  walk(plan);
  for (const imported of (plan as { imported_blueprints: string[] }).imported_blueprints) files.add(imported);
  return new Set([...files].filter((file) => !/^[a-z][a-z0-9+.-]*:/i.test(file)));
}

/** The archive cfy would send for a corpus blueprint: one folder, the main file and what it needs. */
async function corpusArchive(main: string): Promise<{ archive: Buffer; dsl: string }> {
  const full = path.join(CORPUS_ROOT, main);
  const dir = path.dirname(full);
  const plan = await parse(path.basename(full), { source: corpusSource(dir), pluginResolver: corpusPluginResolver() });
  const entries: TestEntry[] = [{ name: `bp/${path.basename(full)}`, data: readFileSync(full) }];
  for (const file of referencedFiles(plan)) {
    const onDisk = path.join(dir, file);
    entries.push({ name: `bp/${file}`, data: existsSync(onDisk) ? readFileSync(onDisk) : PLACEHOLDER });
  }
  return { archive: await tarGzOf(entries), dsl: plan.tosca_definitions_version };
}

const TEST_PLUGINS = 'cloudify-manager/tests/integration_tests_plugins';
const SHARED_PLUGINS = [
  'cloudify-openstack-plugin@2.14.8/plugin.yaml',
  'cloudify-diamond-plugin@1.3.17/plugin.yaml',
  `${TEST_PLUGINS}/testmockoperations/plugin.yaml`,
  `${TEST_PLUGINS}/cloudmock/plugin.yaml`,
  `${TEST_PLUGINS}/get_attribute/plugin.yaml`,
];

function pluginPackage(files: string[]): Buffer {
  return zipOf(Object.fromEntries(files.map((file) => [path.basename(file), readFileSync(path.join(CORPUS_ROOT, file))])));
}

let runtime: LocalRuntime;
let rest: RestClient;

describeCorpus('corpus blueprints through PUT /blueprints/{id}', () => {
  beforeAll(async () => {
    runtime = await startTestRuntime({ pollers: false });
    rest = new RestClient(runtime);
    const utilities = {
      modern: ['cloudify-utilities-plugin/plugin.yaml', 'cloudify-utilities-plugin/plugin_1_4.yaml', 'cloudify-utilities-plugin/plugin_1_5.yaml'],
      legacy: ['cloudify-utilities-plugin@1.22.1/plugin.yaml'],
    };
    for (const [tenant, own] of Object.entries(utilities)) {
      await rest.ok('POST', `/api/v3.1/tenants/${tenant}`, 201);
      await rest.ok('POST', '/api/v3.1/plugins', 201, { tenant, rawBody: pluginPackage(own), contentType: 'application/octet-stream' });
      for (const plugin of SHARED_PLUGINS) {
        await rest.ok('POST', '/api/v3.1/plugins', 201, { tenant, rawBody: pluginPackage([plugin]), contentType: 'application/octet-stream' });
      }
    }
  });
  afterAll(() => runtime?.stop());

  const valid = available ? validBlueprints() : [];
  it('finds the valid blueprints of INDEX.md §B', () => {
    expect(valid.length).toBeGreaterThanOrEqual(20);
  });

  it.each(valid.map((file, n): [number, string] => [n + 1, file]))('uploads valid blueprint #%i %s', async (n, file) => {
    const { archive, dsl } = await corpusArchive(file);
    const tenant = dsl <= 'cloudify_dsl_1_3' ? 'legacy' : 'modern';
    const reply = await rest.call('PUT', `/api/v3.1/blueprints/corpus-${n}`, { tenant, ...blueprintUpload(archive, { application_file_name: path.basename(file), async_upload: true }) });
    expect({ status: reply.status, state: reply.body.state, error: reply.body.error }).toEqual({ status: 201, state: 'uploaded', error: null });
  });

  const invalid = available ? readdirSync(path.join(CORPUS_ROOT, INVALID_DIR)).filter((name) => name.endsWith('.yaml')).sort() : [];
  it('finds the invalid blueprints of INDEX.md §D', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(20);
  });

  it.each(invalid)('rejects invalid blueprint %s', async (name) => {
    const yaml = readFileSync(path.join(CORPUS_ROOT, INVALID_DIR, name));
    await rest.error('PUT', `/api/v3.1/blueprints/invalid-${name.replace(/\.yaml$/, '').replace(/_/g, '-')}`, 400, 'invalid_blueprint_error', { tenant: 'modern', ...blueprintUpload(yaml) });
  });
});
