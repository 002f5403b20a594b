/**
 * A dead-letter queue and the alarm that fires as soon as a message lands in it.
 *
 * Defaults: SSE with SQS-managed keys, a TLS-only queue policy, SQS's maximum retention (14 days),
 * the alarm on ApproximateNumberOfMessagesVisible > 0 over one minute.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  queueName: string;
  /** What sends failures here, for the alarm's description. */
  failuresOf: string;
  /** @default 14 days (the SQS maximum) */
  retentionPeriod?: Duration;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
  /** Where the alarm notifies. @default no action (the alarm still shows on the dashboard) */
  alarmAction?: IAlarmAction;
}

export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.alarm = new Alarm(this, 'Alarm', {
      alarmDescription: `Messages in ${props.queueName}: failures of ${props.failuresOf}`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.alarm.addAlarmAction(props.alarmAction);
    Validations.of(this.queue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is a dead-letter queue, the end of the line: its messages wait for an operator (the alarm fires), not for another redrive.',
    });
  }
}
