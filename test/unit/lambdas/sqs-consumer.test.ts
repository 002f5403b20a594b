import { describe, expect, it } from '@jest/globals';
import type { Context, SQSRecord } from 'aws-lambda';
import { createSweeperHandler } from '../../../lambdas/sweeper';
import { createWorkflowWorkerHandler, workflowMessageHandlers } from '../../../lambdas/workflow-worker';
import { EXECUTION_START_KIND } from '../../../src/executions/queue';
import { EXECUTION_CANCEL_KIND, EXECUTION_CHECK_KIND } from '../../../src/workflows/engine';
import type { HandlerSettings } from '../../../lambdas/support/settings';
import { lambdaContext } from '../../../local/lambda-invoker';

const settings: HandlerSettings = { config: { stage: 'unit', tables: {}, queues: {}, buckets: {} }, aws: { region: 'us-east-1' }, local: true, logLevel: 'SILENT' };
const context = (): Context => lambdaContext('unit', 10000, 'us-east-1');

function record(id: string, body: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  };
}

describe('SQS consumer (workflow worker wiring)', () => {
  it('reports exactly the failed records: thrown errors, unknown kinds, invalid envelopes', async () => {
    const seen: unknown[] = [];
    const handler = createWorkflowWorkerHandler(settings, {
      ok: async (message) => void seen.push(message.n),
      boom: async () => {
        throw new Error('boom');
      },
    });
    const result = await handler(
      {
        Records: [
          record('1', '{"kind":"ok","n":1}'),
          record('2', '{"kind":"boom"}'),
          record('3', '{"kind":"nobody-handles-this"}'),
          record('4', 'not json'),
          record('5', '{"no":"kind"}'),
          record('6', '{"kind":"toString"}'),
          record('7', '{"kind":"ok","n":7}'),
        ],
      },
      context(),
    );
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['2', '3', '4', '5', '6']);
    expect(seen).toEqual([1, 7]);
  });

  it('the real workflow worker handles exactly the engine message kinds; others still fail', async () => {
    // Table and queue names are enough to build the engine; no message below reaches AWS.
    const configured: HandlerSettings = {
      ...settings,
      config: { stage: 'unit', tables: { model: 'm', operations: 'o' }, queues: {}, buckets: {} },
      aws: { region: 'us-east-1', credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' } },
    };
    const kinds = Object.keys(workflowMessageHandlers(configured)).sort();
    expect(kinds).toEqual([EXECUTION_CANCEL_KIND, EXECUTION_CHECK_KIND, EXECUTION_START_KIND].sort());
    const handler = createWorkflowWorkerHandler(configured);
    const result = await handler({ Records: [record('1', '{"kind":"execution.unknown"}'), record('2', 'not json')] }, context());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '2' }]);
  });
});

describe('sweeper', () => {
  it('runs every task, reports counts, and fails the invocation when one task fails', async () => {
    const ran: string[] = [];
    const ok = createSweeperHandler(settings, { a: async () => (ran.push('a'), 2), b: async () => (ran.push('b'), 0) });
    expect(await ok({}, context())).toEqual({ results: { a: 2, b: 0 }, failed: [] });
    const failing = createSweeperHandler(settings, {
      bad: async () => {
        throw new Error('x');
      },
      after: async () => (ran.push('after'), 1),
    });
    await expect(failing({}, context())).rejects.toThrow('Sweep tasks failed: bad');
    expect(ran).toEqual(['a', 'b', 'after']);
  });
});
