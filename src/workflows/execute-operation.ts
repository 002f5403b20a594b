/**
 * execute_operation and the workflows made of it (reference section 4): one subgraph per selected
 * instance whose node implements the operation. With run_by_dependency_order, each instance's
 * subgraph waits for the subgraphs of its relationship targets; the instances that do not run the
 * operation get stubs, so indirect dependencies still order them.
 *
 * start / stop / pull = execute_operation of lifecycle.start / stop / pull with kwargs overriding
 * allowed and run_by_dependency_order true by default. Stop uses the same target-first direction
 * as start, as Cloudify does. restart = stop, then start.
 */
import type { Dict } from '../dsl/plan';
import { GraphBuilder, type Step, type Subgraph, event } from './builder';
import { DeploymentIndex, type GraphDeployment, type GraphInstance } from './deployment';
import { WorkflowGraphError } from './errors';
import { type InstanceFilters, filterInstances, filtersFrom } from './filters';
import type { WorkflowGraph } from './graph';
import { LIFECYCLE, isNoop } from './operations';
import { type Parameters, booleanParam, dictParam, optionalBooleanParam, requiredStringParam } from './params';
import { nodeOperation } from './steps';

export interface ExecuteOperationParams extends InstanceFilters {
  /** Full (`cloudify.interfaces.lifecycle.start`) or unambiguous short name. */
  operation: string;
  operation_kwargs?: Dict;
  /** Kwargs named like an operation input replace it only when true; otherwise the workflow fails. */
  allow_kwargs_override?: boolean | null;
  run_by_dependency_order?: boolean;
}

/**
 * One subgraph per selected instance with steps; with `dependencyOrder`, stubs for every other
 * instance and target-first edges along every relationship.
 */
export function addPerInstance(
  builder: GraphBuilder,
  index: DeploymentIndex,
  options: { prefix: string; selected: string[]; stepsFor: (instance: GraphInstance) => Step[]; dependencyOrder: boolean },
): Map<string, Subgraph> {
  const subgraphs = new Map<string, Subgraph>();
  for (const id of options.selected) {
    const instance = index.instance(id);
    const steps = options.stepsFor(instance);
    if (steps.length) subgraphs.set(id, builder.sequence(`${options.prefix}_${id}`, instance, steps));
  }
  if (!options.dependencyOrder) return subgraphs;
  for (const id of index.order) {
    if (!subgraphs.has(id)) subgraphs.set(id, builder.sequence(`${options.prefix}-stub_${id}`, index.instance(id), [], { emptyLabel: `stub: ${id} does not run this operation` }));
  }
  for (const [id, source] of subgraphs) {
    for (const rel of index.relationships(index.instance(id))) {
      const target = subgraphs.get(rel.instance.target_id);
      if (target) builder.waitFor(source, target.exit);
    }
  }
  return subgraphs;
}

function checkKwargs(index: DeploymentIndex, instance: GraphInstance, operation: string, kwargs: Dict, allowOverride: boolean): void {
  if (allowOverride) return;
  const op = index.nodeOf(instance).operations?.[operation];
  const colliding = isNoop(op) ? [] : Object.keys(kwargs).filter((k) => k in (op!.inputs ?? {}));
  if (colliding.length) {
    throw new WorkflowGraphError(
      `operation_kwargs ${colliding.join(', ')} would override inputs of operation ${operation} on node ${instance.node_id}; set allow_kwargs_override to true to allow it`,
    );
  }
}

function addOperation(builder: GraphBuilder, index: DeploymentIndex, params: ExecuteOperationParams, prefix: string): void {
  const { operation } = params;
  if (typeof operation !== 'string' || operation === '') throw new WorkflowGraphError('Parameter operation is required');
  if (![...index.nodes.values()].some((n) => n.operations && operation in n.operations)) {
    throw new WorkflowGraphError(`Operation ${operation} is not defined on any node of this deployment (a short name defined by two interfaces must be given in full)`);
  }
  const kwargs = params.operation_kwargs ?? {};
  const allow = params.allow_kwargs_override ?? false;
  const parameters = Object.keys(kwargs).length ? ` (Operation parameters: ${JSON.stringify(kwargs)})` : '';
  addPerInstance(builder, index, {
    prefix,
    selected: filterInstances(index, params),
    dependencyOrder: params.run_by_dependency_order ?? false,
    stepsFor: (instance) => {
      checkKwargs(index, instance, operation, kwargs, allow);
      const op = nodeOperation(index, instance, operation, { kwargs });
      if (!op) return [];
      return [[event('event:starting', `Starting operation ${operation}${parameters}`)], [op], [event('event:finished', `Finished operation ${operation}`)]];
    },
  });
}

