/**
 * Port for live-event subscriptions: which WebSocket connections follow a deployment's or an
 * execution's events. Topics always carry the tenant, so a subscription never sees another
 * tenant's events. Stored in the connections table (adapters/dynamodb/subscription-registry.ts).
 */
export interface Topic {
  tenant: string;
  kind: 'deployment' | 'execution';
  id: string;
}

export interface SubscriptionRegistry {
  /** `expiresAt`: epoch seconds (the connection's own deadline), after which the record is stale. */
  subscribe(connectionId: string, topic: Topic, expiresAt: number): Promise<void>;
  unsubscribe(connectionId: string, topic: Topic): Promise<void>;
  /** Forgets every subscription of a connection (disconnect, or gone when pushed to). */
  unsubscribeAll(connectionId: string): Promise<void>;
  /** Connection ids following the topic. */
  subscribers(topic: Topic): Promise<string[]>;
  /**
   * Of `tenants`, those that may have subscriptions alive at `now` (epoch seconds): never leaves out
   * a tenant that has one, so the indexer may skip looking up the topics of the others.
   */
  tenantsWithSubscribers(tenants: string[], now: number): Promise<Set<string>>;
}

export function topicKey(topic: Topic): string {
  return `${topic.kind}#${encodeURIComponent(topic.tenant)}#${encodeURIComponent(topic.id)}`;
}
