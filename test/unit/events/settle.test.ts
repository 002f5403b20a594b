import { describe, expect, it } from '@jest/globals';
import { EVENTS_SETTLE_MS, followedExecution, settledQuery } from '../../../src/events/settle';
import type { EventQuery } from '../../../src/ports/event-index';

const base: EventQuery = { tenants: ['t'], types: [], filters: {}, sort: [], size: 100, offset: 0 };

describe('followedExecution', () => {
  it('names the one execution of a query read in ascending time order', () => {
    expect(followedExecution({ ...base, filters: { execution_id: ['e1'] } })).toBe('e1');
    expect(followedExecution({ ...base, filters: { execution_id: ['e1'] }, sort: [{ field: 'reported_timestamp', descending: false }] })).toBe('e1');
  });

  it('leaves other queries alone: several or no executions, newest first, an explicit range', () => {
    expect(followedExecution(base)).toBeUndefined();
    expect(followedExecution({ ...base, filters: { execution_id: ['e1', 'e2'] } })).toBeUndefined();
    expect(followedExecution({ ...base, filters: { execution_id: ['e1'] }, sort: [{ field: 'timestamp', descending: true }] })).toBeUndefined();
    expect(followedExecution({ ...base, filters: { execution_id: ['e1'] }, range: { field: 'timestamp', from: '2026-01-01T00:00:00.000Z' } })).toBeUndefined();
  });
});

describe('settledQuery', () => {
  const now = new Date('2026-03-01T10:00:10.000Z');

  it('ends the range EVENTS_SETTLE_MS before now, on the field the query sorts by', () => {
    const query = settledQuery({ ...base, sort: [{ field: 'reported_timestamp', descending: false }] }, now);
    expect(query.range).toEqual({ field: 'reported_timestamp', to: new Date(now.getTime() - EVENTS_SETTLE_MS).toISOString() });
    expect(query.sort).toEqual([{ field: 'reported_timestamp', descending: false }]);
  });

  it('uses timestamp, the default order, when the query has no sort', () => {
    expect(settledQuery(base, now, 500).range).toEqual({ field: 'timestamp', to: '2026-03-01T10:00:09.500Z' });
  });
});
