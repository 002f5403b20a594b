import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { createWorkflowWorkerHandler } from '../../../lambdas/workflow-worker';
import type { LocalRuntime } from '../../../local/runtime';
import { QUEUES } from '../../../src/config/resources';
import type { QueueMessage } from '../../../src/ports/queues';
import { startTestRuntime } from '../../support/local-runtime';

// The workflow queue's poller is the subject: it drives the real SQS consumer (Powertools
// BatchProcessor, partial batch failures) with test use cases, one of which always fails.
const handled = new Map<string, number>();
const failedReceiveCounts: string[] = [];
const batchSizes: number[] = [];
let inFlight = 0;
let maxInFlight = 0;

let runtime: LocalRuntime;
let sqs: SQSClient;

beforeAll(async () => {
  runtime = await startTestRuntime({
    visibilityTimeoutSeconds: 1,
    handlers: {
      workflowWorker: (settings) => {
        const worker = createWorkflowWorkerHandler(settings, {
          'test.ok': async (message: QueueMessage) => {
            handled.set(String(message.id), (handled.get(String(message.id)) ?? 0) + 1);
          },
          'test.slow': async (message: QueueMessage) => {
            await new Promise((resolve) => setTimeout(resolve, 400));
            handled.set(String(message.id), (handled.get(String(message.id)) ?? 0) + 1);
          },
          'test.fail': async (_message: QueueMessage, record: SQSRecord) => {
            failedReceiveCounts.push(record.attributes.ApproximateReceiveCount);
            throw new Error('this message always fails');
          },
        });
        return (async (event: { Records: SQSRecord[] }, context: Context) => {
          batchSizes.push(event.Records.length);
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            return await worker(event as never, context);
          } finally {
            inFlight--;
          }
        }) as never;
      },
    },
  });
  const { region, credentials, endpoints } = runtime.settings.aws;
  sqs = new SQSClient({ region, credentials, endpoint: endpoints!.sqs });
});

afterAll(async () => {
  await runtime?.stop();
  sqs?.destroy();
});

async function depth(url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

describe('SQS poller → SQS consumer', () => {
  it('deletes the successes once, redelivers the failure and moves it (and an unknown kind) to the DLQ after maxReceiveCount', async () => {
    const queue = runtime.resources.queues.workflow;
    const messages: QueueMessage[] = [
      { kind: 'test.ok', id: 'a' },
      { kind: 'test.fail', id: 'bad' },
      { kind: 'test.ok', id: 'b' },
      { kind: 'no.such.kind', id: 'unknown' },
      { kind: 'test.ok', id: 'c' },
    ];
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: messages.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })) }),
    );

    // Wait until both bad messages are in the dead-letter queue (5 receives, 1 s visibility each).
    const deadline = Date.now() + 20000;
    while ((await depth(queue.dlqUrl)) < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));

    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10, AttributeNames: ['All'] }));
    const dead = (Messages ?? []).map((message) => JSON.parse(message.Body ?? '{}').id).sort();
    expect(dead).toEqual(['bad', 'unknown']);
    expect(await depth(queue.url)).toBe(0);

    // Every success ran exactly once; the failure ran once per receive, maxReceiveCount times.
    expect(Object.fromEntries(handled)).toEqual({ a: 1, b: 1, c: 1 });
    const maxReceiveCount = QUEUES.workflow.maxReceiveCount;
    expect(failedReceiveCounts).toEqual(Array.from({ length: maxReceiveCount }, (_, i) => String(i + 1)));
    // The five messages arrived together in the first batch.
    expect(batchSizes[0]).toBe(5);
  }, 30000);

  it('keeps several batches in flight at once (Lambda-like concurrency), each message handled once', async () => {
    const queue = runtime.resources.queues.workflow;
    handled.clear();
    maxInFlight = 0;
    const ids = Array.from({ length: 40 }, (_, i) => `slow${i}`);
    for (let i = 0; i < ids.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: ids.slice(i, i + 10).map((id, index) => ({ Id: String(index), MessageBody: JSON.stringify({ kind: 'test.slow', id }) })) }),
      );
    }
    const deadline = Date.now() + 20000;
    while (handled.size < ids.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(Object.fromEntries(handled)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    // 40 messages of 400 ms in batches of at most 10: one batch at a time would never overlap.
    expect(maxInFlight).toBeGreaterThan(1);
    while ((await depth(queue.url)) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await depth(queue.url)).toBe(0);
  }, 30000);
});
