/** Sends queue messages (JSON envelopes with a `kind`) to the manager's SQS queues. */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueId } from '../../src/config/resources';
import type { QueueMessage, QueueSender } from '../../src/ports/queues';

export class SqsQueueSender implements QueueSender {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrls: Partial<Record<QueueId, string>>,
  ) {}

  async send(queue: QueueId, message: QueueMessage): Promise<void> {
    const url = this.queueUrls[queue];
    if (!url) throw new Error(`No URL configured for the ${queue} queue`);
    await this.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(message) }));
  }
}
