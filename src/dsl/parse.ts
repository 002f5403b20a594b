import { DslError } from './errors';
import { asDocument, collectImports } from './imports/collect';
import { mergeImports } from './imports/merge';
import { normalizeArchivePath } from './imports/paths';
import { resolveLimits } from './load/limits';
import type { LoadLimits } from './load/limits';
import { LocationIndex } from './load/locations';
import { loadYaml } from './load/yaml-loader';
import type { Plan } from './plan';
import type { BlueprintSource, PluginResolver } from './source';
import { buildPlan } from './validate/blueprint';
import { findScriptResources } from './validate/resources';
import { checkMainFile, mainVersion } from './validate/toplevel';

export { directorySource, memorySource } from './source';
export type { BlueprintSource, PluginResolver } from './source';
export type { LoadLimits } from './load/limits';
export { DEFAULT_LIMITS } from './load/limits';
export type { LocationIndex } from './load/locations';

export interface ParseOptions {
  source: BlueprintSource;
  /** Resolves `plugin:` imports (and plugin spec URLs); without it they fail with error 13. */
  pluginResolver?: PluginResolver;
  /** Fetches other remote imports; without it they fail with error 13 (offline by default). */
  fetchRemote?: (url: string) => Promise<string>;
  limits?: Partial<LoadLimits>;
}

const locations = new WeakMap<Plan, LocationIndex>();

/**
 * Where the values of a parsed plan were written: values the plan took over from the blueprint
 * unchanged (intrinsic function calls such as `{get_input: x}`, operation inputs, outputs...) can
 * be located with `index.of(value)` (file, line, column), e.g. for function validation errors.
 */
export function planLocations(plan: Plan): LocationIndex | undefined {
  return locations.get(plan);
}

/**
 * Parses and validates a blueprint: loads the main file and its imports (archive files, the
 * built-in type library, plugins), merges them, validates every section with Cloudify's error
 * codes and returns the Plan. Intrinsic functions are left unevaluated. Throws DslError.
 */
export async function parseBlueprint(mainFile: string, options: ParseOptions): Promise<Plan> {
  const limits = resolveLimits(options.limits);
  const index = new LocationIndex();
  const path = normalizeArchivePath(mainFile);
  const text = await options.source.readFile(path);
  if (text === undefined) throw new DslError(`Failed converting dsl location to url: no suitable location found for dsl '${mainFile}'`, 30);
  const doc = asDocument(loadYaml(text, path, limits, index), path, { index });
  const dsl = mainVersion(doc, index, path);
  checkMainFile(doc, dsl, index);
  const files = await collectImports({ path, doc }, { source: options.source, pluginResolver: options.pluginResolver, fetchRemote: options.fetchRemote, limits, index, dsl });
  const combined = mergeImports(files, dsl, index);
  const resources = await findScriptResources(combined, path, options.source);
  const plan = buildPlan({ dsl, doc: combined, index, resources, importedFiles: files.slice(1).map((f) => f.url) });
  locations.set(plan, index);
  return plan;
}
