import { describe, expect, it } from '@jest/globals';
import { DslError } from '../../../../src/dsl/errors';
import { DEFAULT_LIMITS } from '../../../../src/dsl/load/limits';
import { LocationIndex } from '../../../../src/dsl/load/locations';
import { loadYaml } from '../../../../src/dsl/load/yaml-loader';
import type { Dict } from '../../../../src/dsl/plan';

function load(text: string, limits = DEFAULT_LIMITS, allowDuplicateKeys = false): { value: Dict; index: LocationIndex } {
  const index = new LocationIndex();
  return { value: loadYaml(text, 'f.yaml', limits, index, { allowDuplicateKeys }) as Dict, index };
}

/** A location as plain data (locations are computed lazily). */
function plain(location: unknown): unknown {
  return location === undefined ? undefined : JSON.parse(JSON.stringify(location));
}

function failure(text: string, limits = DEFAULT_LIMITS): DslError {
  try {
    load(text, limits);
  } catch (err) {
    if (err instanceof DslError) return err;
    throw err;
  }
  throw new Error('expected the load to fail');
}

const billionLaughs = [
  'lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((n, i) => `lol${i + 2}: &${n} [${Array(9).fill(`*${String.fromCharCode(n.charCodeAt(0) - 1)}`).join(',')}]`),
].join('\n');

describe('loadYaml', () => {
  it('reads YAML 1.1 the way PyYAML does (yes/no/on/off booleans, not y/n; merge keys)', () => {
    const { value } = load('a: [yes, no, on, off, y, n, True, ~, 0x1f, 1.5]\nbase: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n');
    expect(value.a).toEqual([true, false, true, false, 'y', 'n', true, null, 31, 1.5]);
    expect(value.m).toEqual({ x: 1, y: 3 });
  });

  it('gives aliases independent copies', () => {
    const { value } = load('a: &x {k: [1]}\nb: *x\n');
    expect(value.a).toEqual(value.b);
    expect(value.a).not.toBe(value.b);
  });

  it('rejects duplicate keys with their line and column', () => {
    const err = failure('top:\n  a: 1\n  a: 2\n');
    expect(err.code).toBe(-1);
    expect(err.message).toMatch(/duplicated mapping key/);
    expect(err.location).toEqual({ file: 'f.yaml', line: 3, column: 3 });
  });

  it('accepts duplicate keys (last wins) only when asked, for plugin files', () => {
    expect(load('a: 1\na: 2\n', DEFAULT_LIMITS, true).value).toEqual({ a: 2 });
  });

  it('reports syntax errors with a location', () => {
    const err = failure('a: [1, 2\nb: 3\n');
    expect(err.code).toBe(-1);
    expect(err.location?.file).toBe('f.yaml');
    expect(err.location?.line).toBeGreaterThanOrEqual(1);
  });

  it('fails a billion-laughs file fast', () => {
    const started = Date.now();
    const err = failure(billionLaughs);
    expect(err.code).toBe(-1);
    expect(err.message).toMatch(/alias expansion exceeds/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('rejects files above the size cap before parsing', () => {
    const err = failure(`a: "${'x'.repeat(2000)}"`, { ...DEFAULT_LIMITS, maxBytes: 1000 });
    expect(err.message).toMatch(/more than the 1000 allowed/);
  });

  it('rejects nesting deeper than the cap, in flow and in block style', () => {
    expect(failure(`a: ${'['.repeat(200)}${']'.repeat(200)}`).message).toMatch(/maxDepth|nesting/);
    const block = Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(failure(block, { ...DEFAULT_LIMITS, maxDepth: 10 }).code).toBe(-1);
    const aliased = 'a: &x [[[[1]]]]\nb: [[[[*x]]]]\n';
    expect(failure(aliased, { ...DEFAULT_LIMITS, maxDepth: 6 }).message).toMatch(/nesting deeper/);
  });

  it('rejects several documents and complex keys', () => {
    expect(failure('--- 1\n--- 2\n').message).toMatch(/single YAML document/);
    expect(failure('{[1]: 2}').code).toBe(-1);
  });

  it('reads an empty file as null', () => {
    expect(load('# nothing\n').value).toBeNull();
  });

  it('locates mappings, keys, values and items, through merge keys too', () => {
    const { value, index } = load('a:\n  b:\n    - x\n    - {c: 1}\nbase: &m {z: 9}\nn:\n  <<: *m\n');
    const b = (value.a as Dict).b as unknown[];
    expect(plain(index.ofValue(value.a, 'b'))).toEqual({ file: 'f.yaml', line: 3, column: 5 });
    expect(plain(index.ofKey(value.a, 'b'))).toEqual({ file: 'f.yaml', line: 2, column: 3 });
    expect(plain(index.ofItem(b, 1))).toEqual({ file: 'f.yaml', line: 4, column: 7 });
    expect(plain(index.ofValue(b[1], 'c'))).toEqual({ file: 'f.yaml', line: 4, column: 11 });
    expect(plain(index.ofValue(value.n, 'z'))).toEqual({ file: 'f.yaml', line: 5, column: 14 });
    expect(plain(index.ofPath(value, ['a', 'b', 1, 'c']))).toEqual({ file: 'f.yaml', line: 4, column: 11 });
  });

  it('does not let a __proto__ key change an object prototype', () => {
    const { value } = load('__proto__: {polluted: true}\n');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(value)).toEqual(['__proto__']);
  });
});

describe('merge keys at scale', () => {
  it('accepts many merges of a shared anchor (large blueprints use `<<: *defaults` per node)', () => {
    const lines = ['defaults: &d {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}', 'nodes:'];
    for (let i = 0; i < 2000; i++) lines.push(`  n${i}: {<<: *d, name: n${i}}`);
    const { value } = load(lines.join('\n'));
    expect(Object.keys(value.nodes as object)).toHaveLength(2000);
    expect((value.nodes as Record<string, object>).n1999).toEqual({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, name: 'n1999' });
  });
});
