/**
 * scale (reference section 4, scale_entity): the DSL's deployment modification (src/dsl/instances,
 * modify) says which instances are added and removed; added instances are installed (intact
 * instances related to them are stubs, and intact sources whose new targets were added establish
 * towards them), removed ones are uninstalled (intact sources unlink from them first). When the
 * scale-out fails, the rollback graph uninstalls the added instances, built at that moment from
 * their states then.
 */
import { type DeploymentModification, modify, scaleModification } from '../dsl';
import type { PlannedNodeInstance } from '../dsl/plan';
import type { PlanningGroup, PlanningNode } from '../dsl/instances';
import { GraphBuilder } from './builder';
import { DeploymentIndex, type GraphDeployment, type GraphInstance, type GraphNode } from './deployment';
import { WorkflowGraphError } from './errors';
import type { WorkflowGraph } from './graph';
import { addInstall, addUninstall, othersOf } from './lifecycle';
import { type Parameters, booleanParam, integerParam, requiredStringParam, stringListParam } from './params';

export interface ScaleParams {
  scalable_entity_name: string;
  delta?: number;
  scale_compute?: boolean;
  include_instances?: string[];
  exclude_instances?: string[];
  ignore_failure?: boolean;
  /** false: a failed scale-out is not rolled back (its added instances stay). */
  rollback_if_failed?: boolean;
  /** true: unfinished deployment modifications of the deployment are rolled back first (otherwise they refuse the scale). */
  abort_started?: boolean;
}

/** A deployment as scale needs it: nodes with their instance counts, scaling groups, instances with states. */
export interface ScaleDeployment extends GraphDeployment {
  nodes: (GraphNode & PlanningNode)[];
  scaling_groups: Record<string, PlanningGroup>;
}

export interface ScalePlan {
  /** The node or scaling group whose count changes (the host node with scale_compute). */
  entity: string;
  delta: number;
  /** null when delta is 0: nothing to do. */
  modification: DeploymentModification | null;
}

export function scaleParamsFrom(params: Parameters): ScaleParams {
  return {
    scalable_entity_name: requiredStringParam(params, 'scalable_entity_name'),
    delta: integerParam(params, 'delta', 1),
    scale_compute: booleanParam(params, 'scale_compute', false),
    include_instances: stringListParam(params, 'include_instances', true),
    exclude_instances: stringListParam(params, 'exclude_instances', true),
    ignore_failure: booleanParam(params, 'ignore_failure', false),
    rollback_if_failed: booleanParam(params, 'rollback_if_failed', true),
    abort_started: booleanParam(params, 'abort_started', false),
  };
}

function checkHints(deployment: ScaleDeployment, params: ScaleParams, delta: number): void {
  const hints = [...(params.include_instances ?? []), ...(params.exclude_instances ?? [])];
  if (hints.length === 0) return;
  if (delta > 0) throw new WorkflowGraphError('Instances cannot be included or excluded when scaling up.');
  if (params.scale_compute) throw new WorkflowGraphError('Cannot include or exclude instances while scale_compute is true; name the compute instances and set scale_compute to false.');
  const known = new Set<string>();
  for (const i of deployment.instances) {
    known.add(i.id);
    for (const g of (i as Partial<PlannedNodeInstance>).scaling_groups ?? []) known.add(g.id);
  }
  const unknown = hints.filter((h) => !known.has(h));
  if (unknown.length) throw new WorkflowGraphError(`No such node instance or scaling group instance: ${unknown.join(', ')}`);
  const both = (params.include_instances ?? []).filter((h) => (params.exclude_instances ?? []).includes(h));
  if (both.length) throw new WorkflowGraphError(`Instances both included and excluded: ${both.join(', ')}`);
}

/** The entity whose count changes: a scaling group, or a node (its host node with scale_compute). */
function scaledEntity(deployment: ScaleDeployment, params: ScaleParams): string {
  const name = params.scalable_entity_name;
  if (deployment.scaling_groups?.[name]) return name;
  const node = deployment.nodes.find((n) => n.id === name);
  if (!node) throw new WorkflowGraphError(`No scalable entity named ${name} was found`);
  return params.scale_compute && node.host_id ? node.host_id : name;
}

/** Checks the parameters and computes the deployment modification (pure: the caller stores it). */
export function planScale(deployment: ScaleDeployment, params: ScaleParams, random?: () => number): ScalePlan {
  const delta = params.delta ?? 1;
  if (!Number.isInteger(delta)) throw new WorkflowGraphError(`The delta parameter must be a number. Got: ${JSON.stringify(delta)}`);
  checkHints(deployment, params, delta);
  const entity = scaledEntity(deployment, params);
  if (delta === 0) return { entity, delta, modification: null };
  const modified = scaleModification(deployment.nodes, deployment.scaling_groups ?? {}, entity, delta, { include: params.include_instances, exclude: params.exclude_instances });
  const instances = deployment.instances.map((i) => ({ scaling_groups: [], index: 0, ...i }) as PlannedNodeInstance);
  return { entity, delta, modification: modify({ nodes: deployment.nodes, scalingGroups: deployment.scaling_groups ?? {}, instances, modified, random }) };
}

/** The deployment after the modification: existing instances keep their states, added ones start uninitialized. */
export function deploymentAfter(before: GraphDeployment, modification: DeploymentModification, states: Record<string, string> = {}): GraphDeployment {
  const previous = new Map(before.instances.map((i) => [i.id, i]));
  const instances: GraphInstance[] = modification.node_instances.map((i) => ({ ...i, state: states[i.id] ?? previous.get(i.id)?.state ?? 'uninitialized' }));
  return { nodes: before.nodes, instances };
}

export interface ScaleGraphOptions {
  ignore_failure?: boolean;
}

/**
 * The scale graph: uninstall of the removed instances (over the deployment as it was), then install
 * of the added ones (over the deployment as it will be). A scale has one or the other.
 */
export function buildScaleGraph(before: GraphDeployment, modification: DeploymentModification | null, options: ScaleGraphOptions = {}): WorkflowGraph {
  const builder = new GraphBuilder('scale');
  if (!modification) return builder.build();
  const removed = modification.removed.map((i) => i.id);
  const added = modification.added.map((i) => i.id);
  builder.phases([
    {
      name: 'scale-in',
      build: () => {
        if (!removed.length) return;
        const index = new DeploymentIndex(before);
        addUninstall(builder, index, { instances: removed, intact: othersOf(index, removed) }, { prefix: 'uninstall', ignoreFailure: options.ignore_failure ?? false });
      },
    },
    {
      name: 'scale-out',
      build: () => {
        if (!added.length) return;
        const index = new DeploymentIndex(deploymentAfter(before, modification));
        addInstall(builder, index, { instances: added, intact: othersOf(index, added) }, { prefix: 'install' });
      },
    },
  ]);
  return builder.build();
}

/**
 * The rollback of a failed scale-out: uninstall of the added instances as they are now (`states`:
 * the current state of each instance; stages an instance never reached are skipped), intact
 * sources unlinking from them first.
 */
export function buildScaleRollbackGraph(before: GraphDeployment, modification: DeploymentModification, states: Record<string, string>, options: ScaleGraphOptions = {}): WorkflowGraph {
  const builder = new GraphBuilder('scale-rollback');
  const added = modification.added.map((i) => i.id);
  if (added.length) {
    const index = new DeploymentIndex(deploymentAfter(before, modification, states));
    addUninstall(builder, index, { instances: added, intact: othersOf(index, added) }, { prefix: 'rollback', ignoreFailure: options.ignore_failure ?? false });
  }
  return builder.build();
}
