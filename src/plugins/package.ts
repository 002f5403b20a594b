/**
 * Reads an uploaded plugin package: an archive (zip, tar.gz, ...) holding the plugin's DSL
 * declaration `plugin.yaml` (and DSL-version variants `plugin_1_4.yaml`, `plugin_1_5.yaml`),
 * optionally with the plugin's wagon (`*.wgn`, a tar.gz whose `package.json` names the package);
 * a bare `plugin.yaml` is accepted too. The package name and version come from the wagon, else from
 * the first plugin declared in the YAML that names a `package_name`.
 */
import { parse as parseYaml } from 'yaml';
import { ArchiveError, extractArchive } from '../blueprints/archive';
import type { ArchiveLimits } from '../blueprints/archive';

const YAML_NAME = /^plugin(_1_(\d+))?\.yaml$/;

export interface WagonMetadata {
  package_name?: string;
  package_version?: string;
  supported_platform?: string;
  distribution?: string;
  distribution_version?: string;
  distribution_release?: string;
  wheels?: string[];
  supported_python_versions?: string[];
}

export interface PluginPackage {
  packageName: string;
  packageVersion: string | null;
  /** File name → YAML text (`plugin.yaml`, `plugin_1_5.yaml`, ...). */
  yamls: Record<string, string>;
  wagon: WagonMetadata | null;
  /** File name of the wagon inside the package, if any. */
  wagonName: string | null;
}

export class PluginPackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginPackageError';
  }
}

function text(data: Buffer, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new PluginPackageError(`${name} is not UTF-8 text`);
  }
}

async function readWagon(bytes: Buffer, name: string, limits?: ArchiveLimits): Promise<WagonMetadata> {
  let files: Map<string, Buffer>;
  try {
    ({ files } = await extractArchive(bytes, { singleFileName: 'package.json', limits }));
  } catch (err) {
    if (err instanceof ArchiveError) throw new PluginPackageError(`The wagon ${name} is not a valid archive: ${err.message}`);
    throw err;
  }
  const manifest = files.get('package.json');
  if (!manifest) throw new PluginPackageError(`The wagon ${name} has no package.json`);
  let value: unknown;
  try {
    value = JSON.parse(text(manifest, `${name}/package.json`));
  } catch (err) {
    if (err instanceof PluginPackageError) throw err;
    throw new PluginPackageError(`The wagon ${name} has an unreadable package.json`);
  }
  if (typeof value !== 'object' || value === null) throw new PluginPackageError(`The wagon ${name} has an unreadable package.json`);
  const raw = value as Record<string, unknown>;
  const os = (raw.build_server_os_properties ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((item): item is string => typeof item === 'string') : undefined);
  return {
    package_name: str(raw.package_name),
    package_version: str(raw.package_version),
    supported_platform: str(raw.supported_platform),
    distribution: str(os.distribution),
    distribution_version: str(os.distribution_version),
    distribution_release: str(os.distribution_release),
    wheels: list(raw.wheels),
    supported_python_versions: list(raw.supported_python_versions),
  };
}

/** The package named by the YAML's first plugin that has a package_name. */
function fromYaml(yamlText: string, name: string): { packageName?: string; packageVersion?: string } {
  let doc: unknown;
  try {
    // Published plugin.yaml files repeat keys (PyYAML keeps the last): tolerate it, as the DSL loader does for plugins.
    doc = parseYaml(yamlText, { maxAliasCount: 1000, uniqueKeys: false });
  } catch (err) {
    throw new PluginPackageError(`${name} is not valid YAML: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new PluginPackageError(`${name} must be a YAML mapping`);
  const plugins = (doc as Record<string, unknown>).plugins;
  if (typeof plugins !== 'object' || plugins === null) return {};
  for (const declaration of Object.values(plugins as Record<string, unknown>)) {
    if (typeof declaration !== 'object' || declaration === null) continue;
    const { package_name, package_version } = declaration as Record<string, unknown>;
    if (typeof package_name === 'string' && package_name !== '') {
      return { packageName: package_name, packageVersion: package_version === undefined || package_version === null ? undefined : String(package_version) };
    }
  }
  return {};
}

export async function readPluginPackage(bytes: Buffer, limits?: ArchiveLimits): Promise<PluginPackage> {
  let files: Map<string, Buffer>;
  try {
    ({ files } = await extractArchive(bytes, { singleFileName: 'plugin.yaml', limits }));
  } catch (err) {
    if (err instanceof ArchiveError) throw new PluginPackageError(err.message);
    throw err;
  }
  const yamls: Record<string, string> = {};
  let wagonName: string | null = null;
  for (const [path, data] of files) {
    if (YAML_NAME.test(path)) yamls[path] = text(data, path);
    else if (!path.includes('/') && path.endsWith('.wgn')) {
      if (wagonName) throw new PluginPackageError(`The package holds more than one wagon (${wagonName}, ${path})`);
      wagonName = path;
    }
  }
  if (Object.keys(yamls).length === 0) {
    throw new PluginPackageError('The plugin package has no plugin.yaml (nor plugin_1_N.yaml) at its top level');
  }
  const wagon = wagonName ? await readWagon(files.get(wagonName)!, wagonName, limits) : null;
  const declared = fromYaml(yamls['plugin.yaml'] ?? Object.values(yamls)[0], Object.keys(yamls)[0]);
  const packageName = wagon?.package_name ?? declared.packageName;
  if (!packageName) {
    throw new PluginPackageError('Cannot tell the package name: neither a wagon package.json nor a plugin with package_name in plugin.yaml');
  }
  return { packageName, packageVersion: wagon?.package_version ?? declared.packageVersion ?? null, yamls, wagon, wagonName };
}

/**
 * The YAML a blueprint of DSL version `cloudify_dsl_1_<minor>` imports: the variant with the highest
 * `_1_N` not above the blueprint's version, else `plugin.yaml`.
 */
export function yamlForDsl(names: string[], dslMinor: number): string | undefined {
  let best: { name: string; minor: number } | undefined;
  for (const name of names) {
    const match = YAML_NAME.exec(name);
    if (!match?.[2]) continue;
    const minor = Number(match[2]);
    if (minor <= dslMinor && (!best || minor > best.minor)) best = { name, minor };
  }
  return best?.name ?? (names.includes('plugin.yaml') ? 'plugin.yaml' : undefined);
}
