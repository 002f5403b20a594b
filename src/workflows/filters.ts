/**
 * The node / node instance / type filters of install, uninstall, execute_operation and the
 * workflows built on it: an instance is selected when it passes every filter given (an empty filter
 * selects all). Unknown node and instance ids are refused, as the REST layer does for the 1_4+
 * `node_id` / `node_instance` parameter types; a type name may match no node.
 */
import type { DeploymentIndex } from './deployment';
import { WorkflowGraphError } from './errors';
import { type Parameters, stringListParam } from './params';

export interface InstanceFilters {
  node_ids?: string[];
  node_instance_ids?: string[];
  type_names?: string[];
}

export function filtersFrom(params: Parameters): InstanceFilters {
  return {
    node_ids: stringListParam(params, 'node_ids'),
    node_instance_ids: stringListParam(params, 'node_instance_ids'),
    type_names: stringListParam(params, 'type_names'),
  };
}

/** The selected instance ids, in deployment order. */
export function filterInstances(index: DeploymentIndex, filters: InstanceFilters = {}): string[] {
  const nodeIds = filters.node_ids ?? [];
  const instanceIds = filters.node_instance_ids ?? [];
  const typeNames = filters.type_names ?? [];
  const unknownNodes = nodeIds.filter((id) => !index.nodes.has(id));
  if (unknownNodes.length) throw new WorkflowGraphError(`No such node in this deployment: ${unknownNodes.join(', ')}`);
  const unknownInstances = instanceIds.filter((id) => !index.instances.has(id));
  if (unknownInstances.length) throw new WorkflowGraphError(`No such node instance in this deployment: ${unknownInstances.join(', ')}`);
  const nodes = new Set(nodeIds);
  const instances = new Set(instanceIds);
  return index.order.filter((id) => {
    const instance = index.instances.get(id)!;
    if (nodes.size && !nodes.has(instance.node_id)) return false;
    if (instances.size && !instances.has(id)) return false;
    if (typeNames.length && !typeNames.some((t) => index.nodeOf(instance).type_hierarchy.includes(t))) return false;
    return true;
  });
}