export function buildExecuteOperationGraph(deployment: GraphDeployment, params: ExecuteOperationParams): WorkflowGraph {
  const index = new DeploymentIndex(deployment);
  const builder = new GraphBuilder('execute_operation');
  addOperation(builder, index, params, 'execute_operation');
  return builder.build();
}

export interface LifecycleOperationParams extends InstanceFilters {
  /** Kwargs passed to the operation (`operation_parms`); they may override its inputs. */
  operation_parms?: Dict;
  /** Default true. */
  run_by_dependency_order?: boolean;
}

function lifecycleParams(op: string, params: LifecycleOperationParams): ExecuteOperationParams {
  return { ...params, operation: `${LIFECYCLE}.${op}`, operation_kwargs: params.operation_parms ?? {}, allow_kwargs_override: true, run_by_dependency_order: params.run_by_dependency_order ?? true };
}

/** start, stop or pull: execute_operation of that lifecycle operation. */
export function buildLifecycleOperationGraph(workflow: 'start' | 'stop' | 'pull', deployment: GraphDeployment, params: LifecycleOperationParams = {}): WorkflowGraph {
  const index = new DeploymentIndex(deployment);
  const builder = new GraphBuilder(workflow);
  addOperation(builder, index, lifecycleParams(workflow, params), workflow);
  return builder.build();
}

export interface RestartParams extends InstanceFilters {
  stop_parms?: Dict;
  start_parms?: Dict;
  run_by_dependency_order?: boolean;
}

export function buildRestartGraph(deployment: GraphDeployment, params: RestartParams = {}): WorkflowGraph {
  const index = new DeploymentIndex(deployment);
  const builder = new GraphBuilder('restart');
  const common = { ...params, run_by_dependency_order: params.run_by_dependency_order ?? true };
  builder.phases([
    { name: 'stop', build: () => addOperation(builder, index, lifecycleParams('stop', { ...common, operation_parms: params.stop_parms }), 'stop') },
    { name: 'start', build: () => addOperation(builder, index, lifecycleParams('start', { ...common, operation_parms: params.start_parms }), 'start') },
  ]);
  return builder.build();
}

export function executeOperationFromParameters(deployment: GraphDeployment, params: Parameters): WorkflowGraph {
  return buildExecuteOperationGraph(deployment, {
    ...filtersFrom(params),
    operation: requiredStringParam(params, 'operation'),
    operation_kwargs: dictParam(params, 'operation_kwargs'),
    allow_kwargs_override: optionalBooleanParam(params, 'allow_kwargs_override'),
    run_by_dependency_order: booleanParam(params, 'run_by_dependency_order', false),
  });
}

export function lifecycleOperationFromParameters(workflow: 'start' | 'stop' | 'pull', deployment: GraphDeployment, params: Parameters): WorkflowGraph {
  return buildLifecycleOperationGraph(workflow, deployment, {
    ...filtersFrom(params),
    operation_parms: dictParam(params, 'operation_parms'),
    run_by_dependency_order: booleanParam(params, 'run_by_dependency_order', true),
  });
}

export function restartFromParameters(deployment: GraphDeployment, params: Parameters): WorkflowGraph {
  return buildRestartGraph(deployment, {
    ...filtersFrom(params),
    stop_parms: dictParam(params, 'stop_parms'),
    start_parms: dictParam(params, 'start_parms'),
    run_by_dependency_order: booleanParam(params, 'run_by_dependency_order', true),
  });
}
