/** get_consumers: `ids`, `names` or `count` of the deployments that consume this one's capabilities. */
import type { FunctionDefinition } from './definition';
import { FunctionValidationError, evaluationError } from './errors';

const PROPERTIES = ['ids', 'names', 'count'];

export const getConsumers: FunctionDefinition = {
  name: 'get_consumers',
  checkArgs(args) {
    if (typeof args !== 'string' || !PROPERTIES.includes(args)) {
      throw new FunctionValidationError('get_consumers', `expected a property string (one of: ${PROPERTIES.join(', ')}), but got ${JSON.stringify(args)}`);
    }
  },
  async evaluate(args, env) {
    if (!env.context.getConsumers) throw evaluationError('get_consumers', '`get_consumers` should be evaluated at runtime only');
    return { value: await env.context.getConsumers(args as 'ids' | 'names' | 'count') };
  },
};
