import { describe, expect, it } from '@jest/globals';
import { DslError } from '../../../../src/dsl/errors';
import type { Plan } from '../../../../src/dsl/plan';
import { UnknownInputError, validateFunctions } from '../../../../src/dsl/functions';
import { connectedTo, node, op, plan } from '../instances/plan-builder';

function withNodeProperty(value: unknown, parts: Partial<Plan> = {}): Plan {
  return plan({
    inputs: { known: { type: 'string' } },
    nodes: [node('web', { properties: { p: value as never, port: 80, list: [1, 2] } }), node('db', { properties: { name: 'x' } })],
    ...parts,
  });
}

function failure(p: Plan): DslError {
  try {
    validateFunctions(p);
  } catch (err) {
    return err as DslError;
  }
  throw new Error('expected validateFunctions to fail');
}

describe('validateFunctions', () => {
  it('accepts well-formed calls in every scope', () => {
    const p = plan({
      tosca_definitions_version: 'cloudify_dsl_1_4',
      inputs: { port: { type: 'integer' } },
      nodes: [
        node('web', {
          properties: { port: { get_input: 'port' }, copy: { get_property: ['SELF', 'port'] }, other: { get_property: ['db', 'name'] } },
          operations: { 'cloudify.interfaces.lifecycle.start': op({ ip: { get_attribute: ['SELF', 'ip'] }, db: { get_attribute: ['db', 'ip'] } }) },
          relationships: [connectedTo('db', { source_operations: { establish: op({ t: { get_attribute: ['TARGET', 'ip'] }, p: { get_property: ['TARGET', 'name'] } }) } })],
        }),
        node('db', { properties: { name: 'db' } }),
      ],
      outputs: { url: { value: { concat: ['http://', { get_attribute: ['web', 'ip'] }, ':', { get_property: ['web', 'port'] }] } } },
      capabilities: { merged: { value: { merge: [{ a: 1 }, { get_input: 'port' }] } } },
    });
    expect(() => validateFunctions(p)).not.toThrow();
  });

  it('rejects get_input of an unknown input with UnknownInputError and no numeric code', () => {
    const err = failure(withNodeProperty({ get_input: 'unknown' }));
    expect(err).toBeInstanceOf(UnknownInputError);
    expect(err.code).toBeNull();
    expect(err.message).toContain("get_input function references an unknown input 'unknown'.");
    expect(err.message).toContain('nodes.web.properties');
    // also when the name heads a path, and inside another function's arguments
    expect(failure(withNodeProperty({ get_input: ['unknown', 'k'] }))).toBeInstanceOf(UnknownInputError);
    expect(failure(withNodeProperty({ concat: ['a', { get_input: 'unknown' }] }))).toBeInstanceOf(UnknownInputError);
  });

  it('rejects SELF in outputs and SOURCE/TARGET in node scope', () => {
    const outputs = plan({ nodes: [node('web')], outputs: { o: { value: { get_attribute: ['SELF', 'ip'] } } } });
    expect(failure(outputs).message).toContain('SELF cannot be used with get_attribute function in outputs.o');
    expect(failure(withNodeProperty({ get_attribute: ['TARGET', 'ip'] })).message).toContain('TARGET cannot be used with get_attribute function');
    expect(failure(withNodeProperty({ get_property: ['SOURCE', 'port'] })).message).toContain('SOURCE can only be used within a relationship');
    const relSelf = plan({ nodes: [node('web', { relationships: [connectedTo('db', { target_operations: { x: op({ a: { get_attribute: ['SELF', 'ip'] } }) } })] }), node('db')] });
    expect(failure(relSelf).message).toContain('SELF cannot be used with get_attribute function');
  });

  it('rejects get_property of an unknown node or property, and get_attribute of an unknown node', () => {
    expect(failure(withNodeProperty({ get_property: ['ghost', 'x'] })).message).toContain("node 'ghost' referenced from 'nodes.web.properties' does not exist");
    expect(failure(withNodeProperty({ get_property: ['db', 'nope'] })).message).toContain("Node template property 'db.properties.nope' referenced from 'nodes.web.properties' doesn't exist.");
    expect(failure(withNodeProperty({ get_property: ['SELF', 'list', 5] })).message).toContain('index is out of range');
    expect(failure(withNodeProperty({ get_attribute: ['ghost', 'ip'] })).message).toContain("get_attribute function node reference 'ghost' does not exist.");
  });

  it('does not check what it cannot know statically', () => {
    expect(() => validateFunctions(withNodeProperty({ get_property: [{ get_input: 'known' }, 'x'] }))).not.toThrow();
    expect(() => validateFunctions(withNodeProperty({ get_secret: { get_input: 'known' } }))).not.toThrow();
  });

  it('applies version gates: concat needs 1_1, merge needs 1_3', () => {
    expect(failure(withNodeProperty({ concat: ['a'] }, { tosca_definitions_version: 'cloudify_dsl_1_0' })).message).toContain('requires using dsl version 1_1');
    expect(failure(withNodeProperty({ merge: [{ a: 1 }] }, { tosca_definitions_version: 'cloudify_dsl_1_2' })).message).toContain('requires using dsl version 1_3');
    expect(failure(withNodeProperty({ merge: [{ a: 1 }, 'x'] })).message).toContain('non-dict element');
  });

  it('rejects malformed arguments', () => {
    expect(failure(withNodeProperty({ get_property: ['db'] })).message).toContain('get_property');
    expect(failure(withNodeProperty({ get_attribute: 'db' })).message).toContain('get_attribute');
    expect(failure(withNodeProperty({ concat: 'abc' })).message).toContain('concat');
    expect(failure(withNodeProperty({ string_split: ['a'] })).message).toContain('should be called with 2 to 3 parameters');
    expect(failure(withNodeProperty({ string_lower: 5 })).message).toContain('exactly one parameter');
    expect(failure(withNodeProperty({ string_find: ['a', 5] })).message).toContain('argument `needle` should be of type str');
    expect(failure(withNodeProperty({ get_secret: ['only'] })).message).toContain('get_secret');
    expect(failure(withNodeProperty({ get_sys: ['cluster', 'name'] })).message).toContain('unable to determine entity: cluster');
    expect(failure(withNodeProperty({ get_sys: ['deployment', 'color'] })).message).toContain('unable to determine property: deployment color');
    expect(failure(withNodeProperty({ get_label: ['env', 'first'] })).message).toContain('label-values list index');
    expect(failure(withNodeProperty({ get_consumers: 'all' })).message).toContain('get_consumers');
    expect(failure(withNodeProperty({ get_attributes_dict: ['db', 'a', ['a']] })).message).toContain('duplicated');
  });

  it('ignores relationship properties, workflow parameters and group triggers', () => {
    const p = plan({
      nodes: [node('web', { relationships: [connectedTo('db', { properties: { x: { get_input: 'nope' } } })] }), node('db')],
      workflows: { w: { operation: 'x.y', plugin: 'p', parameters: { a: { default: { get_input: 'nope' } } }, is_cascading: false, availability_rules: null } },
    });
    expect(() => validateFunctions(p)).not.toThrow();
  });

  it('errors are DSL errors answered as invalid_blueprint_error', () => {
    const err = failure(withNodeProperty({ get_property: ['ghost', 'x'] }));
    expect(err).toBeInstanceOf(DslError);
    expect(err.errorCode).toBe('invalid_blueprint_error');
  });
});
