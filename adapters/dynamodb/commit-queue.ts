/**
 * Group commit: entries pushed in the same turn of the event loop, or while `maxInFlight` commits
 * are out, are taken together by the next commit. The combining client keeps one for writes and
 * one for reads.
 */
export interface Batching<T> {
  /** Splits the pending entries into the next commit's (at least the first) and those that wait, keeping their order. */
  take(pending: T[]): { batch: T[]; rest: T[] };
  commit(batch: T[]): Promise<void>;
}

export class CommitQueue<T> {
  private pending: T[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly batching: Batching<T>,
    private readonly maxInFlight: number,
  ) {}

  push(entry: T): void {
    this.pending.push(entry);
    this.schedule();
  }

  /** Entries a commit gave back (nothing of theirs was done): first in line for the next one. */
  retry(entries: T[]): void {
    if (entries.length === 0) return;
    this.pending = [...entries, ...this.pending];
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.pending.length > 0 && this.inFlight < this.maxInFlight) {
      const { batch, rest } = this.batching.take(this.pending);
      this.pending = rest;
      if (batch.length === 0) return;
      this.inFlight += 1;
      void this.batching.commit(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }
}
