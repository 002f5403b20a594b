/**
 * A real OperationContext for calling operation functions directly: inputs, attempt, a logger
 * that keeps its lines, runtime properties kept the way the runner keeps them (merged, returned by
 * instance()), and an abort signal the test controls.
 */
import type { Dict } from '../../../src/dsl';
import type { OperationContext } from '../../../src/operations/context';
import { NonRecoverableError, OperationRetry } from '../../../src/operations/context';

export interface TestContext extends OperationContext {
  lines: { level: string; message: string }[];
  written: Dict;
  controller: AbortController;
}

export function testContext(inputs: Dict, options: { attempt?: number; name?: string; runtimeProperties?: Dict } = {}): TestContext {
  const controller = new AbortController();
  const lines: { level: string; message: string }[] = [];
  const ctx: TestContext = {
    name: options.name ?? 'stratus.ops.test',
    operation: 'cloudify.interfaces.lifecycle.create',
    executionId: 'e1',
    deploymentId: 'd1',
    inputs,
    attempt: options.attempt ?? 1,
    maxRetries: 3,
    node: async () => ({ id: 'app', type: 'cloudify.nodes.Root', properties: {} }),
    instance: async () => ({ id: 'app_1', node_id: 'app', host_id: null, state: 'creating', runtime_properties: { ...options.runtimeProperties, ...ctx.written } }),
    setRuntimeProperties: async (properties) => {
      ctx.written = { ...ctx.written, ...properties };
    },
    relationship: null,
    logger: {
      debug: (message) => lines.push({ level: 'debug', message }),
      info: (message) => lines.push({ level: 'info', message }),
      warning: (message) => lines.push({ level: 'warning', message }),
      error: (message) => lines.push({ level: 'error', message }),
    },
    retry: (message, afterSeconds) => {
      throw new OperationRetry(message, afterSeconds ?? null);
    },
    abort: (message) => {
      throw new NonRecoverableError(message);
    },
    signal: controller.signal,
    lines,
    written: {},
    controller,
  };
  return ctx;
}
