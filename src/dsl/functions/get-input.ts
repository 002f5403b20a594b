/** get_input: `name` or `[name, key|index, ...]`: a deployment input, or a part of it. */
import type { Value } from '../plan';
import { checkPathList } from './args';
import type { FunctionDefinition } from './definition';
import { UnknownInputError, evaluationError, pathString } from './errors';
import { parseFunction } from './names';
import { followPath } from './path';

const NAME = 'get_input';

function inputName(args: Value): Value {
  return Array.isArray(args) ? args[0] : args;
}

export function unknownInput(name: string): UnknownInputError {
  return new UnknownInputError(`get_input function references an unknown input '${name}'.`);
}

/** Checks a value against a declared simple return type (`{get_input: x, type: integer}`). */
function matchesType(value: Value, type: Value | undefined): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

export const getInput: FunctionDefinition = {
  name: NAME,
  checkArgs(args) {
    if (typeof args === 'string' || parseFunction(args)) return;
    checkPathList(NAME, args, 1, 'an input name, a function, or a list [input_name, key|index, ...]');
  },
  validate(args, _site, plan) {
    const name = inputName(args);
    if (typeof name === 'string' && !(name in plan.inputs)) throw unknownInput(name);
  },
  async evaluate(args, env) {
    const name = inputName(args);
    if (typeof name !== 'string') throw evaluationError(NAME, `the input name must be a string, got ${JSON.stringify(name)}`);
    const root = await env.context.getInput(name);
    if (root === undefined) throw unknownInput(name);
    const path = Array.isArray(args) ? args.slice(1) : [];
    const result = await followPath(root, path, (v) => env.evaluate(v, env.frame));
    if (!result.found) {
      const { failure } = result;
      const where = pathString([name, ...path.slice(0, failure.at)]);
      const step = path[failure.at];
      const detail =
        failure.kind === 'missing'
          ? `Input attribute '${String(step)}' of '${where}', doesn't exist.`
          : failure.kind === 'not_int'
            ? `Item in index ${failure.at + 1} in the get_input arguments list [${[name, ...path].join(', ')}] is expected to be an int but got ${typeof step}.`
            : failure.kind === 'out_of_range'
              ? `List size of '${where}' is ${failure.size} but index ${String(step)} is retrieved.`
              : `Object ${where} has no attribute ${String(step)}`;
      throw evaluationError(NAME, detail);
    }
    if (!matchesType(result.value, env.call.returnType)) {
      throw evaluationError(
        NAME,
        `Value '${JSON.stringify(result.value)}' of input '${name}' does not match data type declared for '${env.frame.path}': '${String(env.call.returnType)}'.`,
      );
    }
    return { value: result.value };
  },
};
