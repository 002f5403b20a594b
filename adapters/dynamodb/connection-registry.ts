/**
 * Live WebSocket connections in the connections table: one item per connection
 * (`pk = CONNECTION#<id>`, `sk = CONNECTION`), indexed by principal on gsi1 so the manager can find
 * an agent's connection. `expiresAt` is the table's TTL attribute.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectionRecord, ConnectionRegistry } from '../../src/ports/connections';
import { isConditionFailure } from './errors';

const SORT_KEY = 'CONNECTION';

function key(connectionId: string) {
  return { pk: `CONNECTION#${connectionId}`, sk: SORT_KEY };
}

export class DynamoDbConnectionRegistry implements ConnectionRegistry {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(record: ConnectionRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...key(record.connectionId),
          gsi1pk: `PRINCIPAL#${record.principal.kind}#${record.principal.id}`,
          gsi1sk: record.connectedAt,
          connectionId: record.connectionId,
          principal: record.principal,
          connectedAt: record.connectedAt,
          lastSeenAt: record.lastSeenAt,
          expiresAt: record.expiresAt,
          sourceIp: record.sourceIp,
        },
      }),
    );
  }

  async get(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: key(connectionId), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      connectionId: Item.connectionId,
      principal: Item.principal,
      connectedAt: Item.connectedAt,
      lastSeenAt: Item.lastSeenAt,
      expiresAt: Item.expiresAt,
      sourceIp: Item.sourceIp,
    };
  }

  async touch(connectionId: string, lastSeenAt: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(connectionId),
          UpdateExpression: 'SET lastSeenAt = :seen',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':seen': lastSeenAt },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async remove(connectionId: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: key(connectionId) }));
  }
}
