import { describe, expect, it } from '@jest/globals';
import { awsSettingsFromEnv, awsSettingsToEnv } from '../../../adapters/aws-settings';
import { settingsFromEnv } from '../../../lambdas/support/settings';
import { MissingConfigError, configFromEnv, configToEnv, requireQueue, requireTable } from '../../../src/config/runtime-config';
import type { StratusConfig } from '../../../src/config/runtime-config';

const config: StratusConfig = {
  stage: 'dev',
  tables: { model: 'stratus-dev-model', connections: 'stratus-dev-connections' },
  queues: { workflow: 'https://sqs/q/workflow' },
  buckets: { resources: 'stratus-dev-resources' },
  wsManagementUrl: 'https://ws.example/dev',
  restUrl: 'https://api.example',
};

describe('runtime configuration', () => {
  it('round-trips through the environment variables of resources.ts', () => {
    const env = configToEnv(config);
    expect(env).toMatchObject({ STRATUS_STAGE: 'dev', STRATUS_MODEL_TABLE: 'stratus-dev-model', STRATUS_WORKFLOW_QUEUE_URL: 'https://sqs/q/workflow', STRATUS_RESOURCES_BUCKET: 'stratus-dev-resources' });
    expect(configFromEnv(env)).toEqual({ ...config, wsUrl: undefined, openSearchEndpoint: undefined, secretsKeyId: undefined, adminSecretArn: undefined });
  });

  it('names the missing variable when a handler needs a resource it was not given', () => {
    expect(requireTable(config, 'model')).toBe('stratus-dev-model');
    expect(() => requireTable(config, 'operations')).toThrow(MissingConfigError);
    expect(() => requireTable(config, 'operations')).toThrow(/STRATUS_OPERATIONS_TABLE/);
    expect(() => requireQueue(config, 'tasks')).toThrow(/STRATUS_TASKS_QUEUE_URL/);
  });

  it('reads AWS settings and local mode from the environment', () => {
    expect(awsSettingsFromEnv({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SQS: 'http://sqs' })).toEqual({ region: 'eu-west-1', endpoints: { sqs: 'http://sqs' } });
    const env = awsSettingsToEnv({ region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' }, endpoints: { dynamodb: 'http://d' } });
    expect(env).toEqual({ AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', AWS_ENDPOINT_URL_DYNAMODB: 'http://d' });
    expect(settingsFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'f' })).toMatchObject({ local: false, logLevel: 'INFO' });
    expect(settingsFromEnv({ STRATUS_LOG_LEVEL: 'debug' })).toMatchObject({ local: true, logLevel: 'DEBUG' });
  });

  it('combines DynamoDB writes against an explicit endpoint (DynamoDB Local) unless told otherwise', () => {
    expect(awsSettingsFromEnv({ AWS_ENDPOINT_URL_DYNAMODB: 'http://d' }).combineRequests).toBe(true);
    expect(awsSettingsFromEnv({ AWS_ENDPOINT_URL: 'http://all' }).combineRequests).toBe(true);
    expect(awsSettingsFromEnv({ AWS_ENDPOINT_URL_DYNAMODB: 'http://d', STRATUS_DYNAMODB_COMBINE: 'false' }).combineRequests).toBeUndefined();
    // In AWS (no endpoint) only when asked.
    expect(awsSettingsFromEnv({ AWS_REGION: 'eu-west-1' }).combineRequests).toBeUndefined();
    expect(awsSettingsFromEnv({ STRATUS_DYNAMODB_COMBINE: 'TRUE' }).combineRequests).toBe(true);
    // Handed on to child processes as it was decided.
    expect(awsSettingsToEnv({ region: 'us-east-1', combineRequests: true }).STRATUS_DYNAMODB_COMBINE).toBe('true');
  });
});
