/** concat: `[part, ...]` joined into one string (each part rendered as Python's str() would). */
import type { Value } from '../plan';
import { pythonStr } from './args';
import type { FunctionDefinition } from './definition';
import { FunctionValidationError } from './errors';
import { requireVersion } from './version';

const NAME = 'concat';

export const concat: FunctionDefinition = {
  name: NAME,
  checkArgs(args) {
    if (!Array.isArray(args)) throw new FunctionValidationError(NAME, `illegal arguments: expected [arg1|function1, arg2|function2, ...] but got ${JSON.stringify(args)}`);
  },
  validate(_args, site, plan) {
    requireVersion(NAME, plan, 1, site.path);
  },
  evaluate(args) {
    return { value: (args as Value[]).map(pythonStr).join('') };
  },
};
