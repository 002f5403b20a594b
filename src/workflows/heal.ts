/**
 * heal (reference section 4): the scope is the failing instance's host (or the instance itself when
 * it has none) and everything contained in it; without node_instance_id, every instance. Instances
 * of the scope whose node implements lifecycle.heal run preheal / heal / postheal in place; every
 * other one is reinstalled together with everything contained in it (uninstall phase, then install
 * phase, with unlink/establish on the intact instances related to them).
 *
 * Phases: heal operations (target-first along relationships), then the reinstall's uninstall, then
 * its install. What this static graph does not do (it needs results at run time): run check_status
 * first and heal only what fails it — an engine that does can pass the failing instances as
 * `unhealthy`; and reinstall an instance whose heal operation failed.
 */
import { GraphBuilder, type Step, event } from './builder';
import { DeploymentIndex, type GraphDeployment, type GraphInstance } from './deployment';
import type { WorkflowGraph } from './graph';
import { addPerInstance } from './execute-operation';
import { LIFECYCLE, isNoop } from './operations';
import { type Parameters, booleanParam, stringParam } from './params';
import { addReinstallPhases } from './reinstall';
import { nodeOperation } from './steps';

export interface HealParams {
  node_instance_id?: string | null;
  diagnose_value?: string;
  /** Failures of the reinstall's uninstall phase are ignored (default true). */
  ignore_failure?: boolean;
  /** Reinstall what cannot be healed in place (default true); when false it is reported and left alone. */
  allow_reinstall?: boolean;
  /** Reinstall the whole scope without trying heal operations (default false). */
  force_reinstall?: boolean;
  /** Not a workflow parameter: the instances check_status found unhealthy, when the engine ran it. */
  unhealthy?: string[];
}

export interface HealPlan {
  scope: string[];
  /** Healed in place. */
  heal: string[];
  /** Reinstalled. */
  reinstall: string[];
  /** Neither (allow_reinstall false). */
  skipped: string[];
}

function hasHeal(index: DeploymentIndex, instance: GraphInstance): boolean {
  return !isNoop(index.nodeOf(instance).operations?.[`${LIFECYCLE}.heal`]);
}

export function healScope(index: DeploymentIndex, params: HealParams): HealPlan {
  let scope: Set<string>;
  if (params.node_instance_id) {
    const failing = index.instance(params.node_instance_id);
    const root = failing.host_id && index.instances.has(failing.host_id) ? failing.host_id : failing.id;
    scope = index.containedSubgraph(root);
  } else scope = new Set(index.order);
  let candidates = scope;
  if (params.unhealthy) {
    candidates = new Set<string>();
    for (const id of params.unhealthy) for (const inner of index.containedSubgraph(index.instance(id).id)) if (scope.has(inner)) candidates.add(inner);
  }
  const toReinstall = new Set<string>();
  for (const id of candidates) {
    if (params.force_reinstall || !hasHeal(index, index.instance(id))) for (const inner of index.containedSubgraph(id)) toReinstall.add(inner);
  }
  const ordered = (ids: Set<string>) => index.order.filter((id) => ids.has(id));
  const heal = ordered(new Set([...candidates].filter((id) => !toReinstall.has(id))));
  const allow = params.allow_reinstall ?? true;
  return {
    scope: ordered(scope),
    heal,
    reinstall: allow ? ordered(toReinstall) : [],
    skipped: allow ? [] : ordered(toReinstall),
  };
}

function healSteps(index: DeploymentIndex, instance: GraphInstance, diagnosis: string): Step[] {
  const op = (name: string) => nodeOperation(index, instance, `${LIFECYCLE}.${name}`);
  const ops = ['preheal', 'heal', 'postheal'].map(op).filter((d) => d !== null).map((d) => [d!]);
  return [[event('event:healing', `Healing node instance (diagnosis: ${diagnosis})`)], ...ops, [event('event:healed', 'Node instance healed')]];
}

export function buildHealGraph(deployment: GraphDeployment, params: HealParams = {}): WorkflowGraph {
  const index = new DeploymentIndex(deployment);
  const plan = healScope(index, params);
  const diagnosis = params.diagnose_value ?? 'Not provided';
  const builder = new GraphBuilder('heal');
  builder.phases([
    {
      name: 'heal',
      build: () => {
        if (plan.heal.length) addPerInstance(builder, index, { prefix: 'heal', selected: plan.heal, dependencyOrder: true, stepsFor: (i) => healSteps(index, i, diagnosis) });
        for (const id of plan.skipped) {
          builder.sequence(`heal-skipped_${id}`, index.instance(id), [[event('event:not-healed', 'Node instance has no heal operation and allow_reinstall is false: not healed')]]);
        }
      },
    },
    ...addReinstallPhases(builder, index, plan.reinstall, params.ignore_failure ?? true),
  ]);
  return builder.build();
}

export function healFromParameters(deployment: GraphDeployment, params: Parameters): WorkflowGraph {
  return buildHealGraph(deployment, {
    node_instance_id: stringParam(params, 'node_instance_id'),
    diagnose_value: stringParam(params, 'diagnose_value') ?? 'Not provided',
    ignore_failure: booleanParam(params, 'ignore_failure', true),
    allow_reinstall: booleanParam(params, 'allow_reinstall', true),
    force_reinstall: booleanParam(params, 'force_reinstall', false),
  });
}
