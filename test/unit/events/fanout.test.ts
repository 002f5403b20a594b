/**
 * pushToSubscribers over an in-memory registry: the topics of tenants nobody follows are never
 * looked up (one marker read per tenant first), and the subscribers of the others get their events.
 */
import { describe, expect, it } from '@jest/globals';
import { cloudifyEvent } from '../../../src/events/model';
import { pushToSubscribers } from '../../../src/events/pipeline/fanout';
import type { IndexedEvent } from '../../../src/ports/event-index';
import { topicKey } from '../../../src/ports/subscriptions';
import type { SubscriptionRegistry, Topic } from '../../../src/ports/subscriptions';

class MemoryRegistry implements SubscriptionRegistry {
  readonly lookups: string[] = [];
  private readonly byTopic = new Map<string, Map<string, number>>();
  private readonly until = new Map<string, number>();

  async subscribe(connectionId: string, topic: Topic, expiresAt: number): Promise<void> {
    this.until.set(topic.tenant, Math.max(this.until.get(topic.tenant) ?? 0, expiresAt));
    const key = topicKey(topic);
    if (!this.byTopic.has(key)) this.byTopic.set(key, new Map());
    this.byTopic.get(key)!.set(connectionId, expiresAt);
  }

  async unsubscribe(connectionId: string, topic: Topic): Promise<void> {
    this.byTopic.get(topicKey(topic))?.delete(connectionId);
  }

  async unsubscribeAll(connectionId: string): Promise<void> {
    for (const connections of this.byTopic.values()) connections.delete(connectionId);
  }

  async subscribers(topic: Topic): Promise<string[]> {
    this.lookups.push(topicKey(topic));
    return [...(this.byTopic.get(topicKey(topic))?.keys() ?? [])];
  }

  async tenantsWithSubscribers(tenants: string[], now: number): Promise<Set<string>> {
    return new Set(tenants.filter((tenant) => (this.until.get(tenant) ?? 0) > now));
  }
}

function event(tenant: string, executionId: string, message: string): IndexedEvent {
  const scope = { tenant, executionId, workflowId: 'install', deploymentId: `d-${executionId}`, blueprintId: 'b1' };
  return { ...cloudifyEvent(scope, 'workflow_node_event', message), _storage_id: `${executionId}-${message}` };
}

describe('pushToSubscribers', () => {
  it('looks up only the topics of followed tenants and pushes their events', async () => {
    const registry = new MemoryRegistry();
    const now = Math.floor(Date.now() / 1000);
    await registry.subscribe('c1', { tenant: 'followed', kind: 'execution', id: 'e1' }, now + 600);
    const sent: [string, string][] = [];
    const gateway = { send: async (id: string, message: string) => (sent.push([id, message]), true), close: async () => {} };

    const result = await pushToSubscribers({ subscriptions: registry, gateway }, [event('quiet', 'e9', 'not followed'), event('followed', 'e1', 'hello'), event('followed', 'e2', 'other')]);

    expect(registry.lookups.sort()).toEqual(['deployment#followed#d-e1', 'deployment#followed#d-e2', 'execution#followed#e1', 'execution#followed#e2']);
    expect(result).toMatchObject({ messages: 1, events: 1 });
    expect(sent.map(([id, message]) => [id, JSON.parse(message).events.map((e: { message: string }) => e.message)])).toEqual([['c1', ['hello']]]);
  });

  it('looks up nothing when the only subscriptions have expired', async () => {
    const registry = new MemoryRegistry();
    await registry.subscribe('c1', { tenant: 't1', kind: 'execution', id: 'e1' }, Math.floor(Date.now() / 1000) - 1);
    const gateway = { send: async () => true, close: async () => {} };
    expect(await pushToSubscribers({ subscriptions: registry, gateway }, [event('t1', 'e1', 'late')])).toMatchObject({ messages: 0 });
    expect(registry.lookups).toEqual([]);
  });
});
