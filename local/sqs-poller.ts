/**
 * The local stand-in for a Lambda SQS event source: receives batches from a queue, invokes the
 * consumer function with an SQS event and deletes only the messages it did not report in
 * `batchItemFailures` (ReportBatchItemFailures). A thrown error, a timeout or a malformed answer
 * fails the whole batch. Failed messages become visible again after the visibility timeout and,
 * once received maxReceiveCount times, SQS (fauxqs) moves them to the dead-letter queue.
 *
 * Like Lambda's event source, the poller keeps up to `concurrency` batches in flight at once (each
 * its own receive loop and invocation): in AWS, a busy queue is consumed by many concurrent
 * invocations, so handlers must not assume one batch at a time.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { invoke } from './lambda-invoker';
import type { LocalFunction } from './lambda-invoker';

export interface SqsPollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  fn: LocalFunction<SQSEvent, unknown>;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Overrides the queue's visibility timeout for received messages (fast redelivery in tests). */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait per receive. */
  waitTimeSeconds?: number;
  onError?: (err: unknown) => void;
  /** Fault injection (tests): every batch is delivered twice, concurrently, each copy shuffled. */
  duplicateDelivery?: boolean;
  /** Batches in flight at once (concurrent invocations of the function, like Lambda's reserved concurrency). Default 1. */
  concurrency?: number;
}

export interface BatchOutcome {
  received: number;
  deleted: number;
  failed: number;
}

function lambdaAttributes(attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    out[name] = {
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
}

export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.MessageDeduplicationId ? { MessageDeduplicationId: attributes.MessageDeduplicationId } : {}),
      ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
    },
    messageAttributes: lambdaAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * The ids of the records to keep (not delete). Lambda treats an answer that names an id not in the
 * batch, or an empty id, as a failure of the whole batch.
 */
export function failedIds(result: unknown, records: SQSRecord[]): Set<string> {
  const all = new Set(records.map((record) => record.messageId));
  if (result === undefined || result === null) return new Set();
  const failures = (result as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown })?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

const COUNTS = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;

/**
 * Waits (polling every 50 ms) until the queue holds no message, visible, in flight or delayed, on
 * `checks` checks in a row, or until `timeoutMs` passed; true when it emptied.
 */
export async function waitForEmptyQueue(client: SQSClient, queueUrl: string, timeoutMs: number, checks = 1): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  let empty = 0;
  for (;;) {
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...COUNTS] }));
    empty = COUNTS.every((name) => Number(Attributes?.[name] ?? 0) === 0) ? empty + 1 : 0;
    if (empty >= checks) return true;
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class SqsPoller {
  private running = false;
  private loop?: Promise<unknown>;
  private abort = new AbortController();

  constructor(private readonly options: SqsPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    const concurrency = Math.max(1, Math.floor(this.options.concurrency ?? 1));
    this.loop = Promise.all(Array.from({ length: concurrency }, () => this.run()));
  }

  /**
   * Waits, polling on, until the queue is empty or `timeoutMs` passed; true when it emptied. The
   * emulator's queues live in memory, so a queue stopped with messages in it loses them.
   */
  drain(timeoutMs: number): Promise<boolean> {
    return waitForEmptyQueue(this.options.client, this.options.queueUrl, timeoutMs);
  }

  /** Stops receiving and waits for the batches in hand to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (err) {
        if (!this.running) break;
        this.options.onError?.(err);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async receive(max: number, waitTimeSeconds: number): Promise<Message[]> {
    const { Messages } = await this.options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitTimeSeconds,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...(this.options.visibilityTimeoutSeconds !== undefined ? { VisibilityTimeout: this.options.visibilityTimeoutSeconds } : {}),
      }),
      { abortSignal: this.abort.signal },
    );
    return Messages ?? [];
  }

  /** Receives one batch (waiting up to the batching window to fill it) and processes it. */
  async pollOnce(): Promise<BatchOutcome> {
    const { batchSize, maxBatchingWindowSeconds } = this.options;
    const messages = await this.receive(batchSize, this.options.waitTimeSeconds ?? 1);
    if (messages.length === 0) return { received: 0, deleted: 0, failed: 0 };
    const windowEnds = Date.now() + maxBatchingWindowSeconds * 1000;
    while (messages.length < batchSize && Date.now() < windowEnds && this.running) {
      const more = await this.receive(batchSize - messages.length, 0);
      if (more.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      messages.push(...more);
    }
    return this.process(messages);
  }

  private async process(messages: Message[]): Promise<BatchOutcome> {
    const records = messages.map((message) => toSqsRecord(message, this.options.queueArn, this.options.region));
    const deliver = async (batch: SQSRecord[]): Promise<Set<string>> => {
      try {
        return failedIds(await invoke(this.options.fn, { Records: batch }), batch);
      } catch (err) {
        this.options.onError?.(err);
        return new Set(batch.map((record) => record.messageId));
      }
    };
    let failed: Set<string>;
    if (this.options.duplicateDelivery) {
      const shuffled = () => [...records].sort(() => Math.random() - 0.5);
      const [a, b] = await Promise.all([deliver(shuffled()), deliver(shuffled())]);
      failed = new Set([...a, ...b]);
    } else {
      failed = await deliver(records);
    }
    const done = records.filter((record) => !failed.has(record.messageId));
    for (let i = 0; i < done.length; i += 10) {
      const chunk = done.slice(i, i + 10);
      await this.options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    return { received: records.length, deleted: done.length, failed: failed.size };
  }
}
