/**
 * The event store a handler uses: the local runtime's in-process store, or OpenSearch at
 * ENV.openSearchEndpoint (SigV4 with the function's role). None configured → undefined.
 */
import { createOpenSearchClient } from '../../adapters/opensearch/client';
import { OpenSearchEventIndex } from '../../adapters/opensearch/event-index';
import type { EventIndex } from '../../src/ports/event-index';
import type { HandlerSettings } from './settings';

const cache = new WeakMap<HandlerSettings, EventIndex>();

export function eventIndexFor(settings: HandlerSettings): EventIndex | undefined {
  if (settings.localEvents) return settings.localEvents;
  const endpoint = settings.config.openSearchEndpoint;
  if (!endpoint) return undefined;
  let index = cache.get(settings);
  if (!index) {
    index = new OpenSearchEventIndex(createOpenSearchClient({ endpoint, region: settings.aws.region, credentials: settings.aws.credentials }));
    cache.set(settings, index);
  }
  return index;
}
