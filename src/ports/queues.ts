/**
 * Port for sending work to the manager's queues, and the envelope every queue message carries:
 * a JSON object whose `kind` names the use case that handles it.
 */
import type { QueueId } from '../config/resources';

export interface QueueMessage {
  kind: string;
  [field: string]: unknown;
}

export interface SendOptions {
  /** Deliver after this many seconds (SQS DelaySeconds, 0..900). */
  delaySeconds?: number;
}

export interface QueueSender {
  send(queue: QueueId, message: QueueMessage, options?: SendOptions): Promise<void>;
}

export class InvalidMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMessageError';
  }
}

/** Raised for a message no use case handles: the consumer fails it so it ends in the DLQ. */
export class UnknownMessageKindError extends Error {
  constructor(readonly kind: string, queue: string) {
    super(`No handler for message kind "${kind}" on the ${queue} queue`);
    this.name = 'UnknownMessageKindError';
  }
}

export function parseQueueMessage(body: string): QueueMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidMessageError('Queue message body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidMessageError('Queue message body must be a JSON object');
  }
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || kind === '') {
    throw new InvalidMessageError('Queue message has no "kind"');
  }
  return value as QueueMessage;
}
