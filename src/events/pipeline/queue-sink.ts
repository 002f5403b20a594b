/**
 * The EventSink for emitters (engine, workers, agents' route, POST /events): events go to the
 * events queue as `{"kind":"events","events":[...]}` messages, split to stay well under SQS's
 * 256 KB message limit, and the indexer stores and streams them.
 */
import type { StoredEvent } from '../model';
import type { EventSink } from '../../ports/event-sink';
import type { QueueSender } from '../../ports/queues';
import { EVENTS_MESSAGE_KIND } from './indexer';

export const MAX_MESSAGE_BYTES = 200 * 1024;
export const MAX_EVENTS_PER_MESSAGE = 500;

/** Splits events into message-sized groups, in order. An event alone over the limit is cut short. */
export function chunkEvents(events: StoredEvent[], maxBytes = MAX_MESSAGE_BYTES, maxEvents = MAX_EVENTS_PER_MESSAGE): StoredEvent[][] {
  const chunks: StoredEvent[][] = [];
  let current: StoredEvent[] = [];
  let bytes = 0;
  for (let event of events) {
    let size = Buffer.byteLength(JSON.stringify(event));
    if (size > maxBytes - 64) {
      // A huge log line (e.g. a script's output): keep its start, say it was cut.
      const keep = Math.max(0, event.message.length - (size - (maxBytes - 1024)));
      event = { ...event, message: `${event.message.slice(0, keep)}... [truncated]` };
      size = Buffer.byteLength(JSON.stringify(event));
    }
    if (current.length > 0 && (bytes + size + 1 > maxBytes - 64 || current.length >= maxEvents)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class QueueEventSink implements EventSink {
  constructor(private readonly queues: QueueSender) {}

  async emit(events: StoredEvent[]): Promise<void> {
    for (const chunk of chunkEvents(events)) await this.queues.send('events', { kind: EVENTS_MESSAGE_KIND, events: chunk });
  }
}
