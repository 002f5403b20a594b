/** get_sys: `[tenant, name]` or `[deployment, id|name|blueprint|owner]`. */
import type { Value } from '../plan';
import { isStepOrFunction } from './args';
import type { FunctionDefinition } from './definition';
import { FunctionValidationError, evaluationError } from './errors';
import { parseFunction } from './names';

const VALID: Record<string, string[]> = {
  tenant: ['name'],
  deployment: ['id', 'name', 'blueprint', 'owner'],
};

export const getSys: FunctionDefinition = {
  name: 'get_sys',
  checkArgs(args) {
    if (!Array.isArray(args) || args.length < 2 || !args.every(isStepOrFunction)) {
      throw new FunctionValidationError(
        'get_sys',
        `expected a 2-element list identifying an entity and its requested property (e.g. [tenant, name] or [deployment, id]) but got ${JSON.stringify(args)}`,
      );
    }
  },
  validate(args) {
    const [entity, property] = args as Value[];
    if (parseFunction(entity)) return;
    if (typeof entity !== 'string' || !(entity in VALID)) throw new FunctionValidationError('get_sys', `get_sys function unable to determine entity: ${String(entity)}`);
    if (parseFunction(property)) return;
    if (typeof property !== 'string' || !VALID[entity].includes(property)) {
      throw new FunctionValidationError('get_sys', `get_sys function unable to determine property: ${entity} ${String(property)}`);
    }
  },
  async evaluate(args, env) {
    const [entity, property] = (args as Value[]).map(String);
    if (!(entity in VALID) || !VALID[entity].includes(property)) throw evaluationError('get_sys', `unknown system property ${entity} ${property}`);
    if (!env.context.getSys) throw evaluationError('get_sys', '`get_sys` should be evaluated at runtime only');
    const value = await env.context.getSys(entity, property);
    if (value === undefined) throw evaluationError('get_sys', `${entity} ${property} is not known in this context`);
    return { value };
  },
};
