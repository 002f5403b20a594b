import { describe, expect, it } from '@jest/globals';
import { CtxError, formatCtxValue, Namespace, parseArg, parsePath, readPath, resolveCtx, writePath } from '../../../agent/ctx/resolve';

function root() {
  const runtime: Record<string, unknown> = { a: { b: [1, { c: 'deep' }] }, port: 80 };
  const calls: unknown[] = [];
  const ns = new Namespace({
    node: new Namespace({ id: 'web', properties: { port: 8080, nested: { list: ['x', 'y'] } } }),
    instance: new Namespace({ id: 'web_1', runtime_properties: runtime, host_ip: '10.0.0.5' }),
    logger: new Namespace({ info: (args: unknown[], kwargs: Record<string, unknown>) => (calls.push(['info', args, kwargs]), null) }),
    retry_operation: (args: unknown[], kwargs: Record<string, unknown>) => (calls.push(['retry', args, kwargs]), null),
  });
  return { ns, runtime, calls };
}

describe('ctx argument resolution', () => {
  it('reads node properties and runtime properties by dotted path with list indexes', async () => {
    const { ns } = root();
    expect(await resolveCtx(ns, ['node', 'properties', 'port'])).toBe(8080);
    expect(await resolveCtx(ns, ['node', 'properties', 'nested.list[1]'])).toBe('y');
    expect(await resolveCtx(ns, ['instance', 'runtime-properties', 'a.b[1].c'])).toBe('deep');
    expect(await resolveCtx(ns, ['instance', 'host-ip'])).toBe('10.0.0.5');
    expect(await resolveCtx(ns, ['instance', 'runtime-properties', 'missing.key'])).toBeNull();
    expect(await resolveCtx(ns, ['node', 'properties'])).toEqual({ port: 8080, nested: { list: ['x', 'y'] } });
  });

  it('writes with intermediates created and @ values parsed as JSON', async () => {
    const { ns, runtime } = root();
    await resolveCtx(ns, ['instance', 'runtime-properties', 'pid', '123']);
    await resolveCtx(ns, ['instance', 'runtime-properties', 'count', '@14']);
    await resolveCtx(ns, ['instance', 'runtime-properties', 'x.y.z', '@{"k":[true,null]}']);
    await resolveCtx(ns, ['instance', 'runtime-properties', 'a.b[0]', '@2']);
    expect(runtime.pid).toBe('123');
    expect(runtime.count).toBe(14);
    expect(runtime.x).toEqual({ y: { z: { k: [true, null] } } });
    expect((runtime.a as { b: unknown[] }).b[0]).toBe(2);
  });

  it('calls callables with positional args and a trailing dict as kwargs', async () => {
    const { ns, calls } = root();
    await resolveCtx(ns, ['logger', 'info', 'hello world']);
    await resolveCtx(ns, ['retry-operation', 'later', '@30']);
    await resolveCtx(ns, ['retry-operation', 'x', '@{"a":1}']);
    expect(calls).toEqual([
      ['info', ['hello world'], {}],
      ['retry', ['later', 30], {}],
      ['retry', ['x'], { a: 1 }],
    ]);
  });

  it('rejects unknown attributes, bad JSON, bad paths and too many arguments clearly', async () => {
    const { ns } = root();
    await expect(resolveCtx(ns, ['nodes'])).rejects.toThrow(/ctx has no attribute nodes/);
    await expect(resolveCtx(ns, ['node', 'nope'])).rejects.toThrow(CtxError);
    await expect(resolveCtx(ns, ['instance', 'runtime-properties', 'k', '@{bad'])).rejects.toThrow(/not JSON/);
    await expect(resolveCtx(ns, ['instance', 'runtime-properties', 'a..b'])).rejects.toThrow(/Invalid property path/);
    await expect(resolveCtx(ns, ['instance', 'runtime-properties', 'a', 'b', 'c'])).rejects.toThrow(/Too many arguments/);
    await expect(resolveCtx(ns, ['node'])).rejects.toThrow(/not a value/);
  });

  it('parses paths, args and formats values as the ctx CLI prints them', () => {
    expect(parsePath('a.b[2][0].c')).toEqual(['a', 'b', 2, 0, 'c']);
    expect(parseArg('@[1,2]')).toEqual([1, 2]);
    expect(parseArg('plain')).toBe('plain');
    const dict: Record<string, unknown> = {};
    writePath(dict, 'l', []);
    expect(() => writePath(dict, 'l[3].x', 1)).toThrow(/index 3 does not exist/);
    expect(readPath({ a: [5] }, 'a[0]')).toBe(5);
    expect(formatCtxValue('text')).toBe('text');
    expect(formatCtxValue(null)).toBe('');
    expect(formatCtxValue({ a: 1 })).toBe('{"a":1}');
    expect(formatCtxValue(3)).toBe('3');
  });
});
