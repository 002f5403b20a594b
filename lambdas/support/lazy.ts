/**
 * The exported `handler` of an entry file: builds the real handler from process.env on the first
 * invocation (after Lambda has set the environment) and reuses it for every warm invocation.
 */
import type { Context } from 'aws-lambda';
import { settingsFromEnv } from './settings';
import type { HandlerSettings } from './settings';

export type LambdaHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

export function lazyHandler<TEvent, TResult>(
  build: (settings: HandlerSettings) => LambdaHandler<TEvent, TResult>,
): LambdaHandler<TEvent, TResult> {
  let built: LambdaHandler<TEvent, TResult> | undefined;
  return (event, context) => {
    built ??= build(settingsFromEnv(process.env));
    return built(event, context);
  };
}
