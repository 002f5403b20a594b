/**
 * The operations dashboard: API latency and errors, function errors/throttles/duration, queue depth
 * and age, dead-letter depth and the state of the dead-letter alarms.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AlarmStatusWidget, Dashboard, GraphWidget, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IAlarm, IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface StratusDashboardProps {
  dashboardName: string;
  httpApi: HttpApi;
  webSocket: { apiId: string; stageName: string };
  functions: { label: string; fn: IFunction }[];
  queues: { label: string; queue: IQueue }[];
  deadLetterQueues: { label: string; queue: IQueue }[];
  alarms: IAlarm[];
  /** @default 1 minute */
  period?: Duration;
}

export class StratusDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: StratusDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(1);
    const graph = (title: string, left: IMetric[], right?: IMetric[]) => new GraphWidget({ title, left, right, width: 12, height: 6 });
    const perFunction = (make: (fn: IFunction) => Metric) => props.functions.map(({ label, fn }) => make(fn).with({ label, period }));
    const perQueue = (list: { label: string; queue: IQueue }[], make: (q: IQueue) => Metric) =>
      list.map(({ label, queue }) => make(queue).with({ label, period }));
    const webSocket = (metricName: string, statistic = 'Sum') =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.webSocket.apiId, Stage: props.webSocket.stageName },
        statistic,
        period,
        label: metricName,
      });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(
      graph(
        'REST API latency (ms)',
        [
          props.httpApi.metricLatency({ statistic: 'p50', period, label: 'p50' }),
          props.httpApi.metricLatency({ statistic: 'p99', period, label: 'p99' }),
        ],
        [props.httpApi.metricIntegrationLatency({ statistic: 'p99', period, label: 'integration p99' })],
      ),
      graph('REST API requests and errors', [
        props.httpApi.metricCount({ period, label: 'requests' }),
        props.httpApi.metricClientError({ period, label: '4xx' }),
        props.httpApi.metricServerError({ period, label: '5xx' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('WebSocket connections and messages', [webSocket('ConnectCount'), webSocket('MessageCount')]),
      graph('WebSocket errors', [webSocket('ClientError'), webSocket('IntegrationError'), webSocket('ExecutionError')]),
    );
    this.dashboard.addWidgets(
      graph('Function errors', perFunction((fn) => fn.metricErrors({ statistic: 'Sum' }))),
      graph('Function throttles', perFunction((fn) => fn.metricThrottles({ statistic: 'Sum' }))),
    );
    this.dashboard.addWidgets(
      graph('Function duration p99 (ms)', perFunction((fn) => fn.metricDuration({ statistic: 'p99' }))),
      graph('Dead-letter queue depth', perQueue(props.deadLetterQueues, (q) => q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }))),
    );
    this.dashboard.addWidgets(
      graph('Queue depth', perQueue(props.queues, (q) => q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }))),
      graph('Age of oldest message (s)', perQueue(props.queues, (q) => q.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum' }))),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Dead-letter alarms', alarms: props.alarms, width: 24, height: 3 }));
  }
}
