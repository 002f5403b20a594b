/**
 * A fresh `model` table (keys and indexes from resources.ts) in the run's shared DynamoDB Local,
 * under a unique name, for tests of the model store and the REST resources built on it.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../src/config/resources';
import { DYNAMODB_ENDPOINT_VAR } from './shared-dynamodb';

export interface TestModelTable {
  name: string;
  client: DynamoDBDocumentClient;
  endpoint: string;
  drop(): Promise<void>;
}

export function sharedDynamoDbEndpoint(): string {
  const endpoint = process.env[DYNAMODB_ENDPOINT_VAR];
  if (!endpoint) throw new Error(`${DYNAMODB_ENDPOINT_VAR} is not set: run integration tests through jest (global-setup starts DynamoDB Local)`);
  return endpoint;
}

export async function createModelTable(): Promise<TestModelTable> {
  const endpoint = sharedDynamoDbEndpoint();
  const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const def = TABLES.model;
  const name = `model-test-${randomBytes(5).toString('hex')}`;
  const keyNames = [def.partitionKey, def.sortKey, ...def.indexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  await raw.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...new Set(keyNames)].map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: def.partitionKey, KeyType: 'HASH' },
        { AttributeName: def.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: def.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  await waitUntilTableExists({ client: raw, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 }, { TableName: name });
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    name,
    client,
    endpoint,
    drop: async () => {
      await raw.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
      raw.destroy();
    },
  };
}
