/**
 * The DSL engine's one entry point for the rest of Stratus (REST API, workflow engine, CLI):
 *
 * - parse(mainFile, {source, pluginResolver}) — load, resolve imports, validate (with Cloudify's
 *   error codes) and check every intrinsic function call: the blueprint's Plan.
 * - prepareDeployment(plan, inputs, options) — deployment creation: inputs checked (REST error
 *   codes), plan-time functions evaluated, static secrets checked, nodes and node instances planned.
 * - planInstances(nodes, scalingGroups) — node instances of nodes with evaluated counts.
 * - modify({...}) / scaleModification(...) — a scale's added/removed instances.
 * - prepareExecutionParameters(plan, name, workflow, given, {context}) — an execution's parameters.
 * - evaluateFunctions / evaluateOutputs / evaluateCapabilities / evaluateNodeProperties — runtime
 *   evaluation against an EvaluationContext (the store, or memoryContext for data in hand).
 */
import type { Plan } from './plan';
import { type ParseOptions, parseBlueprint } from './parse';
import { validateFunctions } from './functions';

export type * from './plan';
export { DslError, FunctionEvaluationError, type DslRestErrorCode, type SourceLocation } from './errors';
export { directorySource, memorySource, type BlueprintSource, type PluginResolver } from './source';
export type { ParseOptions } from './parse';

/** Parses and validates a blueprint, including its intrinsic functions. Throws DslError. */
export async function parse(mainFile: string, options: ParseOptions): Promise<Plan> {
  const plan = await parseBlueprint(mainFile, options);
  validateFunctions(plan);
  return plan;
}

export {
  prepareDeploymentPlan as prepareDeployment,
  resolveDeploymentInputs,
  prepareExecutionParameters,
  type DeploymentNode,
  type DeploymentPlan,
  type ExecutionParameterOptions,
  type PrepareDeploymentOptions,
} from './deployment';
export {
  planInstances,
  modifyDeployment as modify,
  scaleModification,
  InstanceIdGenerator,
  type DeploymentModification,
  type ModifiedEntity,
  type ModifyDeploymentInput,
  type PlanInstancesOptions,
  type RandomSource,
  type RelationshipChange,
} from './instances';
export {
  validateFunctions,
  evaluateFunctions,
  evaluateOutputs,
  evaluateCapabilities,
  evaluateNodeProperties,
  evaluateValue,
  memoryContext,
  containsFunction,
  parseFunction,
  UnknownInputError,
  FunctionValidationError,
  RecursionLimitError,
  type EvaluationContext,
  type Frame,
  type InstanceLike,
  type InstanceScope,
  type MemoryContextData,
  type NodeLike,
} from './functions';
