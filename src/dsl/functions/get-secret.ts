/**
 * get_secret: `name` or `[name, key|index, ...]`. A plain name reads the secret's value; a list
 * JSON-decodes the value and then indexes into it.
 */
import type { Value } from '../plan';
import type { FunctionDefinition } from './definition';
import { FunctionValidationError, evaluationError } from './errors';
import { isDict, parseFunction } from './names';

const NAME = 'get_secret';

/** The secret name a call reads, when it is known without evaluating anything. */
export function staticSecretName(args: Value): string | null {
  const name = Array.isArray(args) ? args[0] : args;
  return typeof name === 'string' ? name : null;
}

function index(value: Value, key: Value, secret: string): Value {
  const fail = (why: string) => evaluationError(NAME, `Could not find "${String(key)}" in nested lookup on secret "${secret}". Error was: ${why}`);
  if (Array.isArray(value)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) throw fail('list indices must be integers');
    const i = key < 0 ? value.length + key : key;
    if (i < 0 || i >= value.length) throw fail('list index out of range');
    return value[i];
  }
  if (isDict(value)) {
    if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(value, key)) throw fail(`key ${JSON.stringify(key)} not found`);
    return value[key];
  }
  throw fail(`${JSON.stringify(value)} is not subscriptable`);
}

export const getSecret: FunctionDefinition = {
  name: NAME,
  checkArgs(args) {
    if (typeof args === 'string' || parseFunction(args) || (Array.isArray(args) && args.length > 1)) return;
    throw new FunctionValidationError(
      NAME,
      `\`get_secret\` function argument should be a list with at least 2 elements, a string, or a dict (a function). Instead it is: ${JSON.stringify(args)}`,
    );
  },
  async evaluate(args, env) {
    const [name, ...path] = Array.isArray(args) ? args : [args];
    if (typeof name !== 'string') throw evaluationError(NAME, `the secret name must be a string, got ${JSON.stringify(name)}`);
    if (!env.context.getSecret) throw evaluationError(NAME, 'secrets are not available in this context');
    const secret = await env.context.getSecret(name);
    if (secret === undefined) throw evaluationError(NAME, `Secret "${name}" does not exist`);
    if (!Array.isArray(args)) return { value: secret };
    let value: Value;
    try {
      value = JSON.parse(secret) as Value;
    } catch (err) {
      throw evaluationError(NAME, `Could not parse secret "${name}" as json. Error was: ${(err as Error).message}`);
    }
    for (const key of path) value = index(value, key, name);
    return { value };
  },
};
