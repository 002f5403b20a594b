/** The uninstall workflow (`ignore_failure`): the selected instances are uninstalled, targets after their sources. */
import { GraphBuilder } from './builder';
import { DeploymentIndex, type GraphDeployment } from './deployment';
import { type InstanceFilters, filterInstances, filtersFrom } from './filters';
import type { WorkflowGraph } from './graph';
import { addUninstall, othersOf } from './lifecycle';
import { type Parameters, booleanParam } from './params';

export interface UninstallParams extends InstanceFilters {
  /** Every failed task is logged and ignored. */
  ignore_failure?: boolean;
}

export function buildUninstallGraph(deployment: GraphDeployment, params: UninstallParams = {}): WorkflowGraph {
  const index = new DeploymentIndex(deployment);
  const selected = filterInstances(index, params);
  const builder = new GraphBuilder('uninstall');
  addUninstall(builder, index, { instances: selected, intact: othersOf(index, selected) }, { prefix: 'uninstall', ignoreFailure: params.ignore_failure ?? false });
  return builder.build();
}

export function uninstallFromParameters(deployment: GraphDeployment, params: Parameters): WorkflowGraph {
  return buildUninstallGraph(deployment, { ...filtersFrom(params), ignore_failure: booleanParam(params, 'ignore_failure', false) });
}
