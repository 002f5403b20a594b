/**
 * An SQS queue with its dead-letter queue (and the DLQ's alarm).
 *
 * Defaults: SSE with SQS-managed keys and a TLS-only queue policy on both queues, redrive to the DLQ
 * after `maxReceiveCount` receives.
 */
import type { Duration} from 'aws-cdk-lib';
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';

export interface QueueWithDlqProps {
  queueName: string;
  deadLetterQueueName: string;
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: number;
  visibilityTimeout: Duration;
  retentionPeriod: Duration;
  /** @default 14 days (the SQS maximum) */
  deadLetterRetentionPeriod?: Duration;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
  /** Where the DLQ alarm notifies. @default no action (the alarm still shows on the dashboard) */
  alarmAction?: IAlarmAction;
  /** Overrides of the main queue's defaults. */
  queueOverrides?: Partial<QueueProps>;
}

export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const dlq = new DeadLetterQueue(this, 'DeadLetter', {
      queueName: props.deadLetterQueueName,
      failuresOf: `${props.queueName} (received ${props.maxReceiveCount} times without success)`,
      retentionPeriod: props.deadLetterRetentionPeriod,
      removalPolicy,
      alarmAction: props.alarmAction,
    });
    this.deadLetterQueue = dlq.queue;
    this.deadLetterAlarm = dlq.alarm;
    this.queue = new Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: props.retentionPeriod,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy,
      ...props.queueOverrides,
    });
  }
}
