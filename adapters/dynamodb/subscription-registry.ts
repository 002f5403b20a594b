/**
 * Subscriptions in the connections table: one item per (topic, connection),
 * `pk = SUB#<topic>`, `sk = CONNECTION#<id>`, so the indexer reads a topic's subscribers with one
 * query; gsi1 (`gsi1pk = SUBSCRIBER#<id>`) finds a connection's subscriptions to remove them all.
 * `expiresAt` (TTL) is the connection's own deadline.
 *
 * Per tenant, a marker (`pk = SUBSCRIBED#<tenant>`, `sk = TENANT`) holds the latest deadline of any
 * subscription made there (`until`, epoch seconds; raised, never lowered). It is written before the
 * subscription itself, so the indexer, which reads it first, can skip the per-topic queries of every
 * tenant nobody follows (most batches) and still never miss a subscriber.
 */
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { topicKey } from '../../src/ports/subscriptions';
import type { SubscriptionRegistry, Topic } from '../../src/ports/subscriptions';
import { isConditionFailure } from './errors';

const CONNECTION = 'CONNECTION#';

function markerKey(tenant: string) {
  return { pk: `SUBSCRIBED#${encodeURIComponent(tenant)}`, sk: 'TENANT' };
}

export class DynamoDbSubscriptionRegistry implements SubscriptionRegistry {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async subscribe(connectionId: string, topic: Topic, expiresAt: number): Promise<void> {
    await this.raiseMarker(topic.tenant, expiresAt);
    const key = topicKey(topic);
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `SUB#${key}`, sk: `${CONNECTION}${connectionId}`, gsi1pk: `SUBSCRIBER#${connectionId}`, gsi1sk: key, connectionId, expiresAt },
      }),
    );
  }

  private async raiseMarker(tenant: string, until: number): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markerKey(tenant),
          UpdateExpression: 'SET #until = :until, expiresAt = :until',
          ConditionExpression: 'attribute_not_exists(#until) OR #until < :until',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':until': until },
        }),
      );
    } catch (err) {
      // Already as late or later: nothing to raise.
      if (!isConditionFailure(err)) throw err;
    }
  }

  async tenantsWithSubscribers(tenants: string[], now: number): Promise<Set<string>> {
    const markers = await Promise.all(
      [...new Set(tenants)].map(async (tenant) => {
        const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: markerKey(tenant) }));
        return { tenant, until: typeof Item?.until === 'number' ? Item.until : 0 };
      }),
    );
    return new Set(markers.filter((marker) => marker.until > now).map((marker) => marker.tenant));
  }

  async unsubscribe(connectionId: string, topic: Topic): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `SUB#${topicKey(topic)}`, sk: `${CONNECTION}${connectionId}` } }));
  }

  async unsubscribeAll(connectionId: string): Promise<void> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `SUBSCRIBER#${connectionId}` },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }),
      );
      const keys = (page.Items ?? []).map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      for (let i = 0; i < keys.length; i += 25) {
        let pending: unknown[] = keys.slice(i, i + 25);
        for (let round = 0; pending.length > 0 && round < 8; round++) {
          const result = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
          pending = result.UnprocessedItems?.[this.tableName] ?? [];
          if (pending.length) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round));
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async subscribers(topic: Topic): Promise<string[]> {
    const now = Math.floor(Date.now() / 1000);
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `SUB#${topicKey(topic)}` },
          ExclusiveStartKey: start,
        }),
      );
      // TTL deletion lags: an expired record is already stale.
      for (const item of page.Items ?? []) if (typeof item.expiresAt !== 'number' || item.expiresAt > now) ids.push(String(item.connectionId));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }
}
