/**
 * The `stratus` plugin's operations (declared by the DSL's built-in library, src/dsl/library/plugins.ts):
 *
 * - `ops.noop`: does nothing.
 * - `ops.sleep(seconds)`: waits (stops early when the invocation is aborted).
 * - `ops.fail(message, recoverable = true, times)`: fails; with `times`, only the first `times`
 *   attempts fail and later ones succeed (for retry tests and demos).
 * - `ops.set_runtime_properties(properties)`: merges `properties` into the instance's runtime properties.
 * - `ops.http_request(...)`: an HTTP call, see ./http.ts.
 */
import type { Dict } from '../dsl';
import type { OperationContext, OperationFunction } from './context';
import { NonRecoverableError, RecoverableError } from './context';
import { httpRequest } from './http';

function numberInput(ctx: OperationContext, name: string, fallback: number | null): number | null {
  const value = ctx.inputs[name];
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) throw new NonRecoverableError(`Input ${name} of ${ctx.name} must be a non-negative number, got ${JSON.stringify(value)}`);
  return number;
}

function boolInput(ctx: OperationContext, name: string, fallback: boolean): boolean {
  const value = ctx.inputs[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new NonRecoverableError(`Input ${name} of ${ctx.name} must be a boolean, got ${JSON.stringify(value)}`);
}

const sleep: OperationFunction = async (ctx) => {
  const seconds = numberInput(ctx, 'seconds', 0)!;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
};

const fail: OperationFunction = (ctx) => {
  const times = numberInput(ctx, 'times', null);
  if (times !== null && ctx.attempt > times) {
    ctx.logger.info(`Attempt ${ctx.attempt} succeeds (failing only the first ${times})`);
    return;
  }
  const message = typeof ctx.inputs.message === 'string' ? ctx.inputs.message : `${ctx.operation} failed (stratus.ops.fail)`;
  if (boolInput(ctx, 'recoverable', true)) throw new RecoverableError(message);
  throw new NonRecoverableError(message);
};

const setRuntimeProperties: OperationFunction = async (ctx) => {
  const properties = ctx.inputs.properties;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) throw new NonRecoverableError(`Input properties of ${ctx.name} must be a dict`);
  await ctx.setRuntimeProperties(properties as Dict);
};

export const STRATUS_BUILTINS: Record<string, OperationFunction> = {
  'ops.noop': () => undefined,
  'ops.sleep': sleep,
  'ops.fail': fail,
  'ops.set_runtime_properties': setRuntimeProperties,
  'ops.http_request': httpRequest,
};
