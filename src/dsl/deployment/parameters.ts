/**
 * Execution parameters of a workflow, as the manager checks them when an execution starts:
 * declared parameters take the given value or their default; a parameter without default that is
 * not given, or (without allow_custom_parameters) a given name the workflow does not declare,
 * fails with illegal_execution_parameters_error, as does a value that breaks its type or
 * constraints (strings are cast to the declared type first: "5" → 5, "true" → true). Functions in
 * the values (defaults such as `{get_input: x}` or `{get_secret: k}`) are then evaluated against
 * the deployment through the given context.
 */
import { DslError } from '../errors';
import type { Dict, Plan, PlanWorkflow, Value } from '../plan';
import type { EvaluationContext } from '../functions/context';
import { evaluateFunctions } from '../functions/runtime';
import { type DataTypes, ValueCheckError, castToType, isDict, validateInputValue } from '../values';

export interface ExecutionParameterOptions {
  allowCustomParameters?: boolean;
  /** Evaluates functions in the merged parameters (the deployment's inputs, secrets, instances...). */
  context?: EvaluationContext;
}

function illegal(message: string): DslError {
  return new DslError(message, null, undefined, 'illegal_execution_parameters_error');
}

export async function prepareExecutionParameters(
  plan: Pick<Plan, 'data_types'>,
  workflowName: string,
  workflow: Pick<PlanWorkflow, 'parameters'>,
  given: Dict | null | undefined,
  options: ExecutionParameterOptions = {},
): Promise<Dict> {
  if (given !== null && given !== undefined && !isDict(given)) throw illegal(`Execution parameters must be a dict, got ${JSON.stringify(given)}`);
  const supplied = given ?? {};
  const declared = workflow.parameters ?? {};
  const dataTypes = (plan.data_types ?? {}) as unknown as DataTypes;
  const merged: Dict = {};
  const missing: string[] = [];
  for (const [name, schema] of Object.entries(declared)) {
    if (Object.prototype.hasOwnProperty.call(supplied, name)) merged[name] = castToType(supplied[name], schema.type);
    else if (Object.prototype.hasOwnProperty.call(schema, 'default')) merged[name] = schema.default as Value;
    else missing.push(name);
  }
  if (missing.length) throw illegal(`Workflow "${workflowName}" must be provided with the following parameters to execute: ${missing.join(',')}`);
  const custom = Object.keys(supplied).filter((name) => !Object.prototype.hasOwnProperty.call(declared, name));
  if (custom.length && !options.allowCustomParameters) {
    throw illegal(
      `Workflow "${workflowName}" does not have the following parameters declared: ${custom.join(',')}. Remove these parameters or use the flag for allowing custom parameters`,
    );
  }
  for (const name of custom) merged[name] = supplied[name];
  const evaluated = options.context ? ((await evaluateFunctions(merged, options.context, {}, `workflows.${workflowName}.parameters`)) as Dict) : merged;
  for (const [name, schema] of Object.entries(declared)) {
    try {
      evaluated[name] = validateInputValue(name, schema, evaluated[name], dataTypes, { what: 'parameter' });
    } catch (err) {
      if (err instanceof ValueCheckError) throw illegal(err.message);
      throw err;
    }
  }
  return evaluated;
}
