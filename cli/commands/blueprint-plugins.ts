/**
 * Offline resolution of `plugin:<name>` imports for the CLI: with `--plugins-dir DIR`, a plugin
 * named `name` is read from `DIR/<name>/plugin_<dsl minor>.yaml` (e.g. plugin_1_5.yaml) if present,
 * else `DIR/<name>/plugin.yaml`. The version constraint is not checked (there is one copy per name).
 * Without the option, plugin imports fail with the parser's "plugin not found" error.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DslVersion, PluginResolver } from '../../src/dsl';

async function readIfFile(file: string): Promise<string | null> {
  try {
    if (!(await fs.stat(file)).isFile()) return null;
    return await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
}

export function directoryPluginResolver(dir: string): PluginResolver {
  const root = path.resolve(dir);
  return {
    async resolve(name: string, _versionSpec: string | null, dslVersion: DslVersion) {
      if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') return null;
      const suffix = dslVersion.replace('cloudify_dsl_', '');
      for (const file of [`plugin_${suffix}.yaml`, 'plugin.yaml']) {
        const full = path.join(root, name, file);
        const yaml = await readIfFile(full);
        if (yaml !== null) return { path: `plugin:${name}/${file}`, yaml };
      }
      return null;
    },
  };
}
