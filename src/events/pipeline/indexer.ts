/**
 * The indexer use case, fed by the events queue in batches: every message
 * (`{"kind":"events","events":[...]}`) is checked, all its events are written to the event store in
 * ONE bulk call for the whole batch, and the stored events are pushed to their subscribers.
 *
 * Storage ids are `<queue message id>-<position>`: SQS redelivers a message with the same id, so a
 * retried batch writes nothing twice. A message is reported failed (retried, then dead-lettered)
 * when it is malformed or any of its events could not be stored; a failed push to subscribers
 * never fails a message (the events are stored; clients can read them with GET /events).
 */
import { parseQueueMessage } from '../../ports/queues';
import type { EventIndex, IndexedEvent } from '../../ports/event-index';
import { pushToSubscribers } from './fanout';
import type { FanoutDeps, FanoutResult } from './fanout';
import { InvalidEventError, normalizeEvent } from './normalize';

export const EVENTS_MESSAGE_KIND = 'events';

export interface IncomingMessage {
  id: string;
  body: string;
}

export interface IndexerDeps {
  index: EventIndex;
  /** Absent: no live push (e.g. no WebSocket API configured). */
  fanout?: FanoutDeps;
  onError?: (what: string, detail: Record<string, unknown>) => void;
}

export interface IndexerResult {
  failedMessageIds: string[];
  indexed: number;
  pushed?: FanoutResult;
}

export function storageId(messageId: string, position: number): string {
  return `${messageId}-${String(position).padStart(5, '0')}`;
}

function eventsOf(message: IncomingMessage): IndexedEvent[] {
  const envelope = parseQueueMessage(message.body);
  if (envelope.kind !== EVENTS_MESSAGE_KIND) throw new InvalidEventError(`unknown message kind "${envelope.kind}" on the events queue`);
  if (!Array.isArray(envelope.events)) throw new InvalidEventError('"events" must be a list');
  return envelope.events.map((raw, position) => normalizeEvent(raw, storageId(message.id, position)));
}

export async function indexMessages(deps: IndexerDeps, messages: IncomingMessage[]): Promise<IndexerResult> {
  const failed = new Set<string>();
  const owner = new Map<string, string>();
  const events: IndexedEvent[] = [];
  for (const message of messages) {
    try {
      for (const event of eventsOf(message)) {
        owner.set(event._storage_id, message.id);
        events.push(event);
      }
    } catch (err) {
      failed.add(message.id);
      deps.onError?.('Invalid events message', { messageId: message.id, error: (err as Error).message });
    }
  }
  let stored = events;
  if (events.length > 0) {
    try {
      const { failed: notStored } = await deps.index.index(events);
      if (notStored.length > 0) {
        const bad = new Set(notStored.map((f) => f.id));
        for (const f of notStored) failed.add(owner.get(f.id)!);
        deps.onError?.('Events not stored', { count: notStored.length, first: notStored[0].reason });
        stored = events.filter((event) => !bad.has(event._storage_id));
      }
    } catch (err) {
      // The store is unreachable: the whole batch is retried.
      deps.onError?.('Bulk write failed', { error: (err as Error).message });
      return { failedMessageIds: messages.map((m) => m.id), indexed: 0 };
    }
  }
  const result: IndexerResult = { failedMessageIds: [...failed], indexed: stored.length };
  if (deps.fanout && stored.length > 0) {
    try {
      result.pushed = await pushToSubscribers(deps.fanout, stored);
    } catch (err) {
      deps.onError?.('Push to subscribers failed', { error: (err as Error).message });
    }
  }
  return result;
}
