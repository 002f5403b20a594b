import { afterAll, describe, expect, it } from '@jest/globals';
import type { ScheduledEvent } from 'aws-lambda';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';

let runtime: LocalRuntime | undefined;
afterAll(async () => {
  await runtime?.stop();
});

describe('timers for scheduled functions', () => {
  it('invokes the sweeper repeatedly with EventBridge Scheduled Events', async () => {
    const events: ScheduledEvent[] = [];
    runtime = await startTestRuntime({
      scheduleMinutes: 0.005, // 300 ms
      handlers: { sweeper: () => (async (event: ScheduledEvent) => void events.push(event)) as never },
    });
    const deadline = Date.now() + 5000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events', region: 'us-east-1', detail: {} });
    expect(events[0].resources[0]).toMatch(/^arn:aws:events:us-east-1:000000000000:rule\/stratus-t[0-9a-f]+-sweeper$/);
    await runtime.stop();
    const after = events.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(events.length).toBe(after);
  });
});
