/**
 * Runs a function on a fixed EventBridge schedule.
 *
 * Defaults: events older than one period are dropped (the next run does the same work), two
 * delivery retries, and undeliverable events go to the given dead-letter queue.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SweeperScheduleProps {
  handler: IFunction;
  everyMinutes: number;
  deadLetterQueue: IQueue;
  ruleName?: string;
  /** @default 2 */
  retryAttempts?: number;
}

export class SweeperSchedule extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SweeperScheduleProps) {
    super(scope, id);
    if (!Number.isInteger(props.everyMinutes) || props.everyMinutes < 1) {
      throw new Error(`A schedule needs a whole number of minutes >= 1; got ${props.everyMinutes}`);
    }
    const period = Duration.minutes(props.everyMinutes);
    this.rule = new Rule(this, 'Rule', {
      ruleName: props.ruleName,
      description: `Runs ${props.handler.functionName} every ${props.everyMinutes} minute(s)`,
      schedule: Schedule.rate(period),
      targets: [
        new LambdaFunction(props.handler, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: props.retryAttempts ?? 2,
          maxEventAge: period,
        }),
      ],
    });
  }
}
