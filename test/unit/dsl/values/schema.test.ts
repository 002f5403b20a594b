import { describe, expect, it } from '@jest/globals';
import { DslError } from '../../../../src/dsl/errors';
import { castToType, mergeSchemaAndInstance, ownerMessages, validateInputValue } from '../../../../src/dsl/values';
import type { DataTypes, Schema } from '../../../../src/dsl/values';

function codeOf(fn: () => unknown): number | null | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof DslError) return err.code;
    throw err;
  }
  return undefined;
}

const dataTypes: DataTypes = {
  AgentConfig: {
    properties: {
      install_method: { type: 'string', required: true },
      port: { type: 'integer', required: false },
      user: { type: 'string', required: false },
    },
  },
  Outer: { properties: { inner: { type: 'AgentConfig', default: { install_method: 'none' } }, name: { type: 'string', default: 'n' } } },
};

const schema: Schema = {
  ip: { default: '' },
  port: { type: 'integer', default: 80 },
  agent_config: { type: 'AgentConfig', default: { install_method: 'remote', port: 22 } },
  mandatory: {},
  optional: { required: false },
};

describe('mergeSchemaAndInstance', () => {
  const msg = ownerMessages('vm');
  it('fills defaults, keeps given values and deep-merges data-typed defaults', () => {
    const merged = mergeSchemaAndInstance({ mandatory: 1, agent_config: { user: 'ubuntu' } }, schema, dataTypes, msg);
    expect(merged).toEqual({ ip: '', port: 80, agent_config: { install_method: 'remote', port: 22, user: 'ubuntu' }, mandatory: 1 });
  });
  it('rejects undefined properties (106), missing mandatory ones (107) and wrong types (105)', () => {
    expect(codeOf(() => mergeSchemaAndInstance({ mandatory: 1, nope: 2 }, schema, dataTypes, msg))).toBe(106);
    expect(codeOf(() => mergeSchemaAndInstance({}, schema, dataTypes, msg))).toBe(107);
    expect(codeOf(() => mergeSchemaAndInstance({ mandatory: 1, port: 'eighty' }, schema, dataTypes, msg))).toBe(105);
    expect(codeOf(() => mergeSchemaAndInstance({ mandatory: 1, port: true }, schema, dataTypes, msg))).toBe(105);
    expect(codeOf(() => mergeSchemaAndInstance({ mandatory: 1, agent_config: { port: 'x' } }, schema, dataTypes, msg))).toBe(105);
    expect(codeOf(() => mergeSchemaAndInstance({ mandatory: 1, agent_config: { bogus: 1 } }, schema, dataTypes, msg))).toBe(106);
  });
  it('does not type-check function values and lets use_external_resource waive required ones', () => {
    expect(mergeSchemaAndInstance({ mandatory: 1, port: { get_input: 'p' } }, schema, dataTypes, msg).port).toEqual({ get_input: 'p' });
    const ext: Schema = { use_external_resource: { type: 'boolean', default: false }, must: {} };
    expect(mergeSchemaAndInstance({ use_external_resource: true }, ext, dataTypes, msg)).toEqual({ use_external_resource: true });
    expect(codeOf(() => mergeSchemaAndInstance({ use_external_resource: { get_input: 'x' }, must: 1 }, ext, dataTypes, msg))).toBe(219);
  });
  it('string accepts any value and float accepts integers, as in Cloudify', () => {
    const s: Schema = { a: { type: 'string' }, b: { type: 'float' } };
    expect(mergeSchemaAndInstance({ a: 8000, b: 3 }, s, dataTypes, msg)).toEqual({ a: 8000, b: 3 });
  });
  it('the message names the node and the property path', () => {
    expect(() => mergeSchemaAndInstance({ mandatory: 1, agent_config: { port: 'x' } }, schema, dataTypes, msg)).toThrow(
      "Property type validation failed in 'vm': property 'agent_config.port' type is 'integer', yet it was assigned with the value 'x'",
    );
  });
});

describe('validateInputValue', () => {
  it('checks type, item_type, data types and constraints', () => {
    expect(validateInputValue('n', { type: 'integer', constraints: [{ in_range: [1, 3] }] }, 2, dataTypes)).toBe(2);
    expect(codeOf(() => validateInputValue('n', { type: 'integer' }, 'x', dataTypes))).toBe(105);
    expect(codeOf(() => validateInputValue('n', { type: 'integer', constraints: [{ in_range: [1, 3] }] }, 5, dataTypes))).toBeNull();
    expect(codeOf(() => validateInputValue('l', { type: 'list', item_type: 'integer' }, [1, 'a'], dataTypes))).toBe(105);
    expect(validateInputValue('o', { type: 'Outer' }, {}, dataTypes)).toEqual({ inner: { install_method: 'none' }, name: 'n' });
    expect(codeOf(() => validateInputValue('a', { type: 'AgentConfig' }, {}, dataTypes))).toBe(107);
  });
  it('casts command-line strings only when they convert', () => {
    expect(castToType('5', 'integer')).toBe(5);
    expect(castToType('5.5', 'float')).toBe(5.5);
    expect(castToType('true', 'boolean')).toBe(true);
    expect(castToType('yes', 'boolean')).toBe('yes');
    expect(castToType('x', 'integer')).toBe('x');
  });
});
