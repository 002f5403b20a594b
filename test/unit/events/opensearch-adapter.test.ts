/**
 * The OpenSearch adapter through the official client (@opensearch-project/opensearch) against a
 * request-recording fake HTTP server: the exact index template and retention policy, SigV4-signed
 * requests, NDJSON bulk bodies into daily indices, retries of 429s (whole request and single
 * items), conflicts counted as stored, item failures reported, and the search body of each filter.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenSearchClient } from '../../../adapters/opensearch/client';
import { OpenSearchEventIndex } from '../../../adapters/opensearch/event-index';
import { indexTemplate, retentionPolicy } from '../../../adapters/opensearch/template';
import type { EventQuery, IndexedEvent } from '../../../src/ports/event-index';

interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Reply = { status: number; body: unknown };

let server: Server;
let endpoint: string;
const requests: Recorded[] = [];
/** Replies queued per `METHOD path` (without query); default: 200 `{acknowledged:true}`. */
const replies = new Map<string, Reply[]>();
const sleeps: number[] = [];

function reply(key: string, ...queued: Reply[]): void {
  replies.set(key, [...(replies.get(key) ?? []), ...queued]);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      requests.push({ method: req.method ?? '', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = replies.get(`${req.method} ${path}`)?.shift() ?? { status: 200, body: { acknowledged: true } };
      res.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests.length = 0;
  replies.clear();
  sleeps.length = 0;
});

function adapter(options: { maxAttempts?: number; retentionDays?: number } = {}): OpenSearchEventIndex {
  const client = createOpenSearchClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
  return new OpenSearchEventIndex(client, { ...options, sleep: async (ms) => void sleeps.push(ms) });
}

function event(id: string, timestamp: string, extra: Partial<IndexedEvent> = {}): IndexedEvent {
  return {
    timestamp,
    reported_timestamp: timestamp,
    blueprint_id: 'bp',
    deployment_id: 'dep',
    deployment_display_name: 'dep',
    execution_id: 'ex1',
    workflow_id: 'install',
    tenant_name: 'default_tenant',
    message: `message ${id}`,
    error_causes: null,
    operation: null,
    source_id: null,
    target_id: null,
    node_instance_id: null,
    node_name: null,
    type: 'cloudify_event',
    event_type: 'task_started',
    _storage_id: id,
    ...extra,
  };
}

function bulkItems(...statuses: number[]) {
  return {
    status: 200,
    body: {
      took: 1,
      errors: statuses.some((s) => s >= 300),
      items: statuses.map((status) => ({ create: { status, ...(status >= 300 ? { error: { type: status === 400 ? 'mapper_parsing_exception' : 'x', reason: 'bad' } } : {}) } })),
    },
  };
}

function ndjson(body: string): unknown[] {
  expect(body.endsWith('\n')).toBe(true);
  return body.trimEnd().split('\n').map((line) => JSON.parse(line));
}

describe('OpenSearch event index', () => {
  it('puts the index template and the retention policy once, signed with SigV4, before the first bulk write', async () => {
    const index = adapter({ retentionDays: 14 });
    reply('POST /_bulk', bulkItems(201), bulkItems(201));
    await index.index([event('a', '2026-03-01T10:00:00.000Z')]);
    await index.index([event('b', '2026-03-01T10:00:01.000Z')]);

    expect(requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      // The official client sends POST (the API accepts PUT and POST).
      'POST /_index_template/stratus-events',
      'PUT /_plugins/_ism/policies/stratus-events-retention',
      'POST /_bulk',
      'POST /_bulk',
    ]);
    expect(JSON.parse(requests[0].body)).toEqual(indexTemplate());
    expect(JSON.parse(requests[0].body)).toEqual({
      index_patterns: ['stratus-events-*'],
      priority: 100,
      template: {
        settings: { number_of_shards: 1, number_of_replicas: 1, refresh_interval: '1s', max_result_window: 100000 },
        mappings: expect.objectContaining({ dynamic: false }),
      },
    });
    const mappings = JSON.parse(requests[0].body).template.mappings.properties;
    expect(mappings.timestamp).toEqual({ type: 'date', format: 'strict_date_optional_time' });
    expect(mappings.message).toEqual({ type: 'text', fields: { wildcard: { type: 'wildcard' } } });
    expect(mappings.error_causes).toEqual({ type: 'object', enabled: false });
    for (const field of ['tenant_name', 'deployment_id', 'execution_id', 'blueprint_id', 'node_name', 'node_instance_id', 'event_type', 'level', 'operation', 'type', 'storage_id']) {
      expect(mappings[field]).toEqual({ type: 'keyword' });
    }
    expect(JSON.parse(requests[1].body)).toEqual(retentionPolicy(14));
    expect(JSON.parse(requests[1].body).policy.states[0].transitions[0].conditions).toEqual({ min_index_age: '14d' });
    for (const request of requests) {
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/es\/aws4_request/);
      expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    }
  });

  it('treats an existing retention policy (409) as done', async () => {
    reply('PUT /_plugins/_ism/policies/stratus-events-retention', { status: 409, body: { error: { type: 'version_conflict_engine_exception' } } });
    reply('POST /_bulk', bulkItems(201));
    await expect(adapter().index([event('a', '2026-03-01T10:00:00.000Z')])).resolves.toEqual({ failed: [] });
  });

  it('writes NDJSON create actions into the daily index of each event, with the storage id as _id', async () => {
    reply('POST /_bulk', bulkItems(201, 201, 201));
    const log = event('c', '2026-03-02T00:00:00.000Z', { type: 'cloudify_log', level: 'info', logger: 'ctx', event_type: undefined });
    delete log.event_type;
    await adapter().index([event('a', '2026-03-01T23:59:59.999Z'), event('b', '2026-03-02T00:00:00.000Z'), log]);
    const bulk = requests.find((r) => r.path.startsWith('/_bulk'))!;
    expect(bulk.headers['content-type']).toMatch(/ndjson/);
    const lines = ndjson(bulk.body);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toEqual({ create: { _index: 'stratus-events-2026.03.01', _id: 'a' } });
    expect(lines[2]).toEqual({ create: { _index: 'stratus-events-2026.03.02', _id: 'b' } });
    expect(lines[4]).toEqual({ create: { _index: 'stratus-events-2026.03.02', _id: 'c' } });
    const { _storage_id: _ignored, ...rest } = event('a', '2026-03-01T23:59:59.999Z');
    expect(lines[1]).toEqual({ ...rest, storage_id: 'a' });
    expect(lines[5]).toMatchObject({ type: 'cloudify_log', level: 'info', logger: 'ctx', storage_id: 'c' });
  });

  it('retries a rejected request (429) and then only the rejected items, with growing backoff', async () => {
    reply('POST /_bulk', { status: 429, body: { error: { type: 'es_rejected_execution_exception' } } }, bulkItems(201, 429, 201), bulkItems(201));
    const result = await adapter().index([event('a', '2026-03-01T10:00:00.000Z'), event('b', '2026-03-01T10:00:00.000Z'), event('c', '2026-03-01T10:00:00.000Z')]);
    expect(result).toEqual({ failed: [] });
    const bulks = requests.filter((r) => r.path.startsWith('/_bulk'));
    expect(bulks).toHaveLength(3);
    expect(ndjson(bulks[1].body)).toHaveLength(6);
    expect(ndjson(bulks[2].body)).toEqual([{ create: { _index: 'stratus-events-2026.03.01', _id: 'b' } }, expect.objectContaining({ storage_id: 'b' })]);
    expect(sleeps).toHaveLength(2);
  });

  it('counts a conflict (already stored) as written and reports other item failures and exhausted retries', async () => {
    reply('POST /_bulk', bulkItems(409, 400, 429), bulkItems(429));
    const result = await adapter({ maxAttempts: 2 }).index([event('a', '2026-03-01T10:00:00.000Z'), event('b', '2026-03-01T10:00:00.000Z'), event('c', '2026-03-01T10:00:00.000Z')]);
    expect(result.failed.map((f) => f.id).sort()).toEqual(['b', 'c']);
    expect(result.failed.find((f) => f.id === 'b')!.reason).toContain('mapper_parsing_exception');
    expect(result.failed.find((f) => f.id === 'c')!.reason).toContain('429');
  });

  it('gives up on a request that stays rejected', async () => {
    reply('POST /_bulk', ...Array.from({ length: 3 }, () => ({ status: 429, body: { error: 'busy' } })));
    await expect(adapter({ maxAttempts: 3 }).index([event('a', '2026-03-01T10:00:00.000Z')])).rejects.toThrow();
    expect(requests.filter((r) => r.path.startsWith('/_bulk'))).toHaveLength(3);
  });
});

