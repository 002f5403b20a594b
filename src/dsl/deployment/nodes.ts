/** The deployment's nodes: plan nodes with their (evaluated) instance counts under REST names. */
import { DslError } from '../errors';
import type { PlanNode, Value } from '../plan';
import type { DeploymentNode } from './types';

function count(node: string, field: string, value: Value | undefined, allowUnbounded = false): number {
  const ok = typeof value === 'number' && Number.isInteger(value) && (value >= 0 || (allowUnbounded && value === -1));
  if (!ok) {
    throw new DslError(
      `Node ${node}: ${field} must be ${allowUnbounded ? 'a non-negative integer or -1 (unbounded)' : 'a non-negative integer'}, got ${JSON.stringify(value ?? null)}`,
      207,
      undefined,
      'bad_parameters_error',
    );
  }
  return value;
}

export function deploymentNode(node: PlanNode): DeploymentNode {
  const scalable = node.capabilities?.scalable?.properties as unknown as Record<string, Value> | undefined;
  const deploy = node.instances?.deploy as Value | undefined;
  const def = count(node.id, 'default_instances', scalable?.default_instances ?? deploy ?? 1);
  const min = count(node.id, 'min_instances', scalable?.min_instances ?? 0);
  const max = count(node.id, 'max_instances', scalable?.max_instances ?? -1, true);
  const current = count(node.id, 'current_instances', scalable?.current_instances ?? def);
  const planned = count(node.id, 'planned_instances', scalable?.planned_instances ?? def);
  if (def < min || (max !== -1 && (def > max || min > max))) {
    throw new DslError(`Node ${node.id}: default_instances ${def} is not within [${min}, ${max === -1 ? 'UNBOUNDED' : max}]`, 207, undefined, 'bad_parameters_error');
  }
  return {
    ...node,
    number_of_instances: current,
    planned_number_of_instances: planned,
    deploy_number_of_instances: def,
    min_number_of_instances: min,
    max_number_of_instances: max,
  };
}
