/** merge (1_3+): `[dict, ...]` merged left to right into one dict (later keys win, shallow). */
import type { Dict, Value } from '../plan';
import type { FunctionDefinition } from './definition';
import { FunctionValidationError, evaluationError } from './errors';
import { isDict } from './names';
import { requireVersion } from './version';

const NAME = 'merge';

export const merge: FunctionDefinition = {
  name: NAME,
  checkArgs(args) {
    if (!Array.isArray(args)) throw new FunctionValidationError(NAME, `illegal arguments: expected [dict1|function1, dict2|function2, ...] but got ${JSON.stringify(args)}`);
  },
  validate(args, site, plan) {
    requireVersion(NAME, plan, 3, site.path);
    for (const item of args as Value[]) {
      if (!isDict(item)) throw new FunctionValidationError(NAME, `encountered non-dict element for merge: ${JSON.stringify(item)} (${site.path})`);
    }
  },
  evaluate(args) {
    const merged: Dict = {};
    for (const item of args as Dict[]) {
      if (!isDict(item)) throw evaluationError(NAME, `encountered non-dict element for merge: ${JSON.stringify(item)}`);
      Object.assign(merged, item);
    }
    return { value: merged };
  },
};
