/** get_label: `key` (all values of the deployment's label) or `[key, index]` (one of them). */
import type { FunctionDefinition } from './definition';
import { FunctionValidationError, evaluationError } from './errors';
import { parseFunction } from './names';

export const getLabel: FunctionDefinition = {
  name: 'get_label',
  checkArgs(args) {
    if (typeof args === 'string' || parseFunction(args)) return;
    if (Array.isArray(args) && args.length === 2) {
      const [key, index] = args;
      if (!(typeof key === 'string' || parseFunction(key))) {
        throw new FunctionValidationError('`get_label`', `the <label-key> should be a string or a dict (a function). Instead, it is ${JSON.stringify(key)}.`);
      }
      if (!((typeof index === 'number' && Number.isInteger(index)) || (typeof index === 'string' && /^\d+$/.test(index)) || parseFunction(index))) {
        throw new FunctionValidationError('`get_label`', `the <label-values list index> should be a number (in string or int form). Instead, it is ${JSON.stringify(index)}.`);
      }
      return;
    }
    throw new FunctionValidationError(
      '`get_label`',
      `\`get_label\` function argument should be a list of 2 elements ([<label-key>, <label-values list index>]), a string (<label-key>), or a dict (a function). Instead, it is ${JSON.stringify(args)}.`,
    );
  },
  async evaluate(args, env) {
    const [key, index] = Array.isArray(args) ? args : [args, undefined];
    if (!env.context.getLabel) throw evaluationError('get_label', 'labels are not available in this context');
    const values = await env.context.getLabel(String(key));
    if (!values || values.length === 0) throw evaluationError('get_label', `The deployment has no label with the key \`${String(key)}\``);
    if (index === undefined) return { value: values };
    const i = Number(index);
    if (i >= values.length) {
      throw evaluationError('get_label', `The index ${i} is out of range for the values of the label \`${String(key)}\` (${values.length} values)`);
    }
    return { value: values[i] };
  },
};
