/**
 * Coalesces the engine's event sends: the events of the tasks one worker runs at the same time
 * (an SQS batch runs its messages concurrently) go out together, up to EVENT_BATCH_SIZE per send,
 * instead of one send per emit. Every `emit` resolves only when its events are on the events queue
 * (or rejects with the send's error), so a handler that awaits its emits never returns with events unsent.
 *
 * Each emit says how long its events may wait: a task's `task_started` may wait for its outcome's
 * events (one write for both when the operation is quick), the outcome's events go out after a
 * short window that lets concurrent tasks join.
 */
import type { StoredEvent } from '../../events/model';
import type { EventSink } from '../../ports/event-sink';

/**
 * A full batch goes out at once. 100 events (typically 30–40 KB) make one events-queue message;
 * the sink splits bigger ones by size. (It was 25, DynamoDB's batch-write limit, from when events
 * were also stored there; four times fewer sends cut the engine's and the indexer's SQS requests.)
 */
export const EVENT_BATCH_SIZE = 100;

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class EventBatcher {
  private pending: StoredEvent[] = [];
  private waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private deadline = Infinity;

  constructor(private readonly sink: EventSink) {}

  /** Stores `events` within about `maxDelayMs`, together with whatever else is pending then. */
  emit(events: StoredEvent[], maxDelayMs: number): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push(...events);
      this.waiters.push({ resolve, reject });
      if (this.pending.length >= EVENT_BATCH_SIZE || maxDelayMs <= 0) return this.flush();
      const due = Date.now() + maxDelayMs;
      if (due < this.deadline) {
        this.deadline = due;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.flush(), maxDelayMs);
      }
    });
  }

  /** Writes everything pending now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.deadline = Infinity;
    const events = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    if (events.length === 0) return;
    this.sink.emit(events).then(
      () => waiters.forEach((waiter) => waiter.resolve()),
      (err: unknown) => waiters.forEach((waiter) => waiter.reject(err)),
    );
  }
}
