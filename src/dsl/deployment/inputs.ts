/**
 * Deployment inputs, checked as Cloudify checks them at deployment creation: every declared input
 * gets the given value, else its default, else (for a data type) the type's defaults; required
 * inputs without a value → missing_required_deployment_input_error, given names the blueprint does
 * not declare → unknown_deployment_input_error, values that break their type or constraints →
 * bad_parameters_error. Optionally, strings are cast to the declared type ("5" → 5, "true" → true).
 */
import { DslError } from '../errors';
import type { Dict, InputSchema, Plan, Value } from '../plan';
import { type DataTypes, ValueCheckError, castToType, isDict, validateInputValue } from '../values';

export interface InputOptions {
  autoCorrectTypes?: boolean;
}

/** Python's repr of a list of names, as Cloudify's messages print them. */
function pyList(names: string[]): string {
  return `[${names.map((n) => `'${n}'`).join(', ')}]`;
}

function asRestError(err: unknown): unknown {
  if (err instanceof ValueCheckError) return new ValueCheckError(err.message, err.kind, err.location, 'bad_parameters_error');
  return err;
}

/** The value a data-typed input takes from its type's defaults alone, if that is complete. */
function dataTypeDefaults(name: string, schema: InputSchema, dataTypes: DataTypes): Value | undefined {
  if (!schema.type || !Object.prototype.hasOwnProperty.call(dataTypes, schema.type)) return undefined;
  try {
    const value = validateInputValue(name, schema, {}, dataTypes);
    return isDict(value) && Object.keys(value).length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

export function resolveDeploymentInputs(plan: Plan, given: Dict | null | undefined, options: InputOptions = {}): Dict {
  if (given !== null && given !== undefined && !isDict(given)) {
    throw new DslError(`Deployment inputs must be a dict, got ${JSON.stringify(given)}`, null, undefined, 'bad_parameters_error');
  }
  const supplied = given ?? {};
  const dataTypes = plan.data_types as unknown as DataTypes;
  const declared = Object.keys(plan.inputs);
  const values: Dict = {};
  const missing: string[] = [];
  for (const name of declared) {
    const schema = plan.inputs[name];
    let value: Value | undefined;
    if (Object.prototype.hasOwnProperty.call(supplied, name)) value = supplied[name];
    else if (schema.default !== undefined && schema.default !== null) value = schema.default;
    else value = dataTypeDefaults(name, schema, dataTypes);
    if (value === undefined) {
      if (schema.required ?? true) missing.push(name);
      else values[name] = null;
      continue;
    }
    if (options.autoCorrectTypes) value = castToType(value, schema.type);
    try {
      values[name] = validateInputValue(name, schema, value, dataTypes);
    } catch (err) {
      throw asRestError(err);
    }
  }
  if (missing.length > 0) {
    throw new DslError(
      `Required inputs ${pyList(missing)} were not specified - expected inputs: ${pyList(declared)}`,
      null,
      undefined,
      'missing_required_deployment_input_error',
    );
  }
  const unknown = Object.keys(supplied).filter((name) => !Object.prototype.hasOwnProperty.call(plan.inputs, name));
  if (unknown.length > 0) {
    throw new DslError(`Unknown inputs ${pyList(unknown)} specified - expected inputs: ${pyList(declared)}`, null, undefined, 'unknown_deployment_input_error');
  }
  return values;
}
