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

  it('pages one parent’s children from its own list blocks, exactly, in O(page) requests', async () => {
    // Children of three parents, created interleaved and in runs, some deleted, some private.
    interface Part { owner: string; visibility: 'tenant' | 'private'; n: number }
    const parts: ListResource<Part> = {
      kind: 'part',
      fields: ['id', 'created_at', 'group', 'owner', 'visibility', 'n'],
      parentField: 'group',
      render: (entity) => ({ id: entity.id, created_at: entity.createdAt, group: entity.parent, ...entity.data }),
    };
    const made: string[] = [];
    const batch = async (from: number, to: number, parentOf: (i: number) => string) => {
      const entities = Array.from({ length: to - from }, (_, k) => {
        const i = from + k;
        const parent = parentOf(i);
        const hidden = parent === 'g0' && i % 11 === 0;
        made.push(`p${i}`);
        return { kind: 'part', tenant: 'kids', id: `p${i}`, parent, restricted: hidden, data: { owner: hidden ? 'bob' : 'ann', visibility: hidden ? ('private' as const) : ('tenant' as const), n: i } };
      });
      await store.createMany(entities);
    };
    await batch(0, 180, (i) => `g${i % 3}`);
    await batch(180, 330, () => 'g2');
    await batch(330, 400, (i) => (i % 2 ? 'g1' : 'g0'));
    for (let i = 1; i < 400; i += 7) if (i % 3 === 1 && i < 180) await store.delete({ kind: 'part', tenant: 'kids', id: `p${i}` });
    const everything = await store.all<Part>({ tenant: 'kids', kind: 'part' });
    const forAnn = { ...parts, visible: (entity: Entity<Part>) => entity.data.visibility !== 'private' || entity.data.owner === 'ann' };

    // A store that counts its requests, for the cost of a parent page.
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const raw = new DynamoDBClient({ endpoint: table.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    let requests = 0;
    raw.middlewareStack.add((next) => async (args) => {
      requests++;
      return next(args);
    }, { step: 'initialize', name: 'countRequests' });
    const counting = new DynamoModelStore({ client: DynamoDBDocumentClient.from(raw), tableName: table.name, globalKinds: [] });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('g0', 'g1', 'g2', 'none'),
          fc.integer({ min: 0, max: 200 }),
          fc.integer({ min: 0, max: 60 }),
          fc.boolean(),
          fc.boolean(),
          async (group, offset, size, descending, asAnn) => {
            const resource = asAnn ? forAnn : parts;
            const query = { group: [group], _offset: [String(offset)], _size: [String(size)], ...(descending ? { _sort: ['-created_at'] } : {}) };
            requests = 0;
            const result = await listEntities(counting, resource, { tenants: ['kids'] }, parseListQuery(query, parts));
            const children = everything.filter((entity) => entity.parent === group && (!asAnn || forAnn.visible(entity)));
            const ordered = descending ? [...children].reverse() : children;
            expect(result.total).toBe(children.length);
            expect(result.items.map((item) => item.id)).toEqual(ordered.slice(offset, offset + size).map((entity) => entity.id));
            // Unrestricted parents: block items + one index query (a parent that never had children: a query of it).
            if (group === 'g1' || group === 'g2' || (group === 'g0' && !asAnn)) expect(requests).toBe(size === 0 || offset >= children.length ? 1 : 2);
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      raw.destroy();
    }
    expect(made.length).toBe(400);
  }, 120_000);

  it('lists several tenants together in creation order', async () => {
    const result = await listEntities(store, resource, { tenants: ['plain', 'mixed'] }, parseListQuery({ _size: ['5'], _sort: ['-created_at'] }, resource));
    expect(result.total).toBe(COUNT + 120);
    expect(result.items.map((item) => item.id)).toEqual(['m119', 'm118', 'm117', 'm116', 'm115']);
  });
});
