import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { applyQuery, compareValues, parseListQuery, project, sortItems } from '../../../../src/api/list';

const FIELDS = { fields: ['id', 'created_at', 'blueprint_id', 'state', 'count', 'flag', 'tags'] };
const items = [
  { id: 'dep-a', created_at: '2024-01-01T00:00:00.000Z', blueprint_id: 'bp1', state: 'started', count: 10, flag: true, tags: ['x', 'y'] },
  { id: 'dep-b', created_at: '2024-01-02T00:00:00.000Z', blueprint_id: 'bp2', state: 'started', count: 9, flag: false, tags: [] },
  { id: 'web-c', created_at: '2024-01-03T00:00:00.000Z', blueprint_id: 'bp1', state: 'deleted', count: 100, flag: null, tags: ['y'] },
  { id: 'DEP-d', created_at: '2024-01-04T00:00:00.000Z', blueprint_id: 'bp3', state: null, count: null, flag: true, tags: null },
];
const ids = (window: { items: Record<string, unknown>[] }) => window.items.map((item) => item.id);
const run = (query: Record<string, string[]>) => applyQuery(items, parseListQuery(query, FIELDS));

describe('list semantics in memory', () => {
  it('ORs repeated values of one filter and ANDs different filters', () => {
    expect(ids(run({ blueprint_id: ['bp1', 'bp3'] }))).toEqual(['dep-a', 'web-c', 'DEP-d']);
    expect(ids(run({ blueprint_id: ['bp1', 'bp3'], flag: ['true'] }))).toEqual(['dep-a', 'DEP-d']);
    expect(ids(run({ state: ['started'], blueprint_id: ['bp2'] }))).toEqual(['dep-b']);
  });

  it('matches numbers, booleans, nulls and list members by their query-string form', () => {
    expect(ids(run({ count: ['9'] }))).toEqual(['dep-b']);
    expect(ids(run({ flag: ['True'] }))).toEqual(['dep-a', 'DEP-d']);
    expect(ids(run({ state: ['None'] }))).toEqual(['DEP-d']);
    expect(ids(run({ tags: ['y'] }))).toEqual(['dep-a', 'web-c']);
  });

  it('searches ids case-insensitively as substrings', () => {
    expect(ids(run({ _search: ['dep'] }))).toEqual(['dep-a', 'dep-b', 'DEP-d']);
  });

  it('keeps from inclusive and to exclusive in ranges', () => {
    expect(ids(run({ _range: ['created_at,2024-01-02T00:00:00.000Z,2024-01-04T00:00:00.000Z'] }))).toEqual(['dep-b', 'web-c']);
    expect(ids(run({ _range: ['count,10,'] }))).toEqual(['dep-a', 'web-c']);
  });

  it('sorts by several keys, nulls last ascending and first descending, ties in creation order', () => {
    expect(ids(run({ _sort: ['count'] }))).toEqual(['dep-b', 'dep-a', 'web-c', 'DEP-d']);
    expect(ids(run({ _sort: ['-count'] }))).toEqual(['DEP-d', 'web-c', 'dep-a', 'dep-b']);
    expect(ids(run({ _sort: ['state', '-id'] }))).toEqual(['web-c', 'dep-b', 'dep-a', 'DEP-d']);
    expect(ids(run({ _sort: ['blueprint_id'] }))).toEqual(['dep-a', 'web-c', 'dep-b', 'DEP-d']);
  });

  it('counts every match in total and returns only the window', () => {
    const window = run({ _size: ['2'], _offset: ['1'] });
    expect(window.total).toBe(4);
    expect(ids(window)).toEqual(['dep-b', 'web-c']);
    expect(run({ _offset: ['10'] })).toEqual({ items: [], total: 4 });
    expect(ids(run({ _size: ['1'], _get_all_results: ['true'] }))).toHaveLength(4);
  });

  it('projects _include fields, absent ones as null', () => {
    expect(project({ id: 'a', x: 1 }, ['id', 'missing'])).toEqual({ id: 'a', missing: null });
  });

  it('pages through any list without losing or repeating an item (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (values, size) => {
        const list = values.map((value, index) => ({ id: `i${index}`, v: value }));
        const query = parseListQuery({ _sort: ['-v'], _size: [String(size)] }, { fields: ['id', 'v'] });
        const seen: string[] = [];
        for (let offset = 0; offset < list.length; offset += size) {
          const window = applyQuery(list, { ...query, offset });
          expect(window.total).toBe(list.length);
          seen.push(...window.items.map((item) => String(item.id)));
        }
        expect(seen).toEqual(sortItems(list, query.sort).map((item) => item.id));
        expect(new Set(seen).size).toBe(list.length);
      }),
    );
  });

  it('orders mixed values consistently', () => {
    expect(compareValues(1, 2)).toBeLessThan(0);
    expect(compareValues('a', 'b')).toBeLessThan(0);
    expect(compareValues(null, 'a')).toBeGreaterThan(0);
    expect(compareValues(false, true)).toBeLessThan(0);
  });
});
