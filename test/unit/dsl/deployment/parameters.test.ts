import { describe, expect, it } from '@jest/globals';
import type { DslError } from '../../../../src/dsl/errors';
import type { PlanWorkflow } from '../../../../src/dsl/plan';
import { prepareExecutionParameters } from '../../../../src/dsl/deployment';
import { memoryContext } from '../../../../src/dsl/functions';

const workflow: Pick<PlanWorkflow, 'parameters'> = {
  parameters: {
    node_id: { type: 'string' },
    delta: { type: 'integer', default: 1, constraints: [{ greater_or_equal: -5 }] },
    port: { default: { get_input: 'port' } },
    token: { type: 'string', default: { get_secret: 'api_token' } },
    flags: { type: 'list', item_type: 'integer', default: [] },
  },
};
const plan = { data_types: {} };
const context = memoryContext({ inputs: { port: 8080 }, secrets: { api_token: 't0k3n' } });

async function failure(promise: Promise<unknown>): Promise<DslError> {
  try {
    await promise;
  } catch (err) {
    return err as DslError;
  }
  throw new Error('expected a failure');
}

describe('prepareExecutionParameters', () => {
  it('merges given values with defaults and evaluates functions in them', async () => {
    expect(await prepareExecutionParameters(plan, 'scale', workflow, { node_id: 'web', delta: '3' }, { context })).toEqual({
      node_id: 'web',
      delta: 3,
      port: 8080,
      token: 't0k3n',
      flags: [],
    });
  });
  it('names missing mandatory parameters', async () => {
    const err = await failure(prepareExecutionParameters(plan, 'scale', workflow, {}, { context }));
    expect(err.errorCode).toBe('illegal_execution_parameters_error');
    expect(err.message).toBe('Workflow "scale" must be provided with the following parameters to execute: node_id');
  });
  it('refuses undeclared parameters unless custom parameters are allowed', async () => {
    const err = await failure(prepareExecutionParameters(plan, 'scale', workflow, { node_id: 'a', extra: 1 }, { context }));
    expect(err.errorCode).toBe('illegal_execution_parameters_error');
    expect(err.message).toContain('does not have the following parameters declared: extra');
    expect(await prepareExecutionParameters(plan, 'scale', workflow, { node_id: 'a', extra: 1 }, { context, allowCustomParameters: true })).toMatchObject({ extra: 1 });
  });
  it('checks types and constraints', async () => {
    expect((await failure(prepareExecutionParameters(plan, 'scale', workflow, { node_id: 'a', delta: 'many' }, { context }))).errorCode).toBe('illegal_execution_parameters_error');
    expect((await failure(prepareExecutionParameters(plan, 'scale', workflow, { node_id: 'a', delta: -9 }, { context }))).errorCode).toBe('illegal_execution_parameters_error');
    expect((await failure(prepareExecutionParameters(plan, 'scale', workflow, { node_id: 'a', flags: ['x'] }, { context }))).errorCode).toBe('illegal_execution_parameters_error');
  });
  it('reports a default that cannot be evaluated', async () => {
    const bare = memoryContext({ inputs: {} });
    await expect(prepareExecutionParameters(plan, 'scale', workflow, { node_id: 'a' }, { context: bare })).rejects.toThrow("unknown input 'port'");
  });
});
