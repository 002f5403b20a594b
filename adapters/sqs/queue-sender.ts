/** Sends queue messages (JSON envelopes with a `kind`) to the manager's SQS queues. */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueId } from '../../src/config/resources';
import type { QueueMessage, QueueSender, SendOptions } from '../../src/ports/queues';

export class SqsQueueSender implements QueueSender {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrls: Partial<Record<QueueId, string>>,
  ) {}

  async send(queue: QueueId, message: QueueMessage, options: SendOptions = {}): Promise<void> {
    const url = this.queueUrls[queue];
    if (!url) throw new Error(`No URL configured for the ${queue} queue`);
    const delay = options.delaySeconds ? Math.min(900, Math.max(0, Math.ceil(options.delaySeconds))) : 0;
    await this.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(message), ...(delay > 0 ? { DelaySeconds: delay } : {}) }));
  }
}
