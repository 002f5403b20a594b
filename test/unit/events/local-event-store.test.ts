/**
 * The local event store, for real: the query semantics GET /events relies on (tenants, types,
 * field filters, event_type/level per kind, message.text patterns, ranges, sort, paging, honest
 * totals), idempotent writes, and the NDJSON log on disk (replayed on open, retention applied).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalEventStore } from '../../../adapters/local-event-store/store';
import { coalesce } from '../../../src/events/pipeline/fanout';
import { normalizeEvent, renderEvent } from '../../../src/events/pipeline/normalize';
import type { EventQuery, IndexedEvent } from '../../../src/ports/event-index';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function at(second: number): string {
  return new Date(Date.UTC(2026, 2, 1, 10, 0, second)).toISOString();
}

let counter = 0;
function ev(extra: Partial<IndexedEvent> & { second: number }): IndexedEvent {
  const { second, ...rest } = extra;
  const type = rest.type ?? 'cloudify_event';
  return normalizeEvent(
    {
      timestamp: at(second),
      reported_timestamp: at(second),
      tenant_name: 't1',
      execution_id: 'e1',
      workflow_id: 'install',
      deployment_id: 'd1',
      blueprint_id: 'b1',
      message: `event ${second}`,
      type,
      ...(type === 'cloudify_event' ? { event_type: 'task_started' } : { level: 'info', logger: 'ctx' }),
      ...rest,
    },
    `id-${String(counter++).padStart(6, '0')}`,
  );
}

const query = (q: Partial<EventQuery> = {}): EventQuery => ({ tenants: ['t1'], types: [], filters: {}, sort: [], size: 10000, offset: 0, ...q });

async function seeded(): Promise<LocalEventStore> {
  const store = await LocalEventStore.open();
  await store.index([
    ev({ second: 5, event_type: 'workflow_started', message: 'Starting install' }),
    ev({ second: 1, type: 'cloudify_log', level: 'error', message: 'Disk FULL on vm_1', node_name: 'vm', node_instance_id: 'vm_1', operation: 'create' }),
    ev({ second: 3, event_type: 'task_failed', message: 'Task failed: timeout', node_name: 'vm', node_instance_id: 'vm_1' }),
    ev({ second: 2, type: 'cloudify_log', level: 'info', message: '100% done', execution_id: 'e2', deployment_id: 'd2' }),
    ev({ second: 4, tenant_name: 't2', message: 'other tenant' }),
  ]);
  return store;
}

const messages = (items: IndexedEvent[]) => items.map((e) => e.message);

describe('local event store', () => {
  it('answers only the tenants asked for, in timestamp order by default, with honest totals and paging', async () => {
    const store = await seeded();
    const all = await store.search(query());
    expect(all.total).toBe(4);
    expect(messages(all.items)).toEqual(['Disk FULL on vm_1', '100% done', 'Task failed: timeout', 'Starting install']);
    const page = await store.search(query({ size: 2, offset: 1 }));
    expect(page.total).toBe(4);
    expect(messages(page.items)).toEqual(['100% done', 'Task failed: timeout']);
    expect(messages((await store.search(query({ tenants: ['t2'] }))).items)).toEqual(['other tenant']);
    expect((await store.search(query({ size: 0 }))).items).toEqual([]);
  });

  it('filters by type, fields (values OR, fields AND), event_type on events only and level on logs only', async () => {
    const store = await seeded();
    expect(messages((await store.search(query({ types: ['cloudify_log'] }))).items)).toEqual(['Disk FULL on vm_1', '100% done']);
    expect(messages((await store.search(query({ filters: { execution_id: ['e1', 'e2'], node_name: ['vm'] } }))).items)).toEqual(['Disk FULL on vm_1', 'Task failed: timeout']);
    expect((await store.search(query({ filters: { deployment_id: ['d2'] } }))).total).toBe(1);
    expect((await store.search(query({ filters: { operation: ['create'] } }))).total).toBe(1);
    // event_type keeps every log; level keeps every event.
    expect(messages((await store.search(query({ eventTypes: ['task_failed'] }))).items)).toEqual(['Disk FULL on vm_1', '100% done', 'Task failed: timeout']);
    expect(messages((await store.search(query({ levels: ['error'], types: ['cloudify_log'] }))).items)).toEqual(['Disk FULL on vm_1']);
  });

  it('matches message.text as a case-insensitive substring with % wildcards, other characters literal', async () => {
    const store = await seeded();
    expect(messages((await store.search(query({ messageText: ['disk full'] }))).items)).toEqual(['Disk FULL on vm_1']);
    expect(messages((await store.search(query({ messageText: ['task%timeout'] }))).items)).toEqual(['Task failed: timeout']);
    expect(messages((await store.search(query({ messageText: ['.*'] }))).items)).toEqual([]);
    expect(messages((await store.search(query({ messageText: ['100%'] }))).items)).toEqual(['100% done']);
    expect((await store.search(query({ messageText: ['install', 'FULL'] }))).total).toBe(2);
  });

  it('applies ranges (from inclusive, to exclusive, either open) and sorts by the requested keys', async () => {
    const store = await seeded();
    expect(messages((await store.search(query({ range: { field: 'timestamp', from: at(2), to: at(5) } }))).items)).toEqual(['100% done', 'Task failed: timeout']);
    expect((await store.search(query({ range: { field: 'timestamp', from: at(3) } }))).total).toBe(2);
    expect((await store.search(query({ range: { field: 'reported_timestamp', to: at(3) } }))).total).toBe(2);
    expect(messages((await store.search(query({ sort: [{ field: 'reported_timestamp', descending: true }] }))).items)).toEqual([
      'Starting install',
      'Task failed: timeout',
      '100% done',
      'Disk FULL on vm_1',
    ]);
  });

  it('keeps emission order among equal timestamps and writes an id only once', async () => {
    const store = await LocalEventStore.open();
    const first = ev({ second: 1, message: 'first' });
    await store.index([first, ev({ second: 1, message: 'second' })]);
    await store.index([first, ev({ second: 1, message: 'third' })]);
    const found = await store.search(query({ filters: { execution_id: ['e1'] } }));
    expect(messages(found.items)).toEqual(['first', 'second', 'third']);
  });

  it('persists to an NDJSON log, replays it on open and drops events older than the retention', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stratus-events-'));
    dirs.push(dir);
    const store = await LocalEventStore.open({ dataDir: dir });
    const old = ev({ second: 0, message: 'old' });
    old.timestamp = '2025-01-01T00:00:00.000Z';
    await store.index([old, ev({ second: 1, message: 'kept' })]);
    await store.flush();
    const log = await readFile(path.join(dir, 'events', 'events.ndjson'), 'utf8');
    expect(log.trimEnd().split('\n')).toHaveLength(2);
    // A torn last line (crash mid-append) is skipped.
    await writeFile(path.join(dir, 'events', 'events.ndjson'), log + '{"timestamp":');
    const reopened = await LocalEventStore.open({ dataDir: dir, retentionDays: 30, now: () => new Date('2026-03-02T00:00:00Z') });
    expect(messages((await reopened.search(query())).items)).toEqual(['kept']);
    expect((await readFile(path.join(dir, 'events', 'events.ndjson'), 'utf8')).trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('event normalisation and rendering', () => {
  it('renders every reference key, null when empty', () => {
    const item = renderEvent(normalizeEvent({ type: 'cloudify_event', event_type: 'workflow_started', tenant_name: 't', timestamp: at(1), message: 'hi' }, 's1'));
    expect(Object.keys(item).sort()).toEqual(
      [
        'timestamp', 'reported_timestamp', 'blueprint_id', 'deployment_id', 'deployment_display_name', 'execution_id', 'workflow_id', 'message',
        'error_causes', 'operation', 'source_id', 'target_id', 'node_instance_id', 'node_name', 'type', 'tenant_name', '_storage_id', 'event_type',
      ].sort(),
    );
    expect(item.execution_id).toBeNull();
    expect(item.error_causes).toBeNull();
    const log = renderEvent(normalizeEvent({ type: 'cloudify_log', tenant_name: 't', timestamp: at(1), message: 'x' }, 's2'));
    expect(log).toMatchObject({ level: 'info', logger: null });
    expect('event_type' in log).toBe(false);
  });

  it('rejects malformed events with a clear reason', () => {
    expect(() => normalizeEvent({ type: 'nope', tenant_name: 't', timestamp: at(1) }, 'x')).toThrow('"type"');
    expect(() => normalizeEvent({ type: 'cloudify_event', tenant_name: 't', timestamp: at(1) }, 'x')).toThrow('event_type');
    expect(() => normalizeEvent({ type: 'cloudify_event', event_type: 'a', timestamp: at(1) }, 'x')).toThrow('tenant_name');
    expect(() => normalizeEvent({ type: 'cloudify_log', level: 'loud', tenant_name: 't', timestamp: at(1) }, 'x')).toThrow('level');
    expect(() => normalizeEvent({ type: 'cloudify_log', tenant_name: 't', timestamp: 'yesterday' }, 'x')).toThrow('timestamp');
  });
});

describe('coalescing', () => {
  it('sends the newest events that fit, counting the rest as dropped with their time span', () => {
    const events = Array.from({ length: 50 }, (_, i) => ev({ second: i, message: `m${i}` }));
    const { message, sent, dropped } = coalesce(events, 10, 1024 * 1024);
    const parsed = JSON.parse(message);
    expect(parsed.action).toBe('events');
    expect(sent).toBe(10);
    expect(dropped).toBe(40);
    expect(parsed.dropped).toBe(40);
    expect(parsed.dropped_range).toEqual({ from: at(0), to: at(39) });
    expect(parsed.events.map((e: { message: string }) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `m${40 + i}`));
  });

  it('stays under the byte limit and sends everything when it fits', () => {
    const big = Array.from({ length: 20 }, (_, i) => ev({ second: i, message: 'x'.repeat(1000) }));
    const limited = coalesce(big, 100, 5000);
    expect(Buffer.byteLength(limited.message)).toBeLessThanOrEqual(5000);
    expect(limited.sent + limited.dropped).toBe(20);
    expect(limited.sent).toBeGreaterThan(0);
    const all = coalesce(big.slice(0, 3), 100, 1024 * 1024);
    expect(JSON.parse(all.message)).toMatchObject({ dropped: 0, dropped_range: null });
    expect(all.sent).toBe(3);
  });
});
