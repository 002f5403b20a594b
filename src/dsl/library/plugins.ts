import type { Dict } from '../plan';
import type { Features } from './generations';

/** Name of Stratus's own central plugin: `implementation: stratus.ops.noop` resolves to it. */
export const STRATUS_PLUGIN = 'stratus';

/**
 * Operations of the `stratus` plugin (run by the workflow engine itself, no code to install):
 * noop; sleep(seconds); fail(message, recoverable=true, times: fail this many attempts then
 * succeed); set_runtime_properties(properties: merged into the instance's runtime properties).
 */
export const STRATUS_OPERATIONS = ['ops.noop', 'ops.sleep', 'ops.fail', 'ops.set_runtime_properties'] as const;

export function plugins(f: Features): Dict {
  const central = { executor: 'central_deployment_agent', install: false };
  const result: Dict = {};
  if (f.prePostOps) result.cfy_extensions = { ...central };
  result.agent = { ...central };
  result.default_workflows = { ...central };
  result.script = { executor: 'host_agent', install: false };
  result[STRATUS_PLUGIN] = { ...central };
  return result;
}
