/**
 * The minimal event store: events of an execution under `EV#<tenant>#<execution>` in the
 * operations table, the events of one emit packed into one item (`es`, a JSON array of up to
 * ~300 KB; sort key `<first event's epoch ms, 15 digits>#<emitter>#<counter of its first event>`),
 * written in batches of 25 items. Read back one event at a time in the order of their own times.
 * Expires with the table's TTL after 30 days. The engine tests read it; GET /events reads the index
 * the events queue feeds (docs/events.md).
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredEvent } from '../../src/events/model';
import type { EventReader, EventSink } from '../../src/ports/event-store';

const TTL_SECONDS = 30 * 24 * 3600;
/** JSON of the events packed into one item (DynamoDB's item limit is 400 KB). */
const ITEM_BYTES = 300_000;
type Item = Record<string, unknown>;

function timeKey(event: StoredEvent): string {
  return String(Date.parse(event.reported_timestamp)).padStart(15, '0');
}

function counterKey(counter: number): string {
  return String(counter).padStart(10, '0');
}

/** The events of an item (`es`: a JSON array from one emit; `e`: one event, as items were first written). */
function unpack(item: Item): { key: string; event: StoredEvent }[] {
  const [, emitter, counter] = (item.sk as string).split('#');
  const events = typeof item.es === 'string' ? (JSON.parse(item.es) as StoredEvent[]) : [JSON.parse(item.e as string) as StoredEvent];
  return events.map((event, i) => ({ key: `${timeKey(event)}#${emitter}#${counterKey(Number(counter) + i)}`, event }));
}

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
    const items = this.pack(events).map(({ first, json }) => {
      const counter = this.counter;
      this.counter += json.length;
      const sk = `${timeKey(first)}#${this.emitter}#${counterKey(counter)}`;
      return { PutRequest: { Item: { pk: `EV#${first.tenant_name}#${first.execution_id}`, sk, es: `[${json.join(',')}]`, expiresAt } } };
    });
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

  /**
   * The events of each execution in their order, as JSON (each event serialized once), up to
   * ITEM_BYTES per item (one event may be alone and larger); `first` keys the item.
   */
  private pack(events: StoredEvent[]): { first: StoredEvent; json: string[] }[] {
    const chunks: { first: StoredEvent; json: string[] }[] = [];
    const open = new Map<string, { chunk: { first: StoredEvent; json: string[] }; bytes: number }>();
    for (const event of events) {
      const execution = `${event.tenant_name}#${event.execution_id}`;
      const json = JSON.stringify(event);
      const current = open.get(execution);
      if (current && current.bytes + json.length <= ITEM_BYTES) {
        current.chunk.json.push(json);
        current.bytes += json.length;
        continue;
      }
      const chunk = { first: event, json: [json] };
      chunks.push(chunk);
      open.set(execution, { chunk, bytes: json.length });
    }
    return chunks;
  }

  async forExecution(tenant: string, executionId: string): Promise<StoredEvent[]> {
    const events: { key: string; event: StoredEvent }[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `EV#${tenant}#${executionId}` }, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) events.push(...unpack(item));
      start = page.LastEvaluatedKey;
    } while (start);
    // Each event in the order of its own time, then its emitter and place (as if stored one per item).
    return events.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((entry) => entry.event);
  }
}
