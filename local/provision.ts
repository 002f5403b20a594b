/**
 * Creates the tables, queues (each with its dead-letter queue) and buckets of resources.ts in the
 * local emulators, idempotently: what exists is kept (persisted DynamoDB data survives restarts)
 * and what a newer resources.ts adds (a table, an index, TTL) is added.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { AttributeDefinition, DynamoDBClient, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { BUCKETS, DEAD_LETTER_RETENTION_SECONDS, QUEUES, TABLES, deadLetterName, physicalName } from '../src/config/resources';
import type { BucketId, QueueDefinition, QueueId, TableDefinition, TableId } from '../src/config/resources';

export interface ProvisionedQueue {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface Provisioned {
  tables: Record<TableId, string>;
  queues: Record<QueueId, ProvisionedQueue>;
  buckets: Record<BucketId, string>;
}

function gsiDefinition(index: TableDefinition['indexes'][number]): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  };
}

function attributeDefinitions(table: TableDefinition): AttributeDefinition[] {
  const names = new Set<string>([table.partitionKey]);
  if (table.sortKey) names.add(table.sortKey);
  for (const index of table.indexes) {
    names.add(index.partitionKey);
    names.add(index.sortKey);
  }
  return [...names].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
}

async function describe(client: DynamoDBClient, name: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

async function ensureTable(client: DynamoDBClient, name: string, table: TableDefinition): Promise<void> {
  const existing = await describe(client, name);
  if (!existing) {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(table),
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          ...(table.sortKey ? [{ AttributeName: table.sortKey, KeyType: 'RANGE' as const }] : []),
        ],
        ...(table.indexes.length > 0 ? { GlobalSecondaryIndexes: table.indexes.map(gsiDefinition) } : {}),
      }),
    );
  } else {
    // A persisted table from an older resources.ts: add the indexes it lacks (one per update,
    // as DynamoDB requires).
    const present = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of table.indexes.filter((candidate) => !present.has(candidate.name))) {
      await client.send(
        new UpdateTableCommand({
          TableName: name,
          AttributeDefinitions: attributeDefinitions(table),
          GlobalSecondaryIndexUpdates: [{ Create: gsiDefinition(index) }],
        }),
      );
    }
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 }, { TableName: name });
  if (table.ttlAttribute) {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true } }));
    }
  }
}

async function queueArn(client: SQSClient, url: string): Promise<string> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`Queue ${url} has no ARN`);
  return arn;
}

/** Creates the queue, or brings an existing one's attributes in line. */
async function ensureQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  try {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
    return QueueUrl;
  } catch (err) {
    if (!(err instanceof Error) || !/QueueNameExists|QueueAlreadyExists/.test(err.name)) throw err;
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl) throw err;
    await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return QueueUrl;
  }
}

async function ensureQueueWithDlq(client: SQSClient, stage: string, queue: QueueDefinition): Promise<ProvisionedQueue> {
  const dlqUrl = await ensureQueue(client, deadLetterName(stage, queue.id), { MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS) });
  const dlqArn = await queueArn(client, dlqUrl);
  const url = await ensureQueue(client, physicalName(stage, queue.id), {
    VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(queue.retentionSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: queue.maxReceiveCount }),
  });
  return { url, arn: await queueArn(client, url), dlqUrl, dlqArn };
}

async function ensureBucket(client: S3Client, name: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: name }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: name }));
  }
}

export interface ProvisionClients {
  dynamoDb: DynamoDBClient;
  sqs: SQSClient;
  s3: S3Client;
}

export async function provision(clients: ProvisionClients, stage: string): Promise<Provisioned> {
  const tableEntries = Object.entries(TABLES) as [TableId, TableDefinition][];
  const queueEntries = Object.entries(QUEUES) as [QueueId, QueueDefinition][];
  const bucketEntries = Object.entries(BUCKETS) as [BucketId, (typeof BUCKETS)[BucketId]][];
  const [, queues] = await Promise.all([
    Promise.all(tableEntries.map(([, table]) => ensureTable(clients.dynamoDb, physicalName(stage, table.id), table))),
    Promise.all(queueEntries.map(async ([id, queue]) => [id, await ensureQueueWithDlq(clients.sqs, stage, queue)] as const)),
    Promise.all(bucketEntries.map(([, bucket]) => ensureBucket(clients.s3, physicalName(stage, bucket.id)))),
  ]);
  return {
    tables: Object.fromEntries(tableEntries.map(([id, table]) => [id, physicalName(stage, table.id)])) as Record<TableId, string>,
    queues: Object.fromEntries(queues) as Record<QueueId, ProvisionedQueue>,
    buckets: Object.fromEntries(bucketEntries.map(([id, bucket]) => [id, physicalName(stage, bucket.id)])) as Record<BucketId, string>,
  };
}
