/**
 * Reinstall = uninstall then install of the same instances (the install phase starts when the
 * whole uninstall phase has finished, and builds every instance from scratch). Heal uses the same
 * two phases for the instances it cannot heal in place.
 */
import { GraphBuilder } from './builder';
import { DeploymentIndex, type GraphDeployment } from './deployment';
import { filterInstances, filtersFrom } from './filters';
import type { WorkflowGraph } from './graph';
import { addInstall, addUninstall, othersOf } from './lifecycle';
import { type Parameters, booleanParam } from './params';
import type { UninstallParams } from './uninstall';

export type ReinstallParams = UninstallParams;

/** Adds the uninstall and install phases of `instances` (the others are intact stubs). */
export function addReinstallPhases(builder: GraphBuilder, index: DeploymentIndex, instances: string[], ignoreFailure: boolean): { name: string; build: () => void }[] {
  const set = { instances, intact: othersOf(index, instances) };
  return [
    { name: 'uninstall', build: () => addUninstall(builder, index, set, { prefix: 'uninstall', ignoreFailure }) },
    { name: 'install', build: () => addInstall(builder, index, set, { prefix: 'install', assumeState: 'deleted' }) },
  ];
}

export function buildReinstallGraph(deployment: GraphDeployment, params: ReinstallParams = {}): WorkflowGraph {
  const index = new DeploymentIndex(deployment);
  const builder = new GraphBuilder('reinstall');
  builder.phases(addReinstallPhases(builder, index, filterInstances(index, params), params.ignore_failure ?? false));
  return builder.build();
}

export function reinstallFromParameters(deployment: GraphDeployment, params: Parameters): WorkflowGraph {
  return buildReinstallGraph(deployment, { ...filtersFrom(params), ignore_failure: booleanParam(params, 'ignore_failure', false) });
}
