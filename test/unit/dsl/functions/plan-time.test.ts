import { describe, expect, it } from '@jest/globals';
import { FunctionEvaluationError } from '../../../../src/dsl/errors';
import type { Dict, Value } from '../../../../src/dsl/plan';
import { type Frame, RecursionLimitError, UnknownInputError, evaluateValue, planContext } from '../../../../src/dsl/functions';
import { connectedTo, node, plan } from '../instances/plan-builder';

const blueprint = plan({
  inputs: { port: { type: 'integer' }, cfg: { type: 'dict' }, names: { type: 'list' }, which: { type: 'string' } },
  nodes: [
    node('web', { properties: { port: { get_input: 'port' }, url: 'http://x', nested: { a: [10, { b: 'deep' }] }, self_port: { get_property: ['SELF', 'port'] } } }),
    node('db', { properties: { name: 'db1', loop_a: { get_property: ['SELF', 'loop_b'] }, loop_b: { get_property: ['SELF', 'loop_a'] } } }),
    node('app', { relationships: [connectedTo('db')] }),
  ],
});
const inputs: Dict = { port: 8080, cfg: { db: { host: 'h', ports: [1, 2] } }, names: ['a', 'b'], which: 'port' };
const webFrame: Frame = { scope: 'node_template', path: 'nodes.web.properties', node: 'web' };

function evaluate(value: Value, frame: Frame = webFrame, values: Dict = inputs): Promise<Value> {
  return evaluateValue(value, frame, { mode: 'plan', context: planContext(blueprint, values) });
}

describe('get_input', () => {
  it('reads an input by name', async () => {
    expect(await evaluate({ get_input: 'port' })).toBe(8080);
  });
  it('follows keys and list indexes into an input', async () => {
    expect(await evaluate({ get_input: ['cfg', 'db', 'host'] })).toBe('h');
    expect(await evaluate({ get_input: ['cfg', 'db', 'ports', 1] })).toBe(2);
    expect(await evaluate({ get_input: ['names', -1] })).toBe('b');
  });
  it('takes a function as the input name', async () => {
    expect(await evaluate({ get_input: { get_input: 'which' } })).toBe(8080);
  });
  it('fails clearly on a missing key, a bad index, an out-of-range index', async () => {
    await expect(evaluate({ get_input: ['cfg', 'nope'] })).rejects.toThrow("Input attribute 'nope' of 'cfg', doesn't exist.");
    await expect(evaluate({ get_input: ['names', 'x'] })).rejects.toThrow('is expected to be an int');
    await expect(evaluate({ get_input: ['names', 5] })).rejects.toThrow("List size of 'names' is 2 but index 5 is retrieved.");
    await expect(evaluate({ get_input: ['port', 'x'] })).rejects.toThrow(FunctionEvaluationError);
  });
  it('rejects an unknown input with UnknownInputError', async () => {
    await expect(evaluate({ get_input: 'missing' })).rejects.toThrow(UnknownInputError);
    await expect(evaluate({ get_input: 'missing' })).rejects.toThrow("get_input function references an unknown input 'missing'.");
  });
  it('checks a declared return type', async () => {
    expect(await evaluate({ get_input: 'port', type: 'integer' })).toBe(8080);
    await expect(evaluate({ get_input: 'port', type: 'string' })).rejects.toThrow("does not match data type declared for 'nodes.web.properties'");
  });
});

describe('get_property', () => {
  it('reads SELF and other nodes, with nested keys and indexes', async () => {
    expect(await evaluate({ get_property: ['SELF', 'url'] })).toBe('http://x');
    expect(await evaluate({ get_property: ['web', 'nested', 'a', 1, 'b'] })).toBe('deep');
    expect(await evaluate({ get_property: ['db', 'name'] })).toBe('db1');
  });
  it('evaluates what the property holds as part of its own node', async () => {
    // web.self_port is {get_property: [SELF, port]} where SELF is web, and web.port is get_input.
    const dbFrame: Frame = { scope: 'node_template', path: 'nodes.db.properties', node: 'db' };
    expect(await evaluate({ get_property: ['web', 'self_port'] }, dbFrame)).toBe(8080);
  });
  it('resolves SOURCE and TARGET in relationship scope', async () => {
    const frame: Frame = { scope: 'node_template_relationship', path: 'nodes.app.relationships[0]', node: 'app', targetNode: 'db' };
    expect(await evaluate({ get_property: ['TARGET', 'name'] }, frame)).toBe('db1');
    await expect(evaluate({ get_property: ['SOURCE', 'name'] }, frame)).rejects.toThrow("Node template property 'app.properties.name'");
  });
  it('refuses SELF outside node scope and SOURCE/TARGET outside relationships', async () => {
    await expect(evaluate({ get_property: ['SELF', 'url'] }, { scope: 'outputs', path: 'outputs.x' })).rejects.toThrow('SELF can only be used in a context of node template');
    await expect(evaluate({ get_property: ['TARGET', 'url'] })).rejects.toThrow('TARGET can only be used within a relationship');
  });
  it('fails on a missing property or node', async () => {
    await expect(evaluate({ get_property: ['web', 'nope'] })).rejects.toThrow("Node template property 'web.properties.nope' referenced from 'nodes.web.properties' doesn't exist.");
    await expect(evaluate({ get_property: ['ghost', 'x'] })).rejects.toThrow('Node ghost does not exist');
  });
  it('stops a reference cycle at the recursion limit', async () => {
    const dbFrame: Frame = { scope: 'node_template', path: 'nodes.db.properties', node: 'db' };
    await expect(evaluate({ get_property: ['SELF', 'loop_a'] }, dbFrame)).rejects.toThrow(RecursionLimitError);
    await expect(evaluate({ get_property: ['SELF', 'loop_a'] }, dbFrame)).rejects.toThrow('The recursion limit (50) has been reached');
  });
});

