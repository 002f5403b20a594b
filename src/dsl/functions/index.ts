/** Intrinsic functions: recognition, parse-time validation and evaluation. */
export * from './names';
export type { EvaluationContext, EvaluationMode, Frame, InstanceLike, MaybePromise, NodeLike, Scope } from './context';
export { UnknownInputError, FunctionValidationError } from './errors';
export { Evaluator, RecursionLimitError, RECURSION_LIMIT, evaluateValue } from './evaluator';
export { validateFunctions } from './validate';
export { PlanMapper, forEachPlanSite, type PlanSite, type SiteMapper } from './plan-walk';
export { memoryContext, planContext, type MemoryContextData } from './memory-context';
export { evaluateFunctions, evaluateNodeProperties, evaluateOutputs, evaluateCapabilities, type InstanceScope } from './runtime';
export { staticSecretName } from './get-secret';
