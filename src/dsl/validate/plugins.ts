import { DslError } from '../errors';
import type { Dict, PlanPlugin } from '../plan';
import type { ValidationContext } from './context';
import { checkKeys, expectDict, gate, optionalBool, optionalDict, optionalString, required } from './shape';

const PLUGIN_KEYS = [
  'executor',
  'source',
  'install',
  'install_arguments',
  'package_name',
  'package_version',
  'supported_platform',
  'distribution',
  'distribution_version',
  'distribution_release',
  'properties',
  'properties_description',
];

const EXECUTORS = ['central_deployment_agent', 'host_agent'];

/** Validates `plugins`: executor (18), install needs source or package_name (50), version gates. */
export function resolvePlugins(ctx: ValidationContext): Record<string, PlanPlugin> {
  const { doc, index, dsl } = ctx;
  const raw = optionalDict(doc.plugins, 'plugins', index.ofValue(doc, 'plugins'));
  const result: Record<string, PlanPlugin> = {};
  for (const name of Object.keys(raw)) {
    const def = expectDict(raw[name], `plugin '${name}'`, index.ofValue(raw, name));
    checkKeys(def, PLUGIN_KEYS, `plugin '${name}'`, index);
    const executor = required(def, 'executor', `plugin '${name}'`, index.ofKey(raw, name));
    if (typeof executor !== 'string' || !EXECUTORS.includes(executor)) {
      throw new DslError(
        `Plugin '${name}' has an illegal 'executor' value '${String(executor)}'; value must be either 'central_deployment_agent' or 'host_agent'`,
        18,
        index.ofValue(def, 'executor'),
      );
    }
    gate(def, 'install_arguments', '1_1', dsl, index);
    for (const key of ['package_name', 'package_version', 'supported_platform', 'distribution', 'distribution_version', 'distribution_release']) gate(def, key, '1_2', dsl, index);
    gate(def, 'properties', '1_5', dsl, index);
    gate(def, 'properties_description', '1_5', dsl, index);
    const str = (key: string): string | null => optionalString(def[key], `${key} of plugin '${name}'`, index.ofValue(def, key)) ?? null;
    const install = optionalBool(def.install, `install of plugin '${name}'`, index.ofValue(def, 'install')) ?? true;
    const plugin: PlanPlugin = {
      name,
      executor: executor as PlanPlugin['executor'],
      source: str('source'),
      install,
      install_arguments: str('install_arguments'),
      package_name: str('package_name'),
      package_version: packageVersion(def),
      supported_platform: str('supported_platform'),
      distribution: str('distribution'),
      distribution_version: str('distribution_version'),
      distribution_release: str('distribution_release'),
      properties: optionalDict(def.properties, `properties of plugin '${name}'`, index.ofValue(def, 'properties')),
    };
    if (install && !plugin.source && !plugin.package_name) {
      throw new DslError(`Plugin '${name}' needs to be installed, but does not declare a source or package_name property`, 50, index.ofKey(raw, name));
    }
    result[name] = plugin;
  }
  return result;
}

/** package_version is a string in Cloudify's schema; YAML often reads '1.0' as a number. */
function packageVersion(def: Dict): string | null {
  const v = def.package_version;
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : String(v);
}
