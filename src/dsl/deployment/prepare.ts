/**
 * Deployment creation from a parsed plan (Cloudify's prepare_deployment_plan): inputs checked,
 * hybrid functions evaluated over the plan's evaluation sites (runtime functions stay as
 * expressions and mark their operations has_intrinsic_functions), statically named secrets checked,
 * nodes given their instance counts, node instances planned.
 *
 * The given plan is never modified; the result shares the parts that did not change with it, so
 * treat both as read-only (or clone before mutating).
 */
import type { Dict, Plan, Value } from '../plan';
import type { MaybePromise } from '../functions/context';
import { Evaluator } from '../functions/evaluator';
import { planContext } from '../functions/memory-context';
import { PlanMapper, forEachPlanSite } from '../functions/plan-walk';
import { type RandomSource, planInstances } from '../instances';
import { resolveDeploymentInputs } from './inputs';
import { deploymentNode } from './nodes';
import { checkSecretsExist, collectSecretNames } from './secrets';
import type { DeploymentPlan } from './types';

export interface PrepareDeploymentOptions {
  /** Whether a secret exists (the manager's secret store). Without it, secrets are not checked (offline planning). */
  secretExists?: (name: string) => MaybePromise<boolean>;
  /** Cast string inputs to their declared types ("5" → 5, "true" → true). */
  autoCorrectTypes?: boolean;
  /** Leave hybrid functions to be evaluated at runtime too (Cloudify's runtime_only_evaluation). */
  runtimeOnlyEvaluation?: boolean;
  /** Random source for node instance ids. */
  random?: RandomSource;
}

/** Instance counts are needed to plan, so they are evaluated even when the rest waits for runtime. */
function isCountSite(path: string): boolean {
  return path.endsWith('.capabilities.scalable.properties') || path.startsWith('scaling_groups.');
}

export async function prepareDeploymentPlan(source: Plan, inputs: Dict | null | undefined, options: PrepareDeploymentOptions = {}): Promise<DeploymentPlan> {
  const values = resolveDeploymentInputs(source, inputs, { autoCorrectTypes: options.autoCorrectTypes });
  const evaluator = new Evaluator({ mode: 'plan', context: planContext(source, values) });
  const mapper = new PlanMapper((value, site) => evaluator.evaluate(value, site.frame), options.runtimeOnlyEvaluation ? isCountSite : undefined);
  const plan = await mapper.plan(source);
  const secrets = new Set<string>();
  forEachPlanSite(plan, (value: Value) => collectSecretNames(value, secrets));
  if (options.secretExists) await checkSecretsExist(secrets, options.secretExists);
  const nodes = plan.nodes.map(deploymentNode);
  const node_instances = planInstances(nodes, plan.scaling_groups, { random: options.random });
  return { ...plan, inputs: values, nodes, node_instances };
}
