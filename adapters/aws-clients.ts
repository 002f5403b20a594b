/**
 * AWS SDK clients built from explicit settings, created on first use and shared by the adapters of
 * one handler. `instrument` lets the Lambda wrapper hand each client to the X-Ray tracer.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsSettings } from './aws-settings';
import { CombiningDocumentClient } from './dynamodb/combining-client';

export type Instrument = <T>(client: T) => T;

interface HasMiddlewareStack {
  middlewareStack: { remove(name: string): boolean };
}

/**
 * Takes out the SDK's logger middleware. It copies every request's input and response through the
 * sensitive-data filter for its logger even when the logger discards them (we give the clients
 * none), which cost about 2 % of a worker's CPU on the engine's busy path.
 */
export function withoutSdkLogging<T extends HasMiddlewareStack>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/** The document client the adapters use on `raw`: combining requests when the settings say so. */
export function documentClient(raw: DynamoDBClient, settings: Pick<AwsSettings, 'combineRequests'>): DynamoDBDocumentClient {
  const translate = { marshallOptions: { removeUndefinedValues: true } };
  return settings.combineRequests ? new CombiningDocumentClient(raw, translate) : DynamoDBDocumentClient.from(raw, translate);
}

export class AwsClients {
  private dynamoDb?: DynamoDBDocumentClient;
  private sqsClient?: SQSClient;
  private s3Client?: S3Client;
  private managementClient?: ApiGatewayManagementApiClient;
  private kmsClient?: KMSClient;
  private secretsManagerClient?: SecretsManagerClient;

  constructor(
    private readonly settings: AwsSettings,
    private readonly instrument: Instrument = (client) => client,
  ) {}

  private base(endpoint: string | undefined) {
    return { region: this.settings.region, credentials: this.settings.credentials, ...(endpoint ? { endpoint } : {}) };
  }

  get documents(): DynamoDBDocumentClient {
    if (!this.dynamoDb) {
      this.dynamoDb = documentClient(this.instrument(withoutSdkLogging(new DynamoDBClient(this.base(this.settings.endpoints?.dynamodb)))), this.settings);
    }
    return this.dynamoDb;
  }

  get sqs(): SQSClient {
    this.sqsClient ??= this.instrument(withoutSdkLogging(new SQSClient(this.base(this.settings.endpoints?.sqs))));
    return this.sqsClient;
  }

  get s3(): S3Client {
    // Emulators serve buckets by path; virtual-hosted names would not resolve locally.
    const endpoint = this.settings.endpoints?.s3;
    this.s3Client ??= this.instrument(withoutSdkLogging(new S3Client({ ...this.base(endpoint), forcePathStyle: endpoint !== undefined })));
    return this.s3Client;
  }

  /** KMS (secret values are sealed under the manager's key). */
  get kms(): KMSClient {
    this.kmsClient ??= this.instrument(withoutSdkLogging(new KMSClient(this.base(undefined))));
    return this.kmsClient;
  }

  /** Secrets Manager (the initial admin password). */
  get secretsManager(): SecretsManagerClient {
    this.secretsManagerClient ??= this.instrument(withoutSdkLogging(new SecretsManagerClient(this.base(undefined))));
    return this.secretsManagerClient;
  }

  /** The @connections management API at `endpoint` (the WebSocket stage's https URL in AWS). */
  management(endpoint: string): ApiGatewayManagementApiClient {
    this.managementClient ??= this.instrument(withoutSdkLogging(new ApiGatewayManagementApiClient(this.base(endpoint))));
    return this.managementClient;
  }

  destroy(): void {
    for (const client of [this.dynamoDb, this.sqsClient, this.s3Client, this.managementClient, this.kmsClient, this.secretsManagerClient]) client?.destroy();
  }
}
