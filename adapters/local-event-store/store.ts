/**
 * The local event store behind the EventIndex port: events in memory (with a per-execution index,
 * which is what the CLI's `events list -e` polling reads), and with a data folder an append-only
 * NDJSON log (`<dataDir>/events/events.ndjson`) replayed on start. Events older than the retention
 * are dropped at load (and the log rewritten without them), as OpenSearch's retention policy
 * deletes old daily indices.
 */
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { compareBy, compileMatcher } from '../../src/events/pipeline/match';
import type { BulkIndexResult, EventIndex, EventQuery, EventSearchResult, IndexedEvent } from '../../src/ports/event-index';

export const DEFAULT_RETENTION_DAYS = 30;

interface Entry {
  event: IndexedEvent;
  position: number;
}

export interface LocalEventStoreOptions {
  /** Folder for the log; none = memory only. */
  dataDir?: string;
  retentionDays?: number;
  now?: () => Date;
}

export class LocalEventStore implements EventIndex {
  private readonly entries: Entry[] = [];
  private readonly ids = new Set<string>();
  private readonly byExecution = new Map<string, Entry[]>();
  private writes: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | undefined) {}

  static async open(options: LocalEventStoreOptions = {}): Promise<LocalEventStore> {
    if (!options.dataDir) return new LocalEventStore(undefined);
    const folder = path.join(options.dataDir, 'events');
    await mkdir(folder, { recursive: true });
    const store = new LocalEventStore(path.join(folder, 'events.ndjson'));
    const now = (options.now ?? (() => new Date()))();
    const cutoff = new Date(now.getTime() - (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86400000).toISOString();
    const dropped = await store.load(cutoff);
    if (dropped > 0) await store.rewrite();
    return store;
  }

  get size(): number {
    return this.entries.length;
  }

  private add(event: IndexedEvent): boolean {
    if (this.ids.has(event._storage_id)) return false;
    this.ids.add(event._storage_id);
    const entry = { event, position: this.entries.length };
    this.entries.push(entry);
    if (event.execution_id) {
      const key = `${event.tenant_name}\u0000${event.execution_id}`;
      let list = this.byExecution.get(key);
      if (!list) this.byExecution.set(key, (list = []));
      list.push(entry);
    }
    return true;
  }

  private async load(cutoff: string): Promise<number> {
    let dropped = 0;
    try {
      const lines = createInterface({ input: createReadStream(this.file!, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line) continue;
        let event: IndexedEvent;
        try {
          event = JSON.parse(line) as IndexedEvent;
        } catch {
          dropped++; // a torn last line after a crash
          continue;
        }
        if (event.timestamp < cutoff) dropped++;
        else this.add(event);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return dropped;
  }

  private async rewrite(): Promise<void> {
    const temp = `${this.file}.tmp`;
    await writeFile(temp, this.entries.map((e) => JSON.stringify(e.event) + '\n').join(''));
    await rename(temp, this.file!);
  }

  async index(events: IndexedEvent[]): Promise<BulkIndexResult> {
    const added = events.filter((event) => this.add(event));
    if (this.file && added.length > 0) {
      const text = added.map((event) => JSON.stringify(event) + '\n').join('');
      const file = this.file;
      // Appends in order, one at a time; the caller learns of a failed write.
      const write = this.writes.then(() => appendFile(file, text));
      this.writes = write.catch(() => {});
      await write;
    }
    return { failed: [] };
  }

  private candidates(query: EventQuery): Entry[] {
    const executions = query.filters.execution_id;
    if (!executions || executions.length === 0) return this.entries;
    const lists: Entry[] = [];
    for (const tenant of query.tenants) {
      for (const id of new Set(executions)) lists.push(...(this.byExecution.get(`${tenant}\u0000${id}`) ?? []));
    }
    return lists;
  }

  async search(query: EventQuery): Promise<EventSearchResult> {
    const matches = compileMatcher(query);
    const found = this.candidates(query).filter((entry) => matches(entry.event));
    found.sort(compareBy(query.sort));
    return { items: found.slice(query.offset, query.offset + query.size).map((entry) => entry.event), total: found.length };
  }

  /** Waits for pending appends (tests, shutdown). */
  async flush(): Promise<void> {
    await this.writes;
  }
}
