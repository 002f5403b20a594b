/**
 * The EventIndex port on OpenSearch: bulk `create` into daily indices (an id already stored answers
 * 409 and counts as written, so redelivered queue messages add nothing), 429s retried with
 * exponential backoff and jitter (the whole request, or only the rejected items), other item
 * failures reported per id; searches over every events index.
 */
import type { Client } from '@opensearch-project/opensearch';
import type { BulkIndexResult, EventIndex, EventQuery, EventSearchResult, IndexedEvent } from '../../src/ports/event-index';
import { searchBody } from './query';
import { INDEX_PATTERN, RETENTION_POLICY_ID, TEMPLATE_NAME, indexFor, indexTemplate, retentionPolicy } from './template';

export interface OpenSearchEventIndexOptions {
  retentionDays?: number;
  /** Attempts for a 429 (request or item) before giving up. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt, with jitter. */
  backoffMs?: number;
  replicas?: number;
  sleep?: (ms: number) => Promise<void>;
}

type Doc = Omit<IndexedEvent, '_storage_id'> & { storage_id: string };

function toDoc(event: IndexedEvent): Doc {
  const { _storage_id, ...rest } = event;
  return { ...rest, storage_id: _storage_id };
}

function fromDoc(doc: Doc): IndexedEvent {
  const { storage_id, ...rest } = doc;
  return { ...rest, _storage_id: storage_id } as IndexedEvent;
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { meta?: { statusCode?: number } })?.meta?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string };
}

export class OpenSearchEventIndex implements EventIndex {
  private setup?: Promise<void>;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: Client,
    private readonly options: OpenSearchEventIndexOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Puts the index template and the retention policy (once per instance; retried after a failure). */
  ensureSetup(): Promise<void> {
    this.setup ??= this.putSetup().catch((err) => {
      this.setup = undefined;
      throw err;
    });
    return this.setup;
  }

  private async putSetup(): Promise<void> {
    await this.withRetries(() => this.client.indices.putIndexTemplate({ name: TEMPLATE_NAME, body: indexTemplate({ replicas: this.options.replicas }) as never }));
    try {
      await this.withRetries(() =>
        this.client.transport.request({ method: 'PUT', path: `/_plugins/_ism/policies/${RETENTION_POLICY_ID}`, body: retentionPolicy(this.options.retentionDays) }),
      );
    } catch (err) {
      // 409: the policy exists already (another container put it first).
      if (statusOf(err) !== 409) throw err;
    }
  }

  private backoff(attempt: number): number {
    const base = (this.options.backoffMs ?? 100) * 2 ** attempt;
    return base / 2 + Math.random() * (base / 2);
  }

  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (statusOf(err) !== 429 || attempt + 1 >= attempts) throw err;
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  async index(events: IndexedEvent[]): Promise<BulkIndexResult> {
    if (events.length === 0) return { failed: [] };
    await this.ensureSetup();
    const failed: BulkIndexResult['failed'] = [];
    const attempts = this.options.maxAttempts ?? 5;
    let pending = events;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const body = pending.flatMap((event) => [{ create: { _index: indexFor(event.timestamp), _id: event._storage_id } }, toDoc(event)]);
      const response = await this.withRetries(() => this.client.bulk({ body }));
      const items = (response.body.items ?? []) as Record<string, BulkItem>[];
      const retry: IndexedEvent[] = [];
      pending.forEach((event, i) => {
        const item = items[i]?.create;
        if (!item) {
          failed.push({ id: event._storage_id, reason: 'no bulk item in the response' });
        } else if (item.status === 429) {
          retry.push(event);
        } else if (item.status >= 300 && item.status !== 409) {
          failed.push({ id: event._storage_id, reason: `${item.status} ${item.error?.type ?? ''}: ${item.error?.reason ?? ''}`.trim() });
        }
      });
      if (retry.length > 0 && attempt + 1 >= attempts) {
        for (const event of retry) failed.push({ id: event._storage_id, reason: '429 too many requests (retries exhausted)' });
        break;
      }
      if (retry.length > 0) await this.sleep(this.backoff(attempt));
      pending = retry;
    }
    return { failed };
  }

  async search(query: EventQuery): Promise<EventSearchResult> {
    const response = await this.withRetries(() =>
      this.client.search({ index: INDEX_PATTERN, ignore_unavailable: true, allow_no_indices: true, body: searchBody(query) as never }),
    );
    const hits = response.body.hits;
    const total = typeof hits.total === 'number' ? hits.total : (hits.total?.value ?? 0);
    return { items: hits.hits.map((hit) => fromDoc(hit._source as Doc)), total };
  }
}
