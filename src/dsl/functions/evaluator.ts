/**
 * The evaluation engine: replaces function calls in a value by their results.
 *
 * Arguments are evaluated first (functions nest); a result is evaluated again in the frame the
 * function says (a property holding `{get_input: x}` yields the input), up to a recursion limit of
 * 50 so that cycles (`a: {get_property: [SELF, b]}`, `b: {get_property: [SELF, a]}`) fail clearly.
 * A call that cannot be evaluated yet stays an expression with whatever could be evaluated inside it
 * substituted: in plan mode every runtime function, and any call whose arguments still hold a call
 * (`{concat: ['http://', {get_attribute: [db, ip]}]}` keeps its get_attribute for runtime).
 * Values are never mutated: changed parts are copied, unchanged parts shared.
 */
import { FunctionEvaluationError } from '../errors';
import type { Dict, Value } from '../plan';
import type { EvaluationContext, EvaluationMode, Frame } from './context';
import { type FunctionCall, callValue, containsFunction, isHybrid, parseFunction } from './names';
import { FUNCTIONS } from './registry';

export const RECURSION_LIMIT = 50;

/** Raised when evaluation nests deeper than the limit (a cycle); never rendered into outputs. */
export class RecursionLimitError extends FunctionEvaluationError {
  constructor(path: string) {
    super(`The recursion limit (${RECURSION_LIMIT}) has been reached while evaluating the deployment. Limit was reached with the following path - ${path}`);
    this.name = 'RecursionLimitError';
  }
}

export interface EvaluatorOptions {
  mode: EvaluationMode;
  context: EvaluationContext;
}

export class Evaluator {
  constructor(private readonly options: EvaluatorOptions) {}

  evaluate(value: Value, frame: Frame): Promise<Value> {
    return this.value(value, frame, 0);
  }

  private async value(value: Value, frame: Frame, depth: number): Promise<Value> {
    if (typeof value !== 'object' || value === null || !containsFunction(value)) return value;
    if (depth > RECURSION_LIMIT) throw new RecursionLimitError(frame.path);
    if (Array.isArray(value)) return this.list(value, frame, depth);
    const call = parseFunction(value);
    return call ? this.call(call, value, frame, depth) : this.dict(value, frame, depth);
  }

  private async list(value: Value[], frame: Frame, depth: number): Promise<Value> {
    let copy: Value[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item !== 'object' || item === null) continue;
      const result = await this.value(item, { ...frame, path: `${frame.path}[${i}]` }, depth + 1);
      if (result !== item) (copy ??= value.slice())[i] = result;
    }
    return copy ?? value;
  }

  private async dict(value: Dict, frame: Frame, depth: number): Promise<Value> {
    let copy: Dict | null = null;
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (typeof item !== 'object' || item === null) continue;
      const result = await this.value(item, { ...frame, path: `${frame.path}.${key}` }, depth + 1);
      if (result !== item) (copy ??= { ...value })[key] = result;
    }
    return copy ?? value;
  }

  private async call(call: FunctionCall, raw: Dict, frame: Frame, depth: number): Promise<Value> {
    const definition = FUNCTIONS[call.name];
    try {
      definition.checkArgs(call.args);
      const args = await this.value(call.args, frame, depth + 1);
      const deferred = containsFunction(args) || (this.options.mode === 'plan' && !isHybrid(call.name));
      if (deferred) return args === call.args ? raw : callValue(call, args);
      const result = await definition.evaluate(args, {
        mode: this.options.mode,
        frame,
        context: this.options.context,
        call,
        evaluate: (v, f) => this.value(v, f, depth + 1),
      });
      return await this.value(result.value, result.frame ?? frame, depth + 1);
    } catch (err) {
      if (frame.renderErrors && err instanceof FunctionEvaluationError && !(err instanceof RecursionLimitError)) {
        return `<ERROR: ${err.message}>`;
      }
      throw err;
    }
  }
}

/** Evaluates one value. */
export function evaluateValue(value: Value, frame: Frame, options: EvaluatorOptions): Promise<Value> {
  return new Evaluator(options).evaluate(value, frame);
}
