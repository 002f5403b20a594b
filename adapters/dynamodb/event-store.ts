/**
 * The minimal event store: events of an execution under `EV#<tenant>#<execution>` in the
 * operations table, sort key `<epoch ms, 15 digits>#<emitter-unique counter>`, written in batches of
 * 25. Expires with the table's TTL after 30 days. Replaced by OpenSearch / the local event store
 * when the events issue lands (the EventSink port does not change).
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredEvent } from '../../src/events/model';
import type { EventReader, EventSink } from '../../src/ports/event-store';

const TTL_SECONDS = 30 * 24 * 3600;
type Item = Record<string, unknown>;

export class DynamoEventStore implements EventSink, EventReader {
  private readonly emitter = randomBytes(4).toString('hex');
  private counter = 0;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly onRequest: () => void = () => {},
  ) {}

  async emit(events: StoredEvent[]): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + TTL_SECONDS;
    const items = events.map((event) => ({
      PutRequest: {
        Item: {
          pk: `EV#${event.tenant_name}#${event.execution_id}`,
          sk: `${String(Date.parse(event.reported_timestamp)).padStart(15, '0')}#${this.emitter}#${String(this.counter++).padStart(10, '0')}`,
          e: JSON.stringify(event),
          expiresAt,
        },
      },
    }));
    for (let i = 0; i < items.length; i += 25) {
      let pending: Item[] = items.slice(i, i + 25);
      for (let round = 0; pending.length > 0; round++) {
        this.onRequest();
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending as never } }));
        pending = (result.UnprocessedItems?.[this.table] ?? []) as Item[];
        if (pending.length) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(round, 6)));
      }
    }
  }

  async forExecution(tenant: string, executionId: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `EV#${tenant}#${executionId}` }, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) events.push(JSON.parse(item.e as string) as StoredEvent);
      start = page.LastEvaluatedKey;
    } while (start);
    return events;
  }
}
