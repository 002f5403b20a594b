import { describe, expect, it } from '@jest/globals';
import type { Dict } from '../../../src/dsl';
import { NonRecoverableError, RecoverableError } from '../../../src/operations/context';
import { OperationRegistry } from '../../../src/operations/registry';
import { testContext } from './context';

const registry = new OperationRegistry();
const op = (name: string) => registry.resolve('stratus', `ops.${name}`);

describe('stratus.ops.noop', () => {
  it('does nothing: no runtime properties, no logs', async () => {
    const ctx = testContext({ anything: 1 });
    await op('noop')(ctx);
    expect(ctx.written).toEqual({});
    expect(ctx.lines).toEqual([]);
  });
});

describe('stratus.ops.sleep', () => {
  it('waits the given seconds (a string number too)', async () => {
    const start = Date.now();
    await op('sleep')(testContext({ seconds: '0.15' }));
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
  });

  it('stops early when the invocation is aborted', async () => {
    const ctx = testContext({ seconds: 30 });
    const start = Date.now();
    setTimeout(() => ctx.controller.abort(), 50);
    await op('sleep')(ctx);
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('refuses a negative or non-numeric duration non-recoverably', async () => {
    await expect(op('sleep')(testContext({ seconds: -1 }))).rejects.toThrow(NonRecoverableError);
    await expect(op('sleep')(testContext({ seconds: 'soon' }))).rejects.toThrow(/Input seconds of stratus.ops.test must be a non-negative number, got "soon"/);
  });
});

describe('stratus.ops.fail', () => {
  it('fails recoverably by default with its message', () => {
    const run = () => op('fail')(testContext({ message: 'boom' }));
    expect(run).toThrow(RecoverableError);
    expect(run).toThrow('boom');
  });

  it('fails non-recoverably with recoverable false (boolean or string)', () => {
    expect(() => op('fail')(testContext({ recoverable: false }))).toThrow(NonRecoverableError);
    expect(() => op('fail')(testContext({ recoverable: 'false' }))).toThrow(NonRecoverableError);
    expect(() => op('fail')(testContext({ recoverable: 'true' }))).toThrow(RecoverableError);
  });

  it('names the operation when no message is given', () => {
    expect(() => op('fail')(testContext({}))).toThrow('cloudify.interfaces.lifecycle.create failed (stratus.ops.fail)');
  });

  it('with times, fails only the first `times` attempts and then succeeds with a log line', () => {
    expect(() => op('fail')(testContext({ times: 2 }, { attempt: 1 }))).toThrow(RecoverableError);
    expect(() => op('fail')(testContext({ times: 2 }, { attempt: 2 }))).toThrow(RecoverableError);
    const third = testContext({ times: 2 }, { attempt: 3 });
    expect(op('fail')(third)).toBeUndefined();
    expect(third.lines).toEqual([{ level: 'info', message: 'Attempt 3 succeeds (failing only the first 2)' }]);
    expect(() => op('fail')(testContext({ times: 0 }, { attempt: 1 }))).not.toThrow();
  });

  it('refuses a bad recoverable or times input', () => {
    expect(() => op('fail')(testContext({ recoverable: 'maybe' }))).toThrow(/Input recoverable .* must be a boolean/);
    expect(() => op('fail')(testContext({ times: 'x' }))).toThrow(/Input times .* must be a non-negative number/);
  });
});

describe('stratus.ops.set_runtime_properties', () => {
  it('merges the properties into what the instance already has (and into earlier writes)', async () => {
    const ctx = testContext({ properties: { ip: '10.0.0.1', nested: { a: 1 } } }, { runtimeProperties: { keep: true, ip: 'old' } });
    await ctx.setRuntimeProperties({ earlier: 1 });
    await op('set_runtime_properties')(ctx);
    expect(ctx.written).toEqual({ earlier: 1, ip: '10.0.0.1', nested: { a: 1 } });
    expect((await ctx.instance()).runtime_properties).toEqual({ keep: true, earlier: 1, ip: '10.0.0.1', nested: { a: 1 } });
  });

  it('refuses properties that are not a dict', async () => {
    for (const inputs of [{}, { properties: null }, { properties: 'x' }, { properties: [1, 2] }] as Dict[]) {
      await expect(op('set_runtime_properties')(testContext(inputs))).rejects.toThrow(/Input properties of stratus.ops.test must be a dict/);
    }
  });
});
