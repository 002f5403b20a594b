/**
 * HTTP API function: the REST API v3.1. API Gateway event → ApiRequest → router → response.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createApiRouter } from '../src/api/app';
import type { Router } from '../src/api/router';
import { toApiRequest, toProxyResult } from './support/http-event';
import { lazyHandler } from './support/lazy';
import type { LambdaHandler } from './support/lazy';
import { apiServices } from './support/api-container';
import { createAwsClients, createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';

export type HttpApiHandler = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

export function createHttpApiHandler(settings: HandlerSettings, router?: Router): HttpApiHandler {
  const observability = createObservability('httpApi', settings);
  const { logger } = observability;
  const routes =
    router ??
    createApiRouter(
      {
        onUnexpectedError: (err, request) =>
          logger.error('Request failed', { method: request.method, path: request.path, error: err instanceof Error ? err : String(err) }),
      },
      apiServices(settings, createAwsClients(settings, observability)),
    );
  return withObservability(observability, async (event: APIGatewayProxyEventV2) => toProxyResult(await routes.handle(toApiRequest(event))));
}

export const handler: HttpApiHandler = lazyHandler((settings) => createHttpApiHandler(settings));
