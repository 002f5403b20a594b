/**
 * The subscription registry's per-tenant marker on DynamoDB Local: written before the subscription,
 * raised to the latest deadline and never lowered, and read to tell which tenants may have
 * subscribers at a given time.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDbSubscriptionRegistry } from '../../../adapters/dynamodb/subscription-registry';
import { createModelTable } from '../../support/model-table';
import type { TestModelTable } from '../../support/model-table';

let table: TestModelTable;
let registry: DynamoDbSubscriptionRegistry;

beforeAll(async () => {
  table = await createModelTable();
  registry = new DynamoDbSubscriptionRegistry(table.client, table.name);
});

afterAll(async () => {
  await table?.drop();
});

describe('DynamoDbSubscriptionRegistry tenant markers', () => {
  it('knows which tenants may have subscribers, until the latest deadline of their subscriptions', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await registry.tenantsWithSubscribers(['acme', 'globex'], now)).toEqual(new Set());

    await registry.subscribe('c1', { tenant: 'acme', kind: 'execution', id: 'e1' }, now + 100);
    // A shorter-lived subscription afterwards does not lower the tenant's deadline.
    await registry.subscribe('c2', { tenant: 'acme', kind: 'deployment', id: 'd1' }, now + 10);
    expect(await registry.subscribers({ tenant: 'acme', kind: 'execution', id: 'e1' })).toEqual(['c1']);
    expect(await registry.tenantsWithSubscribers(['acme', 'globex', 'acme'], now + 50)).toEqual(new Set(['acme']));
    expect(await registry.tenantsWithSubscribers(['acme'], now + 100)).toEqual(new Set());

    // A later one raises it; unsubscribing never lowers it (the marker may only over-report).
    await registry.subscribe('c3', { tenant: 'acme', kind: 'execution', id: 'e2' }, now + 500);
    await registry.unsubscribeAll('c3');
    expect(await registry.tenantsWithSubscribers(['acme'], now + 400)).toEqual(new Set(['acme']));
  });
});
