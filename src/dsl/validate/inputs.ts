import { DslError } from '../errors';
import type { InputSchema } from '../plan';
import type { ValidationContext } from './context';
import { parseSchema } from './schemas';
import { optionalDict } from './shape';

const HIDDEN_REQUIRED_NO_DEFAULT = 215;

/** Validates `inputs`: schema entries, defaults against type and constraints, hidden+required (215). */
export function resolveInputs(ctx: ValidationContext): Record<string, InputSchema> {
  const { doc, index } = ctx;
  const raw = optionalDict(doc.inputs, 'inputs', index.ofValue(doc, 'inputs'));
  const parsed = parseSchema(raw, 'inputs', 'input', ctx);
  for (const name of Object.keys(parsed.schema)) {
    const input = parsed.schema[name]!;
    if ((input.required ?? true) && input.hidden === true && !Object.prototype.hasOwnProperty.call(input, 'default')) {
      throw new DslError(`Input is both hidden and required thus it should have a default value: '${name}'.`, HIDDEN_REQUIRED_NO_DEFAULT, index.ofKey(raw, name));
    }
  }
  return parsed.schema as Record<string, InputSchema>;
}
