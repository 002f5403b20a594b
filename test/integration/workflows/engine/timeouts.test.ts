/**
 * Operation timeouts of central operations on the real local runtime (STRATUS_OPERATION_LEASE=3 s:
 * an operation may run 80 % of it, 2.4 s). A `timeout` longer than that is capped, so the operation
 * never outlives its worker's lease (the sweeper would take it for lost and run it a second time
 * while it still ran); `timeout_recoverable: false` fails it at once, otherwise it is retried.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deploy, events, HEADER, instances, run, starts, startHarness, waitForEnd } from './harness';
import type { Harness } from './harness';

const CREATE = 'cloudify.interfaces.lifecycle.create';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({}, { STRATUS_OPERATION_LEASE: '3', STRATUS_TASK_RETRIES: '1' });
}, 120000);

afterAll(async () => {
  await h?.stop();
});

function blueprint(recoverable: boolean): string {
  return `${HEADER}
node_templates:
  slow:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle:
        create: {implementation: stratus.ops.sleep, inputs: {seconds: 6}, timeout: 30, timeout_recoverable: ${recoverable}}
`;
}

describe('central operation timeouts', () => {
  it('a timeout longer than the lease is capped: the operation times out once, never runs twice at a time, and timeout_recoverable false fails it', async () => {
    await deploy(h, 'capped', blueprint(false));
    const started = await run(h, 'capped', 'install');
    const done = await waitForEnd(h, started.id as string, 30000);
    expect(done.status).toBe('failed');
    expect(done.error).toContain(`Operation ${CREATE} timed out after 2 seconds`);
    const list = await events(h, started.id as string);
    const id = (await instances(h, 'capped'))[0].id as string;
    expect(starts(list).get(`${id} ${CREATE}`)).toBe(1);
    expect(list.some((e) => e.event_type === 'task_rescheduled')).toBe(false);
    expect(list.some((e) => e.type === 'cloudify_log' && e.message.includes('timeout 30 s is longer than a central operation may run here: 2 s'))).toBe(true);
  }, 60000);

  it('a recoverable timeout is retried (one retry here), each attempt alone', async () => {
    await deploy(h, 'retried', blueprint(true));
    const started = await run(h, 'retried', 'install');
    const done = await waitForEnd(h, started.id as string, 30000);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('retries exhausted: 1/1');
    const list = await events(h, started.id as string);
    const id = (await instances(h, 'retried'))[0].id as string;
    expect(starts(list).get(`${id} ${CREATE}`)).toBe(2);
    expect(list.filter((e) => e.event_type === 'task_rescheduled')).toHaveLength(1);
    // Each attempt ended by its own timeout, not by a lease that ran out under it (a second run while the first still ran).
    const failures = list.filter((e) => e.event_type === 'task_failed').map((e) => e.message);
    expect(failures).toHaveLength(2);
    for (const message of failures) expect(message).toContain('timed out after 2 seconds');
  }, 60000);
});
