import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../../src/events/model';
import type { EventSink } from '../../../../src/ports/event-sink';
import { EVENT_BATCH_SIZE, EventBatcher } from '../../../../src/workflows/engine/event-batcher';

/** A sink that records each write (the batches), optionally failing them. */
class RecordingSink implements EventSink {
  writes: string[][] = [];
  fail: Error | null = null;
  async emit(events: StoredEvent[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.fail) throw this.fail;
    this.writes.push(events.map((event) => event.message));
  }
}

const event = (message: string) => ({ message }) as StoredEvent;
const events = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => event(`${prefix}${i}`));

describe('EventBatcher', () => {
  it('writes emits made within the window together, in order, and resolves each only once written', async () => {
    const sink = new RecordingSink();
    const batcher = new EventBatcher(sink);
    let firstDone = false;
    const first = batcher.emit([event('a')], 30).then(() => (firstDone = true));
    const second = batcher.emit([event('b'), event('c')], 30);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(firstDone).toBe(false);
    expect(sink.writes).toEqual([]);
    await Promise.all([first, second]);
    expect(sink.writes).toEqual([['a', 'b', 'c']]);
  });

  it('a shorter delay brings the whole batch forward (task_started leaves with its outcome)', async () => {
    const sink = new RecordingSink();
    const batcher = new EventBatcher(sink);
    const start = Date.now();
    const started = batcher.emit([event('task_started')], 5000);
    await batcher.emit([event('task_succeeded')], 1);
    await started;
    expect(Date.now() - start).toBeLessThan(2000);
    expect(sink.writes).toEqual([['task_started', 'task_succeeded']]);
  });

  it('writes at once when a batch is full or the delay is zero', async () => {
    const sink = new RecordingSink();
    const batcher = new EventBatcher(sink);
    const start = Date.now();
    await batcher.emit(events('x', EVENT_BATCH_SIZE), 10000);
    await batcher.emit([event('now')], 0);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(sink.writes.map((w) => w.length)).toEqual([EVENT_BATCH_SIZE, 1]);
  });

  it('an empty emit writes nothing', async () => {
    const sink = new RecordingSink();
    await new EventBatcher(sink).emit([], 0);
    expect(sink.writes).toEqual([]);
  });

  it("a failed write rejects every emit of that batch with the write's error, and later batches still go out", async () => {
    const sink = new RecordingSink();
    const batcher = new EventBatcher(sink);
    sink.fail = new Error('throttled');
    const results = await Promise.allSettled([batcher.emit([event('a')], 5), batcher.emit([event('b')], 5)]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual(['throttled', 'throttled']);
    sink.fail = null;
    await batcher.emit([event('c')], 1);
    expect(sink.writes).toEqual([['c']]);
  });
});
