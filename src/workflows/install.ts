/** The install workflow: the selected instances are installed, every other instance is an intact stub. */
import { GraphBuilder } from './builder';
import { DeploymentIndex, type GraphDeployment } from './deployment';
import { type InstanceFilters, filterInstances, filtersFrom } from './filters';
import type { WorkflowGraph } from './graph';
import { addInstall, othersOf } from './lifecycle';
import type { Parameters } from './params';

export type InstallParams = InstanceFilters;

export function buildInstallGraph(deployment: GraphDeployment, params: InstallParams = {}): WorkflowGraph {
  const index = new DeploymentIndex(deployment);
  const selected = filterInstances(index, params);
  const builder = new GraphBuilder('install');
  addInstall(builder, index, { instances: selected, intact: othersOf(index, selected) }, { prefix: 'install' });
  return builder.build();
}

export function installFromParameters(deployment: GraphDeployment, params: Parameters): WorkflowGraph {
  return buildInstallGraph(deployment, filtersFrom(params));
}
