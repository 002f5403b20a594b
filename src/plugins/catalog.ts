/**
 * The plugin catalog behind `plugin:<package_name>[?version=<spec>]` imports, as Cloudify's
 * manager resolves them: among the plugins the tenant can see (its own and global ones) with that
 * package name, those whose version matches the spec (PEP 440 specifiers, comma-separated, all
 * must hold; a bare version means exactly that version), the highest version wins. Its YAML is the
 * variant for the blueprint's DSL version (plugin_1_5.yaml, ..., else plugin.yaml).
 */
import { compare, satisfies, valid, validRange } from '@renovatebot/pep440';
import { KINDS } from '../model/kinds';
import type { DslVersion, PluginResolver } from '../dsl';
import type { FileStore } from '../ports/file-store';
import type { Entity, ModelStore } from '../ports/model-store';
import { pluginYamlKey } from './model';
import type { PluginData } from './model';
import { yamlForDsl } from './package';

/** The plugins a tenant can see: its own, then other tenants' global ones. */
export async function visiblePlugins(store: ModelStore, tenant: string): Promise<Entity<PluginData>[]> {
  const [own, globals] = await Promise.all([store.all<PluginData>({ tenant, kind: KINDS.plugin }), store.globals<PluginData>(KINDS.plugin)]);
  return own.concat(globals.filter((plugin) => plugin.tenant !== tenant));
}

/** Whether `version` satisfies every comma-separated part of `spec`. */
export function versionMatches(version: string | null, spec: string | null): boolean {
  if (spec === null || spec.trim() === '') return true;
  if (version === null) return false;
  return spec
    .split(',')
    .map((part) => part.trim())
    .every((part) => {
      if (part === '') return false;
      if (validRange(part)) return valid(version) !== null && satisfies(version, part);
      return part.replace(/^===?/, '') === version; // a bare version: exactly this one
    });
}

function byVersion(a: Entity<PluginData>, b: Entity<PluginData>): number {
  const [va, vb] = [a.data.package_version, b.data.package_version];
  if (va === vb) return 0;
  if (va === null || valid(va) === null) return -1;
  if (vb === null || valid(vb) === null) return 1;
  return compare(va, vb);
}

export function choosePlugin(plugins: Entity<PluginData>[], name: string, spec: string | null): Entity<PluginData> | undefined {
  const matching = plugins.filter((plugin) => plugin.data.package_name === name && versionMatches(plugin.data.package_version, spec));
  return matching.sort(byVersion).at(-1);
}

/**
 * A PluginResolver for one blueprint upload. It remembers the plugins it resolved (the blueprint
 * records them, so a used plugin cannot be deleted) and caches YAML text by plugin id (an uploaded
 * plugin never changes).
 */
export class CatalogPluginResolver implements PluginResolver {
  readonly used = new Map<string, Entity<PluginData>>();
  private plugins?: Promise<Entity<PluginData>[]>;

  constructor(
    private readonly store: ModelStore,
    private readonly files: FileStore,
    private readonly tenant: string,
    private readonly yamlCache: Map<string, string> = new Map(),
  ) {}

  async resolve(name: string, versionSpec: string | null, dslVersion: DslVersion): Promise<{ path: string; yaml: string } | null> {
    this.plugins ??= visiblePlugins(this.store, this.tenant);
    const plugin = choosePlugin(await this.plugins, name, versionSpec);
    if (!plugin) return null;
    const yamlName = yamlForDsl(plugin.data.yaml_files, Number(dslVersion.slice('cloudify_dsl_1_'.length)));
    if (!yamlName) return null;
    const key = pluginYamlKey(plugin.tenant, plugin.id, yamlName);
    let yaml = this.yamlCache.get(key);
    if (yaml === undefined) {
      const bytes = await this.files.get(key);
      if (!bytes) return null;
      yaml = bytes.toString('utf8');
      this.yamlCache.set(key, yaml);
    }
    this.used.set(`${plugin.tenant}:${plugin.id}`, plugin);
    return { path: `plugin:${name}/${plugin.data.package_version ?? 'unversioned'}/${yamlName}`, yaml };
  }
}
