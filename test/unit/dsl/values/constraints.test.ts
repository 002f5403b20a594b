import { describe, expect, it } from '@jest/globals';
import { DslError } from '../../../../src/dsl/errors';
import { checkConstraints, findConstraintViolation, parseConstraints } from '../../../../src/dsl/values';

const V15 = 'cloudify_dsl_1_5' as const;
const V13 = 'cloudify_dsl_1_3' as const;

function codeOf(fn: () => unknown): number | null | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof DslError) return err.code;
    throw err;
  }
  return undefined;
}

describe('parseConstraints', () => {
  it('accepts every documented operator with a valid argument', () => {
    const parsed = parseConstraints(
      [
        { equal: 'x' },
        { greater_than: 1 },
        { greater_or_equal: 1.5 },
        { less_than: 10 },
        { less_or_equal: 10 },
        { in_range: [1, 5] },
        { valid_values: ['a', 'b'] },
        { length: 3 },
        { min_length: 1 },
        { max_length: 9 },
        { pattern: '^[a-z]+$' },
      ],
      'port',
      V13,
    );
    expect(parsed.map((c) => c.name)).toEqual([
      'equal', 'greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'in_range',
      'valid_values', 'length', 'min_length', 'max_length', 'pattern',
    ]);
  });

  it('rejects unknown, empty and multi-operator entries with 103', () => {
    expect(codeOf(() => parseConstraints([{ bigger: 1 }], 'x', V13))).toBe(103);
    expect(codeOf(() => parseConstraints([{}], 'x', V13))).toBe(103);
    expect(codeOf(() => parseConstraints([{ min_length: 1, max_length: 2 }], 'x', V13))).toBe(103);
  });

  it('rejects bad arguments and functions as arguments with 212', () => {
    expect(codeOf(() => parseConstraints([{ greater_than: 'a' }], 'x', V13))).toBe(212);
    expect(codeOf(() => parseConstraints([{ in_range: [1] }], 'x', V13))).toBe(212);
    expect(codeOf(() => parseConstraints([{ valid_values: 'a' }], 'x', V13))).toBe(212);
    expect(codeOf(() => parseConstraints([{ pattern: '(' }], 'x', V13))).toBe(212);
    expect(codeOf(() => parseConstraints([{ max_length: { get_input: 'n' } }], 'x', V13))).toBe(212);
  });

  it('gates error_message to 1_5 (102) and uses it as the violation message', () => {
    expect(codeOf(() => parseConstraints([{ min_length: 2, error_message: 'too short' }], 'x', V13))).toBe(102);
    const parsed = parseConstraints([{ min_length: 2, error_message: 'too short' }], 'x', V15);
    expect(findConstraintViolation('a', parsed, 'input x')).toBe('too short');
  });
});

describe('constraint predicates', () => {
  const c = (def: object) => parseConstraints([def], 'x', V15);
  it('compare numbers and strings, not mixed types', () => {
    expect(findConstraintViolation(5, c({ greater_than: 4 }), 'input x')).toBeNull();
    expect(findConstraintViolation(4, c({ greater_than: 4 }), 'input x')).toMatch(/violates constraint greater_than\(4\)/);
    expect(findConstraintViolation(4, c({ greater_or_equal: 4 }), 'input x')).toBeNull();
    expect(findConstraintViolation(3, c({ less_than: 3 }), 'input x')).not.toBeNull();
    expect(findConstraintViolation(3, c({ less_or_equal: 3 }), 'input x')).toBeNull();
    expect(findConstraintViolation('a', c({ greater_than: 4 }), 'input x')).toMatch(/not comparable/);
  });
  it('in_range, valid_values, equal', () => {
    expect(findConstraintViolation(3, c({ in_range: [1, 5] }), 'i')).toBeNull();
    expect(findConstraintViolation(6, c({ in_range: [1, 5] }), 'i')).not.toBeNull();
    expect(findConstraintViolation('b', c({ valid_values: ['a', 'b'] }), 'i')).toBeNull();
    expect(findConstraintViolation('c', c({ valid_values: ['a', 'b'] }), 'i')).not.toBeNull();
    expect(findConstraintViolation({ a: [1] }, c({ equal: { a: [1] } }), 'i')).toBeNull();
    expect(findConstraintViolation({ a: [2] }, c({ equal: { a: [1] } }), 'i')).not.toBeNull();
  });
  it('length family counts characters, items and keys', () => {
    expect(findConstraintViolation('héé', c({ length: 3 }), 'i')).toBeNull();
    expect(findConstraintViolation([1, 2], c({ min_length: 3 }), 'i')).not.toBeNull();
    expect(findConstraintViolation({ a: 1 }, c({ max_length: 1 }), 'i')).toBeNull();
    expect(findConstraintViolation(5, c({ length: 1 }), 'i')).toMatch(/length could not be computed/);
  });
  it('pattern is anchored at the start only, like Python re.match', () => {
    expect(findConstraintViolation('abc-rest', c({ pattern: 'abc' }), 'i')).toBeNull();
    expect(findConstraintViolation('xabc', c({ pattern: 'abc' }), 'i')).not.toBeNull();
    expect(findConstraintViolation('ab', c({ pattern: '(?P<x>a)(?P=x)?b' }), 'i')).toBeNull();
    expect(findConstraintViolation(12, c({ pattern: 'abc' }), 'i')).toMatch(/must be of type string/);
  });
  it('skips values holding functions and throws a code-less ValueCheckError', () => {
    expect(findConstraintViolation({ get_input: 'x' }, c({ min_length: 3 }), 'i')).toBeNull();
    expect(() => checkConstraints('a', c({ min_length: 3 }), 'input x')).toThrow(/violates constraint min_length\(3\)/);
    try {
      checkConstraints('a', c({ min_length: 3 }), 'input x');
    } catch (err) {
      expect((err as DslError).code).toBeNull();
    }
  });
});