describe('OpenSearch search translation', () => {
  const base: EventQuery = { tenants: ['t1'], types: [], filters: {}, sort: [], size: 10000, offset: 0 };

  async function searchBody(query: Partial<EventQuery>, hits: unknown[] = [], total = 0): Promise<{ body: Record<string, unknown>; path: string; result: unknown }> {
    reply('POST /stratus-events-*/_search', { status: 200, body: { hits: { total: { value: total, relation: 'eq' }, hits } } });
    const result = await adapter().search({ ...base, ...query });
    const request = requests.at(-1)!;
    return { body: JSON.parse(request.body), path: request.path, result };
  }

  it('searches every events index for the tenants, default order timestamp then storage id, honest totals', async () => {
    const { _storage_id: _s, ...doc } = event('x', '2026-03-01T10:00:00.000Z');
    const { body, path, result } = await searchBody({ size: 100, offset: 200 }, [{ _id: 'x', _source: { ...doc, storage_id: 'x' } }], 1234);
    expect(decodeURIComponent(path)).toMatch(/^\/stratus-events-\*\/_search\?/);
    expect(path).toContain('ignore_unavailable=true');
    expect(path).toContain('allow_no_indices=true');
    expect(body).toEqual({
      query: { bool: { filter: [{ terms: { tenant_name: ['t1'] } }] } },
      sort: [{ timestamp: { order: 'asc' } }, { storage_id: { order: 'asc' } }],
      from: 200,
      size: 100,
      track_total_hits: true,
    });
    expect(result).toEqual({ items: [event('x', '2026-03-01T10:00:00.000Z')], total: 1234 });
  });

  it('translates type and field filters into terms (values OR, fields AND)', async () => {
    const { body } = await searchBody({
      types: ['cloudify_log'],
      filters: { deployment_id: ['d1', 'd2'], execution_id: ['e1'], blueprint_id: ['b1'], node_name: ['vm'], node_instance_id: ['vm_1'], operation: ['cloudify.interfaces.lifecycle.create'] },
    });
    expect((body.query as { bool: { filter: unknown[] } }).bool.filter).toEqual([
      { terms: { tenant_name: ['t1'] } },
      { terms: { type: ['cloudify_log'] } },
      { terms: { deployment_id: ['d1', 'd2'] } },
      { terms: { execution_id: ['e1'] } },
      { terms: { blueprint_id: ['b1'] } },
      { terms: { node_name: ['vm'] } },
      { terms: { node_instance_id: ['vm_1'] } },
      { terms: { operation: ['cloudify.interfaces.lifecycle.create'] } },
    ]);
  });

  it('applies event_type to events only and level to logs only', async () => {
    const { body } = await searchBody({ eventTypes: ['task_failed'], levels: ['error'] });
    const filter = (body.query as { bool: { filter: unknown[] } }).bool.filter;
    expect(filter[1]).toEqual({
      bool: {
        should: [
          { bool: { must_not: [{ term: { type: 'cloudify_event' } }] } },
          { bool: { filter: [{ term: { type: 'cloudify_event' } }, { terms: { event_type: ['task_failed'] } }] } },
        ],
        minimum_should_match: 1,
      },
    });
    expect(filter[2]).toEqual({
      bool: {
        should: [
          { bool: { must_not: [{ term: { type: 'cloudify_log' } }] } },
          { bool: { filter: [{ term: { type: 'cloudify_log' } }, { terms: { level: ['error'] } }] } },
        ],
        minimum_should_match: 1,
      },
    });
  });

  it('turns message.text patterns into escaped case-insensitive wildcards anywhere in the message', async () => {
    const { body } = await searchBody({ messageText: ['Task%started', 'a*b?c\\d'] });
    expect((body.query as { bool: { filter: unknown[] } }).bool.filter[1]).toEqual({
      bool: {
        should: [
          { wildcard: { 'message.wildcard': { value: '*Task*started*', case_insensitive: true } } },
          { wildcard: { 'message.wildcard': { value: '*a\\*b\\?c\\\\d*', case_insensitive: true } } },
        ],
        minimum_should_match: 1,
      },
    });
  });

  it('turns _range into gte/lt on the field and keeps an open bound open', async () => {
    const both = await searchBody({ range: { field: 'timestamp', from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' } });
    expect((both.body.query as { bool: { filter: unknown[] } }).bool.filter[1]).toEqual({
      range: { timestamp: { gte: '2026-03-01T00:00:00.000Z', lt: '2026-03-02T00:00:00.000Z' } },
    });
    const open = await searchBody({ range: { field: 'reported_timestamp', to: '2026-03-02T00:00:00.000Z' } });
    expect((open.body.query as { bool: { filter: unknown[] } }).bool.filter[1]).toEqual({ range: { reported_timestamp: { lt: '2026-03-02T00:00:00.000Z' } } });
  });

  it('sorts by the requested keys, then storage id', async () => {
    const { body } = await searchBody({ sort: [{ field: 'reported_timestamp', descending: true }, { field: 'timestamp', descending: false }] });
    expect(body.sort).toEqual([{ reported_timestamp: { order: 'desc' } }, { timestamp: { order: 'asc' } }, { storage_id: { order: 'asc' } }]);
  });
});
