/**
 * Powertools logger, metrics and tracer for one function, and the middy wrapper that applies them.
 * In Lambda: JSON logs, EMF metrics (with a cold-start metric) and X-Ray segments. Locally there is
 * no X-Ray daemon and nobody reads EMF, so the tracer is off and metrics are discarded after each
 * invocation instead of being printed.
 */
// First: decides the X-Ray SDK's mode before the tracer loads it.
import './xray-mode';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { MiddlewareObj, MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { AwsClients } from '../../adapters/aws-clients';
import type { FunctionId } from '../../src/config/resources';
import type { HandlerSettings } from './settings';

export const METRICS_NAMESPACE = 'Stratus';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  local: boolean;
}

export function createObservability(functionId: FunctionId, settings: HandlerSettings): Observability {
  const serviceName = `stratus-${functionId}`;
  const logger = new Logger({
    serviceName,
    logLevel: settings.logLevel,
    persistentKeys: { stage: settings.config.stage },
  });
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName,
    defaultDimensions: { stage: settings.config.stage },
    // Powertools' own warnings go through our logger, not straight to stdout.
    logger,
  });
  const tracer = new Tracer({ serviceName, enabled: !settings.local, captureHTTPsRequests: !settings.local });
  return { logger, metrics, tracer, local: settings.local };
}

/** Drops the metrics an invocation recorded: the local stand-in for logMetrics. */
function discardMetrics(metrics: Metrics): MiddlewareObj {
  const clear = async () => {
    metrics.clearMetrics();
    metrics.clearDimensions();
    metrics.clearMetadata();
  };
  return { after: clear, onError: clear };
}

/** Wraps a plain async handler with the Powertools middlewares. */
export function withObservability<TEvent, TResult>(
  observability: Observability,
  handler: (event: TEvent, context: Context) => Promise<TResult>,
): MiddyfiedHandler<TEvent, TResult, Error, Context> {
  const { logger, metrics, tracer, local } = observability;
  return middy<TEvent, TResult, Error, Context>()
    .use(captureLambdaHandler(tracer))
    .use(local ? discardMetrics(metrics) : logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handler);
}

/** AWS clients whose calls appear as X-Ray subsegments in Lambda. */
export function createAwsClients(settings: HandlerSettings, observability: Observability): AwsClients {
  const { tracer, local } = observability;
  return new AwsClients(settings.aws, local ? (client) => client : (client) => tracer.captureAWSv3Client(client));
}
