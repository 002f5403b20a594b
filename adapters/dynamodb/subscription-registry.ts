/**
 * Subscriptions in the connections table: one item per (topic, connection),
 * `pk = SUB#<topic>`, `sk = CONNECTION#<id>`, so the indexer reads a topic's subscribers with one
 * query; gsi1 (`gsi1pk = SUBSCRIBER#<id>`) finds a connection's subscriptions to remove them all.
 * `expiresAt` (TTL) is the connection's own deadline.
 */
import { BatchWriteCommand, DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { topicKey } from '../../src/ports/subscriptions';
import type { SubscriptionRegistry, Topic } from '../../src/ports/subscriptions';

const CONNECTION = 'CONNECTION#';

export class DynamoDbSubscriptionRegistry implements SubscriptionRegistry {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async subscribe(connectionId: string, topic: Topic, expiresAt: number): Promise<void> {
    const key = topicKey(topic);
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `SUB#${key}`, sk: `${CONNECTION}${connectionId}`, gsi1pk: `SUBSCRIBER#${connectionId}`, gsi1sk: key, connectionId, expiresAt },
      }),
    );
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
