/**
 * Calls a handler the way the Lambda runtime would: with a Context (request id, function name,
 * remaining time) and the function's timeout from resources.ts. A timed-out invocation is reported
 * as failed; Node cannot abort its promise, so it finishes in the background and its result is
 * ignored (in Lambda the sandbox would be frozen instead).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { FUNCTIONS } from '../src/config/resources';
import type { FunctionId } from '../src/config/resources';

export type Handler<TEvent = unknown, TResult = unknown> = (event: TEvent, context: Context) => Promise<TResult>;

export class InvocationTimeoutError extends Error {
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName} timed out after ${timeoutMs} ms`);
    this.name = 'InvocationTimeoutError';
  }
}

export function lambdaContext(functionName: string, timeoutMs: number, region: string): Context {
  const deadline = Date.now() + timeoutMs;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface LocalFunction<TEvent, TResult> {
  id: FunctionId;
  /** Physical name used in the context (e.g. `stratus-local-httpApi`). */
  name: string;
  timeoutMs: number;
  region: string;
  handler: Handler<TEvent, TResult>;
}

export function localFunction<TEvent, TResult>(
  id: FunctionId,
  stage: string,
  region: string,
  handler: Handler<TEvent, TResult>,
): LocalFunction<TEvent, TResult> {
  const definition = FUNCTIONS[id];
  return { id, name: `stratus-${stage}-${id}`, timeoutMs: definition.timeoutSeconds * 1000, region, handler };
}

export async function invoke<TEvent, TResult>(fn: LocalFunction<TEvent, TResult>, event: TEvent): Promise<TResult> {
  const context = lambdaContext(fn.name, fn.timeoutMs, fn.region);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationTimeoutError(fn.name, fn.timeoutMs)), fn.timeoutMs);
  });
  try {
    return await Promise.race([fn.handler(event, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
