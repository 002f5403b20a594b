/**
 * The official OpenSearch client for the events domain, every request SigV4-signed (service `es`)
 * with the credentials of the AWS SDK's default chain (the Lambda role), or explicit ones (tests).
 */
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import type { AwsCredentials } from '../aws-settings';

export interface OpenSearchClientOptions {
  /** `https://...` (the domain endpoint). */
  endpoint: string;
  region: string;
  /** Absent: the SDK's default credential chain. */
  credentials?: AwsCredentials;
  /** Per-request timeout. */
  requestTimeoutMs?: number;
}

export function createOpenSearchClient(options: OpenSearchClientOptions): Client {
  const { credentials } = options;
  return new Client({
    node: options.endpoint,
    ...AwsSigv4Signer({
      region: options.region,
      service: 'es',
      ...(credentials ? { getCredentials: async () => credentials } : {}),
    }),
    // 429s are retried by the adapter with backoff; the client retries connection errors only.
    maxRetries: 2,
    requestTimeout: options.requestTimeoutMs ?? 20000,
  });
}