describe('concat and merge', () => {
  it('joins parts the way Python str() renders them', async () => {
    expect(await evaluate({ concat: ['http://', 'h', ':', 8080, '/', true, null, 1.5] })).toBe('http://h:8080/TrueNone1.5');
    expect(await evaluate({ concat: [['a', 1], { k: false }] })).toBe("['a', 1]{'k': False}");
  });
  it('evaluates nested functions in its parts', async () => {
    expect(await evaluate({ concat: ['port=', { get_input: 'port' }, { concat: ['-', { get_property: ['db', 'name'] }] }] })).toBe('port=8080-db1');
  });
  it('merges dicts left to right', async () => {
    expect(await evaluate({ merge: [{ a: 1, b: 1 }, { b: 2 }, { get_input: 'cfg' }] })).toEqual({ a: 1, b: 2, db: { host: 'h', ports: [1, 2] } });
  });
  it('fails to merge a non-dict', async () => {
    await expect(evaluate({ merge: [{ a: 1 }, { get_input: 'names' }] })).rejects.toThrow('encountered non-dict element for merge');
  });
});

describe('string functions', () => {
  it('string_find, string_lower, string_upper', async () => {
    expect(await evaluate({ string_find: ['hello world', 'o'] })).toBe(4);
    expect(await evaluate({ string_find: ['hello', 'z'] })).toBe(-1);
    expect(await evaluate({ string_lower: 'MiXeD' })).toBe('mixed');
    expect(await evaluate({ string_upper: { get_property: ['db', 'name'] } })).toBe('DB1');
  });
  it('string_replace with and without a count, and with an empty needle', async () => {
    expect(await evaluate({ string_replace: ['a-b-c-d', '-', '+'] })).toBe('a+b+c+d');
    expect(await evaluate({ string_replace: ['a-b-c-d', '-', '+', 2] })).toBe('a+b+c-d');
    expect(await evaluate({ string_replace: ['ab', '', '.'] })).toBe('.a.b.');
  });
  it('string_split with and without an index', async () => {
    expect(await evaluate({ string_split: ['a,b,c', ','] })).toEqual(['a', 'b', 'c']);
    expect(await evaluate({ string_split: ['a,b,c', ',', 1] })).toBe('b');
    expect(await evaluate({ string_split: ['a,b,c', ',', -1] })).toBe('c');
    await expect(evaluate({ string_split: ['a,b', ',', 7] })).rejects.toThrow('out of range');
  });
  it('rejects arguments of the wrong type once evaluated', async () => {
    await expect(evaluate({ string_lower: { get_input: 'port' } })).rejects.toThrow('argument `input` should be of type str but is 8080');
    await expect(evaluate({ string_replace: ['a', 'b', 'c', 'x'] })).rejects.toThrow('argument `count` should be of type int');
  });
});

describe('plan-time evaluation keeps runtime functions', () => {
  it('leaves get_attribute, get_secret, get_sys as expressions with evaluated arguments', async () => {
    expect(await evaluate({ get_attribute: ['SELF', { get_input: 'which' }] })).toEqual({ get_attribute: ['SELF', 'port'] });
    expect(await evaluate({ get_secret: { get_input: 'which' } })).toEqual({ get_secret: 'port' });
    expect(await evaluate({ get_sys: ['deployment', 'id'] })).toEqual({ get_sys: ['deployment', 'id'] });
  });
  it('keeps a concat whose parts are still functions, substituting what it could evaluate', async () => {
    const value: Value = { concat: ['http://', { get_attribute: ['db', 'ip'] }, ':', { get_input: 'port' }] };
    expect(await evaluate(value)).toEqual({ concat: ['http://', { get_attribute: ['db', 'ip'] }, ':', 8080] });
  });
  it('never mutates the value it evaluates and shares unchanged parts', async () => {
    const shared = { deep: ['x', 'y'] };
    const value = { a: { get_input: 'port' }, b: shared };
    const copy = structuredClone(value);
    const result = (await evaluate(value)) as Dict;
    expect(value).toEqual(copy);
    expect(result).toEqual({ a: 8080, b: shared });
    expect(result.b).toBe(shared);
  });
  it('returns the very same object when there is nothing to evaluate', async () => {
    const value = { a: [1, 2, { b: 'c' }] };
    expect(await evaluate(value)).toBe(value);
  });
  it('reads a map with a second non-type key as plain data, not as a call', async () => {
    const value = { get_input: 'port', other: 1 };
    expect(await evaluate(value)).toBe(value);
  });
});
