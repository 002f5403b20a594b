/**
 * Plugins as stored and as `GET /plugins` serves them. The package and its YAML files live in the
 * file store under `tenants/<tenant>/plugins/<id>/`; the entity keeps the metadata.
 */
import type { Entity } from '../ports/model-store';
import { commonFields } from '../resources/visibility';
import type { Visibility } from '../resources/visibility';

export interface PluginData {
  package_name: string;
  package_version: string | null;
  archive_name: string;
  package_source: string | null;
  supported_platform: string | null;
  distribution: string | null;
  distribution_version: string | null;
  distribution_release: string | null;
  wheels: string[];
  supported_py_versions: string[] | null;
  title: string | null;
  /** The plugin.yaml variants the package holds (`plugin.yaml`, `plugin_1_5.yaml`, ...). */
  yaml_files: string[];
  visibility: Visibility;
  created_by: string;
}

export function pluginPrefix(tenant: string, id: string): string {
  return `tenants/${tenant}/plugins/${id}/`;
}

export function pluginPackageKey(tenant: string, id: string): string {
  return `${pluginPrefix(tenant, id)}package`;
}

export function pluginYamlKey(tenant: string, id: string, name: string): string {
  return `${pluginPrefix(tenant, id)}yaml/${name}`;
}

export const PLUGIN_FIELDS = [
  'id',
  'package_name',
  'archive_name',
  'package_source',
  'package_version',
  'supported_platform',
  'distribution',
  'distribution_version',
  'distribution_release',
  'wheels',
  'excluded_wheels',
  'supported_py_versions',
  'uploaded_at',
  'created_at',
  'created_by',
  'visibility',
  'tenant_name',
  'private_resource',
  'resource_availability',
  'title',
  'yaml_url_path',
  'file_server_path',
  'blueprint_labels',
  'labels',
  'resource_tags',
  'installation_state',
] as const;

export function renderPlugin(entity: Entity<PluginData>): Record<string, unknown> {
  const data = entity.data;
  const yaml = data.yaml_files.includes('plugin.yaml') ? 'plugin.yaml' : data.yaml_files[0];
  return {
    ...commonFields(entity, data),
    package_name: data.package_name,
    archive_name: data.archive_name,
    package_source: data.package_source,
    package_version: data.package_version,
    supported_platform: data.supported_platform,
    distribution: data.distribution,
    distribution_version: data.distribution_version,
    distribution_release: data.distribution_release,
    wheels: data.wheels,
    excluded_wheels: null,
    supported_py_versions: data.supported_py_versions,
    uploaded_at: entity.createdAt,
    title: data.title,
    yaml_url_path: `plugin:${data.package_name}?version=${data.package_version ?? ''}`.replace(/\?version=$/, ''),
    file_server_path: pluginPrefix(entity.tenant, entity.id) + (yaml ? `yaml/${yaml}` : ''),
    blueprint_labels: null,
    labels: [],
    resource_tags: null,
    installation_state: [],
  };
}
