/**
 * An SQS-triggered handler: each record's body is a queue message envelope (`{kind, ...}`) handed
 * to the use case registered for its kind. Records are processed with Powertools' BatchProcessor
 * and failures are reported per record (`batchItemFailures`), so one bad message is retried alone
 * and, after the queue's maxReceiveCount, lands in the dead-letter queue. A message of unknown kind
 * or that is not a valid envelope is failed, never acknowledged silently.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueId } from '../../src/config/resources';
import { UnknownMessageKindError, parseQueueMessage } from '../../src/ports/queues';
import type { QueueMessage } from '../../src/ports/queues';
import type { Observability } from './observability';

export type MessageHandler = (message: QueueMessage, record: SQSRecord) => Promise<void>;
export type MessageHandlers = Record<string, MessageHandler>;

export function createSqsConsumer(
  queue: QueueId,
  handlers: MessageHandlers,
  observability: Observability,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const { logger } = observability;

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    try {
      const message = parseQueueMessage(record.body);
      const handler = Object.hasOwn(handlers, message.kind) ? handlers[message.kind] : undefined;
      if (!handler) throw new UnknownMessageKindError(message.kind, queue);
      await handler(message, record);
    } catch (err) {
      logger.error('Queue message failed', {
        queue,
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error: err instanceof Error ? { name: err.name, message: err.message } : String(err),
      });
      throw err;
    }
  };

  return async (event, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    // A fully failed batch is still a normal response: every record is listed as failed.
    return processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
  };
}
