/**
 * The list engine on the real store: the index path (block counts + one index query) must give
 * exactly what filtering and slicing the whole collection gives, for any window, both directions,
 * with and without hidden (restricted) entities; filtered queries go through the memory path.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import { applyQuery, listEntities, parseListQuery } from '../../../src/api/list';
import type { ListResource } from '../../../src/api/list';
import type { Entity } from '../../../src/ports/model-store';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

interface Thing {
  colour: string;
  size: number;
  owner: string;
  visibility: 'tenant' | 'private';
}

let table: TestModelTable;
let store: DynamoModelStore;
const COUNT = 230;
const render = (entity: Entity<Thing>) => ({ id: entity.id, created_at: entity.createdAt, ...entity.data });
const resource: ListResource<Thing> = { kind: 'thing', fields: ['id', 'created_at', 'colour', 'size', 'owner', 'visibility'], render };

beforeAll(async () => {
  table = await createModelTable();
  store = new DynamoModelStore({ client: table.client, tableName: table.name, globalKinds: [] });
  const colours = ['red', 'green', 'blue'];
  await store.createMany(
    Array.from({ length: COUNT }, (_, i) => ({
      kind: 'thing',
      tenant: 'plain',
      id: `t${String(i).padStart(3, '0')}`,
      data: { colour: colours[i % 3], size: (i * 37) % 11, owner: i % 2 ? 'ann' : 'bob', visibility: 'tenant' as const },
    })),
  );
  // A second collection where some entities are private to their owner.
  await store.createMany(
    Array.from({ length: 120 }, (_, i) => ({
      kind: 'thing',
      tenant: 'mixed',
      id: `m${String(i).padStart(3, '0')}`,
      restricted: i % 17 === 0,
      data: { colour: colours[i % 3], size: i % 7, owner: i % 17 === 0 ? 'bob' : 'ann', visibility: i % 17 === 0 ? ('private' as const) : ('tenant' as const) },
    })),
  );
});

afterAll(async () => {
  await table?.drop();
});

async function expected(tenant: string, query: Record<string, string[]>, visible?: (entity: Entity<Thing>) => boolean) {
  const all = (await store.all<Thing>({ tenant, kind: 'thing' })).filter((entity) => !visible || visible(entity));
  const parsed = parseListQuery(query, resource);
  const ordered = parsed.sort.length === 1 && parsed.sort[0].field === 'created_at' && parsed.sort[0].descending ? [...all].reverse() : all;
  const sort = parsed.sort.length === 1 && parsed.sort[0].field === 'created_at' ? [] : parsed.sort;
  return applyQuery(ordered.map(render), { ...parsed, sort });
}

describe('listEntities', () => {
  it('gives the same window and total on the index path as slicing everything', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: COUNT + 10 }), fc.integer({ min: 0, max: 120 }), fc.constantFrom<string[]>([], ['created_at'], ['-created_at']), async (offset, size, sort) => {
        const query: Record<string, string[]> = { _offset: [String(offset)], _size: [String(size)], ...(sort.length ? { _sort: sort } : {}) };
        const result = await listEntities(store, resource, { tenants: ['plain'] }, parseListQuery(query, resource));
        const want = await expected('plain', query);
        expect(result.total).toBe(COUNT);
        expect(result.items.map((item) => item.id)).toEqual(want.items.map((item) => item.id));
      }),
      { numRuns: 40 },
    );
  });

  it('filters, searches and sorts on the memory path with honest totals', async () => {
    const queries: Record<string, string[]>[] = [
      { colour: ['red', 'blue'], _sort: ['-size', 'id'], _size: ['15'], _offset: ['10'] },
      { owner: ['ann'], size: ['3'], _include: ['id,size'] },
      { _search: ['t1'], _sort: ['size'] },
      { _range: ['size,2,5'], _size: ['1000'] },
    ];
    for (const query of queries) {
      const parsed = parseListQuery(query, resource);
      const result = await listEntities(store, resource, { tenants: ['plain'] }, parsed);
      const want = await expected('plain', query);
      expect(result.total).toBe(want.total);
      expect(result.items.map((item) => item.id)).toEqual(want.items.map((item) => item.id));
      if (parsed.include) expect(Object.keys(result.items[0] ?? { id: 1, size: 1 }).sort()).toEqual(['id', 'size']);
    }
  });

  it('hides restricted entities from those who may not see them, in items and total, in any window', async () => {
    const forAnn = { ...resource, visible: (entity: Entity<Thing>) => entity.data.visibility !== 'private' || entity.data.owner === 'ann' };
    for (const [offset, size] of [[0, 10], [5, 50], [100, 30], [0, 1000]]) {
      const query = { _offset: [String(offset)], _size: [String(size)] };
      const result = await listEntities(store, forAnn, { tenants: ['mixed'] }, parseListQuery(query, resource));
      const want = await expected('mixed', query, forAnn.visible);
      expect(result.total).toBe(120 - 8);
      expect(result.items.map((item) => item.id)).toEqual(want.items.map((item) => item.id));
    }
    // Those who may see everything keep the whole collection.
    const forBob = { ...resource, visible: () => true };
    expect((await listEntities(store, forBob, { tenants: ['mixed'] }, parseListQuery({}, resource))).total).toBe(120);
  });

  it('lists several tenants together in creation order', async () => {
    const result = await listEntities(store, resource, { tenants: ['plain', 'mixed'] }, parseListQuery({ _size: ['5'], _sort: ['-created_at'] }, resource));
    expect(result.total).toBe(COUNT + 120);
    expect(result.items.map((item) => item.id)).toEqual(['m119', 'm118', 'm117', 'm116', 'm115']);
  });
});
