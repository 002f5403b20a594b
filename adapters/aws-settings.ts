/**
 * How AWS SDK clients are built: region, optional static credentials and per-service endpoints.
 * In Lambda only the region is set (credentials come from the execution role); the local runtime
 * and tests give everything explicitly, so a client never goes looking for IMDS.
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type AwsService = 'dynamodb' | 'sqs' | 's3';

export interface AwsSettings {
  region: string;
  credentials?: AwsCredentials;
  endpoints?: Partial<Record<AwsService, string>>;
  /**
   * Send concurrent DynamoDB writes and reads together (dynamodb/combining-client.ts). From
   * STRATUS_DYNAMODB_COMBINE (true/false); by default on when DynamoDB has an explicit
   * endpoint (DynamoDB Local), off in AWS, where a transactional write costs twice the capacity.
   */
  combineRequests?: boolean;
}

const ENDPOINT_VARS: Record<AwsService, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  s3: 'AWS_ENDPOINT_URL_S3',
};

export function awsSettingsFromEnv(env: Record<string, string | undefined>): AwsSettings {
  const endpoints: Partial<Record<AwsService, string>> = {};
  for (const [service, name] of Object.entries(ENDPOINT_VARS) as [AwsService, string][]) {
    const value = env[name] || env.AWS_ENDPOINT_URL;
    if (value) endpoints[service] = value;
  }
  const combineRequests = combineRequestsFrom(env, endpoints.dynamodb !== undefined);
  return { region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1', endpoints, ...(combineRequests ? { combineRequests } : {}) };
}

/** STRATUS_DYNAMODB_COMBINE (true/false), else whether DynamoDB has an explicit endpoint (DynamoDB Local). */
export function combineRequestsFrom(env: Record<string, string | undefined>, explicitEndpoint: boolean): boolean {
  const value = env.STRATUS_DYNAMODB_COMBINE?.toLowerCase();
  return value === 'true' || (value !== 'false' && explicitEndpoint);
}

/** The environment a child process needs to see these settings (the SDK reads these names). */
export function awsSettingsToEnv(settings: AwsSettings): Record<string, string> {
  const env: Record<string, string> = { AWS_REGION: settings.region, AWS_EC2_METADATA_DISABLED: 'true' };
  if (settings.credentials) {
    env.AWS_ACCESS_KEY_ID = settings.credentials.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = settings.credentials.secretAccessKey;
    if (settings.credentials.sessionToken) env.AWS_SESSION_TOKEN = settings.credentials.sessionToken;
  }
  for (const [service, url] of Object.entries(settings.endpoints ?? {}) as [AwsService, string][]) {
    env[ENDPOINT_VARS[service]] = url;
  }
  if (settings.combineRequests !== undefined) env.STRATUS_DYNAMODB_COMBINE = String(settings.combineRequests);
  return env;
}
