/**
 * Parse-time validation of every function call in a plan: argument shapes, unknown inputs
 * (UnknownInputError), unknown nodes and properties of get_property, SELF/SOURCE/TARGET used where
 * they mean nothing, version gates (concat 1_1, merge 1_3), get_sys entities.
 */
import { DslError } from '../errors';
import type { Plan, Value } from '../plan';
import type { ValidationSite } from './definition';
import { parseFunction } from './names';
import { forEachPlanSite } from './plan-walk';
import { FUNCTIONS } from './registry';

function locate(err: unknown, path: string): unknown {
  if (err instanceof DslError && !err.message.includes(path)) err.message = `${err.message} (in ${path})`;
  return err;
}

function validateValue(value: Value, site: ValidationSite, plan: Plan): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) validateValue(item, site, plan);
    return;
  }
  const call = parseFunction(value);
  if (!call) {
    for (const key of Object.keys(value)) validateValue(value[key], site, plan);
    return;
  }
  const definition = FUNCTIONS[call.name];
  try {
    definition.checkArgs(call.args);
    definition.validate?.(call.args, site, plan);
  } catch (err) {
    throw locate(err, site.path);
  }
  validateValue(call.args, site, plan);
}

export function validateFunctions(plan: Plan): void {
  forEachPlanSite(plan, (value, site) => {
    validateValue(value, { scope: site.frame.scope, path: site.frame.path, node: site.node, relationship: site.relationship }, plan);
  });
}
