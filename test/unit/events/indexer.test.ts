/**
 * The indexer use case over a batch of queue messages, with the real local store: one bulk write
 * for the batch, idempotent redelivery, per-message failures (malformed message, events the store
 * refused), the whole batch retried when the store is down; and the sink's message chunking.
 */
import { describe, expect, it } from '@jest/globals';
import { LocalEventStore } from '../../../adapters/local-event-store/store';
import { cloudifyEvent, cloudifyLog } from '../../../src/events/model';
import type { StoredEvent } from '../../../src/events/model';
import { indexMessages } from '../../../src/events/pipeline/indexer';
import { chunkEvents, QueueEventSink } from '../../../src/events/pipeline/queue-sink';
import type { EventIndex } from '../../../src/ports/event-index';
import type { QueueMessage } from '../../../src/ports/queues';

const scope = { tenant: 't1', executionId: 'e1', workflowId: 'install', deploymentId: 'd1', blueprintId: 'b1' };
const body = (events: unknown[]) => JSON.stringify({ kind: 'events', events });
const query = { tenants: ['t1'], types: [], filters: {}, sort: [], size: 100, offset: 0 };

describe('indexMessages', () => {
  it('stores a batch with one bulk write and stores nothing twice when a message comes back', async () => {
    const store = await LocalEventStore.open();
    const calls: number[] = [];
    const counting: EventIndex = { index: (events) => (calls.push(events.length), store.index(events)), search: (q) => store.search(q) };
    const messages = [
      { id: 'm1', body: body([cloudifyEvent(scope, 'workflow_started', 'a'), cloudifyLog(scope, 'info', 'b')]) },
      { id: 'm2', body: body([cloudifyEvent(scope, 'workflow_succeeded', 'c')]) },
    ];
    expect(await indexMessages({ index: counting }, messages)).toMatchObject({ failedMessageIds: [], indexed: 3 });
    expect(calls).toEqual([3]);
    await indexMessages({ index: counting }, [messages[0]]);
    const found = await store.search(query);
    expect(found.items.map((e) => [e.message, e._storage_id])).toEqual([
      ['a', 'm1-00000'],
      ['b', 'm1-00001'],
      ['c', 'm2-00000'],
    ]);
  });

  it('fails only the malformed message, and the message whose events the store refused', async () => {
    const store = await LocalEventStore.open();
    const refusing: EventIndex = {
      index: async (events) => {
        await store.index(events.filter((e) => e.message !== 'refused'));
        return { failed: events.filter((e) => e.message === 'refused').map((e) => ({ id: e._storage_id, reason: '400 mapper_parsing_exception' })) };
      },
      search: (q) => store.search(q),
    };
    const errors: string[] = [];
    const result = await indexMessages({ index: refusing, onError: (what) => errors.push(what) }, [
      { id: 'ok', body: body([cloudifyEvent(scope, 'workflow_started', 'fine')]) },
      { id: 'not-json', body: '{' },
      { id: 'bad-event', body: body([{ type: 'cloudify_event', message: 'no tenant' }]) },
      { id: 'wrong-kind', body: JSON.stringify({ kind: 'metrics', events: [] }) },
      { id: 'refused', body: body([cloudifyEvent(scope, 'task_started', 'refused')]) },
    ]);
    expect(result.failedMessageIds.sort()).toEqual(['bad-event', 'not-json', 'refused', 'wrong-kind']);
    expect(result.indexed).toBe(1);
    expect(errors).toContain('Events not stored');
    expect((await store.search(query)).items.map((e) => e.message)).toEqual(['fine']);
  });

  it('fails the whole batch when the store cannot be reached', async () => {
    const down: EventIndex = { index: async () => Promise.reject(new Error('connect ECONNREFUSED')), search: async () => ({ items: [], total: 0 }) };
    const result = await indexMessages({ index: down }, [
      { id: 'a', body: body([cloudifyEvent(scope, 'workflow_started', 'x')]) },
      { id: 'b', body: body([cloudifyEvent(scope, 'workflow_started', 'y')]) },
    ]);
    expect(result.failedMessageIds).toEqual(['a', 'b']);
  });
});

describe('QueueEventSink', () => {
  it('splits events into messages under the size and count limits, in order, and truncates a huge line', async () => {
    const events: StoredEvent[] = Array.from({ length: 1200 }, (_, i) => cloudifyLog(scope, 'info', `line ${i} ${'x'.repeat(300)}`));
    events.splice(10, 0, cloudifyLog(scope, 'info', 'y'.repeat(400 * 1024)));
    const sent: QueueMessage[] = [];
    await new QueueEventSink({ send: async (_queue, message) => void sent.push(message) }).emit(events);
    for (const message of sent) {
      expect(message.kind).toBe('events');
      expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThan(256 * 1024);
      expect((message.events as unknown[]).length).toBeLessThanOrEqual(500);
    }
    const all = sent.flatMap((m) => m.events as StoredEvent[]);
    expect(all).toHaveLength(1201);
    expect(all[10].message.endsWith('... [truncated]')).toBe(true);
    expect(all.filter((_, i) => i !== 10).map((e) => e.message.split(' ')[1])).toEqual(Array.from({ length: 1200 }, (_, i) => String(i)));
    expect(chunkEvents([])).toEqual([]);
  });
});
