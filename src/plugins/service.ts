/**
 * Plugin use cases: upload (`POST /plugins`), visibility, delete (refused while a blueprint uses
 * the plugin, unless forced). Reads are in src/api/plugins.ts.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../api/errors';
import { apiError, conflict, ERROR_CODES } from '../model/errors';
import { KINDS } from '../model/kinds';
import type { Entity } from '../ports/model-store';
import type { Caller, ResourceContext } from '../resources/context';
import { USAGE_KINDS, usersOf } from '../resources/usage';
import { checkWidening } from '../resources/visibility';
import type { Visibility } from '../resources/visibility';
import { discardStagedUpload } from '../uploads/staged';
import { readArchiveSource } from '../uploads/source';
import type { ArchiveSource } from '../uploads/source';
import { visiblePlugins } from './catalog';
import { pluginPackageKey, pluginPrefix, pluginYamlKey } from './model';
import type { PluginData } from './model';
import { PluginPackageError, readPluginPackage } from './package';

export interface PluginUpload {
  source: ArchiveSource;
  visibility: Visibility;
  title: string | null;
}

export function invalidPlugin(message: string): ApiError {
  // Cloudify's InvalidPluginError; not among the reference's codes but what its manager answers.
  return new ApiError(400, 'invalid_plugin_error', message);
}

export async function uploadPlugin(context: ResourceContext, caller: Caller, upload: PluginUpload): Promise<Entity<PluginData>> {
  const bytes = await readArchiveSource(context, caller, upload.source, 'plugin package');
  let pkg;
  try {
    pkg = await readPluginPackage(bytes);
  } catch (err) {
    if (err instanceof PluginPackageError) throw invalidPlugin(`Invalid plugin package: ${err.message}`);
    throw err;
  }
  const distribution = pkg.wagon?.distribution ?? null;
  const existing = (await visiblePlugins(context.store, caller.tenant)).find(
    (plugin) =>
      plugin.data.package_name === pkg.packageName && plugin.data.package_version === pkg.packageVersion && plugin.data.distribution === distribution,
  );
  if (existing) {
    throw conflict(`Plugin ${pkg.packageName} version ${pkg.packageVersion ?? '(none)'} already exists (id ${existing.id}); delete it first or upload another version`);
  }

  const id = randomUUID();
  const yamlFiles = Object.keys(pkg.yamls).sort();
  await Promise.all([
    context.files.put(pluginPackageKey(caller.tenant, id), bytes),
    ...yamlFiles.map((name) => context.files.put(pluginYamlKey(caller.tenant, id, name), pkg.yamls[name], { contentType: 'application/yaml' })),
  ]);
  try {
    const entity = await context.store.create<PluginData>({
      kind: KINDS.plugin,
      tenant: caller.tenant,
      id,
      global: upload.visibility === 'global',
      restricted: upload.visibility === 'private',
      data: {
        package_name: pkg.packageName,
        package_version: pkg.packageVersion,
        archive_name: pkg.wagonName ?? 'plugin.yaml',
        package_source: upload.source.url ?? null,
        supported_platform: pkg.wagon?.supported_platform ?? null,
        distribution,
        distribution_version: pkg.wagon?.distribution_version ?? null,
        distribution_release: pkg.wagon?.distribution_release ?? null,
        wheels: pkg.wagon?.wheels ?? [],
        supported_py_versions: pkg.wagon?.supported_python_versions ?? null,
        title: upload.title,
        yaml_files: yamlFiles,
        visibility: upload.visibility,
        created_by: caller.username,
      },
    });
    if (upload.source.uploadId) await discardStagedUpload(context, caller, upload.source.uploadId);
    return entity;
  } catch (err) {
    await context.files.deletePrefix(pluginPrefix(caller.tenant, id));
    throw err;
  }
}

/** A plugin of the caller's tenant (not a global one of another tenant: those are read-only). */
export async function ownPlugin(context: ResourceContext, caller: Caller, id: string): Promise<Entity<PluginData>> {
  const plugin = await context.store.get<PluginData>({ kind: KINDS.plugin, tenant: caller.tenant, id });
  if (!plugin) throw apiError(404, ERROR_CODES.notFound, `Requested \`Plugin\` with ID \`${id}\` was not found`);
  return plugin;
}

export async function deletePlugin(context: ResourceContext, caller: Caller, id: string, force: boolean): Promise<void> {
  const plugin = await ownPlugin(context, caller, id);
  const users = await usersOf(context.store, USAGE_KINDS.plugin, plugin);
  if (users.length > 0 && !force) {
    throw apiError(
      405,
      ERROR_CODES.pluginInUse,
      `Plugin \`${id}\` is currently in use in blueprints: ${users.map((user) => user.split(':').slice(1).join(':')).join(', ')}. Delete them first or use force`,
    );
  }
  await context.store.delete({ kind: KINDS.plugin, tenant: caller.tenant, id }, plugin.version);
  await context.files.deletePrefix(pluginPrefix(caller.tenant, id));
}

export async function setPluginVisibility(context: ResourceContext, caller: Caller, id: string, visibility: Visibility): Promise<Entity<PluginData>> {
  const plugin = await ownPlugin(context, caller, id);
  checkWidening(plugin.data.visibility, visibility, `plugin \`${id}\``);
  return context.store.update<PluginData>({
    ref: plugin,
    expectedVersion: plugin.version,
    data: { ...plugin.data, visibility },
    global: visibility === 'global',
    restricted: visibility === 'private',
  });
}
