import { describe, expect, it } from '@jest/globals';
import { NonRecoverableError } from '../../../src/operations/context';
import { OperationRegistry } from '../../../src/operations/registry';
import { testContext } from './context';

describe('OperationRegistry', () => {
  it('has the stratus built-ins registered by default, and none without them', () => {
    const registry = new OperationRegistry();
    for (const name of ['noop', 'sleep', 'fail', 'set_runtime_properties', 'http_request']) expect(registry.has(`stratus.ops.${name}`)).toBe(true);
    expect(new OperationRegistry(false).has('stratus.ops.noop')).toBe(false);
  });

  it('resolves a registered plugin function by plugin and module.function', async () => {
    const registry = new OperationRegistry(false).register('cloud.vm.create', (ctx) => ctx.setRuntimeProperties({ made: ctx.inputs.size }));
    const ctx = testContext({ size: 'large' });
    await registry.resolve('cloud', 'vm.create')(ctx);
    expect(ctx.written).toEqual({ made: 'large' });
  });

  it('fails an unknown operation or plugin non-recoverably, naming it and listing what is registered', () => {
    const registry = new OperationRegistry(false).register('cloud.vm.create', () => undefined);
    const unknownOperation = () => registry.resolve('cloud', 'vm.delete');
    expect(unknownOperation).toThrow(NonRecoverableError);
    expect(unknownOperation).toThrow(/No central operation vm\.delete in plugin cloud.*cloud\.vm\.delete is not registered.*registered: cloud\.vm\.create/);
    expect(() => registry.resolve('other', 'vm.create')).toThrow(/in plugin other.*other\.vm\.create is not registered/);
    // Same function name under another plugin does not match.
    expect(() => new OperationRegistry().resolve('stratu', 's.ops.noop')).toThrow(NonRecoverableError);
  });

  it('refuses names that are not plugin.module.function', () => {
    const registry = new OperationRegistry(false);
    for (const bad of ['noop', '', 'a b.c', 'plugin.', '.x']) expect(() => registry.register(bad, () => undefined)).toThrow(/Invalid operation name/);
    expect(registry.has('noop')).toBe(false);
  });

  it('a later registration replaces an earlier one', async () => {
    const calls: string[] = [];
    const registry = new OperationRegistry(false).register('p.m.f', () => calls.push('first')).register('p.m.f', () => calls.push('second'));
    await registry.resolve('p', 'm.f')(testContext({}));
    expect(calls).toEqual(['second']);
  });
});
