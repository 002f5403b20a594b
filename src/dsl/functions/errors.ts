/** Errors of intrinsic functions, worded as Cloudify words them (tools match on these messages). */
import { DslError, FunctionEvaluationError } from '../errors';

/** A get_input names an input the blueprint does not declare (Cloudify: UnknownInputError, no code). */
export class UnknownInputError extends DslError {
  constructor(message: string) {
    super(message, null);
    this.name = 'UnknownInputError';
  }
}

/** A function call is malformed or used where it may not be (parse time, no numeric code). */
export class FunctionValidationError extends DslError {
  constructor(functionName: string, detail: string) {
    super(`Unable to validate ${functionName} function: ${detail}`, null);
    this.name = 'FunctionValidationError';
  }
}

export function evaluationError(functionName: string, detail: string): FunctionEvaluationError {
  return new FunctionEvaluationError(`Unable to evaluate ${functionName} function: ${detail}`);
}

/** Renders an attribute path as Cloudify does in messages: `a.b[2].c`. */
export function pathString(path: readonly unknown[]): string {
  let out = '';
  for (const [i, part] of path.entries()) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += i === 0 ? String(part) : `.${String(part)}`;
  }
  return out;
}
