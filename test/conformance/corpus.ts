/**
 * The shared Cloudify corpus (../shared/corpus, read in place, never copied) and the offline
 * resolution of its `plugin:` imports, as INDEX.md §A/§C describe: each plugin name maps to the
 * plugin.yaml the corpus holds (1_3 blueprints get utilities 1.22.1; 1_4/1_5 the 2.0.7 variants).
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BlueprintSource, type DslVersion, type PluginResolver, directorySource } from '../../src/dsl';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CORPUS_ROOT = path.resolve(repoRoot, '../shared/corpus');

export function corpusAvailable(): boolean {
  return existsSync(path.join(CORPUS_ROOT, 'INDEX.md'));
}

const TEST_PLUGINS = 'cloudify-manager/tests/integration_tests_plugins';

function pluginFile(name: string, dsl: DslVersion): string | null {
  const minor = Number(dsl.slice(-1));
  switch (name) {
    case 'cloudify-utilities-plugin':
      return minor <= 3 ? 'cloudify-utilities-plugin@1.22.1/plugin.yaml' : `cloudify-utilities-plugin/plugin_1_${minor}.yaml`;
    case 'cloudify-openstack-plugin':
      return 'cloudify-openstack-plugin@2.14.8/plugin.yaml';
    case 'cloudify-diamond-plugin':
      return 'cloudify-diamond-plugin@1.3.17/plugin.yaml';
    case 'testmockoperations':
    case 'cloudmock':
    case 'get_attribute':
      return `${TEST_PLUGINS}/${name}/plugin.yaml`;
    default:
      return null;
  }
}

export function corpusPluginResolver(): PluginResolver {
  return {
    async resolve(name, _versionSpec, dsl) {
      const file = pluginFile(name, dsl);
      if (!file) return null;
      return { path: `plugin:${name}`, yaml: await fs.readFile(path.join(CORPUS_ROOT, file), 'utf8') };
    },
  };
}

const SCRIPT = /\.(sh|bash|py|ps1|bat)$/;
const PLACEHOLDER = '#!/bin/sh\n# placeholder: the corpus keeps only the YAML of its blueprints\n';

/**
 * A blueprint directory of the corpus. The corpus keeps no scripts (INDEX.md: "write your own
 * equivalents where a test needs to run one"), so a missing script file reads as a placeholder
 * script; everything else comes from the directory as is.
 */
export function corpusSource(dir: string): BlueprintSource {
  const files = directorySource(dir);
  return {
    async readFile(file) {
      return (await files.readFile(file)) ?? (SCRIPT.test(file) ? PLACEHOLDER : undefined);
    },
    async exists(file) {
      return SCRIPT.test(file) || (files.exists ? await files.exists(file) : (await files.readFile(file)) !== undefined);
    },
  };
}
