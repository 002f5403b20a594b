/**
 * Data resources: DynamoDB tables, SQS queues and their DLQs, S3 buckets, KMS keys, the admin secret.
 * Expectations come from src/config/resources.ts, the single definition the stack is built from.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { BUCKETS, DEAD_LETTER_RETENTION_SECONDS, QUEUES, TABLES, deadLetterName, physicalName } from '../../src/config/resources';
import type { Json, Synthesized } from './support/synth';
import { logicalIdOf, referencedIds, synthStratus } from './support/synth';

let synth: Synthesized;
beforeAll(() => {
  synth = synthStratus();
});

const resourcesOfType = (type: string): [string, Json][] =>
  Object.entries(synth.json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);

describe('DynamoDB tables', () => {
  it.each(Object.values(TABLES))('$id: keys, GSIs (projection ALL), on-demand, PITR, TTL, customer-managed KMS', (def) => {
    const attributes = new Set<string>([def.partitionKey, ...(def.sortKey ? [def.sortKey] : [])]);
    for (const index of def.indexes) [index.partitionKey, index.sortKey].forEach((a) => attributes.add(a));
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: physicalName('dev', def.id),
      KeySchema: [
        { AttributeName: def.partitionKey, KeyType: 'HASH' },
        ...(def.sortKey ? [{ AttributeName: def.sortKey, KeyType: 'RANGE' }] : []),
      ],
      AttributeDefinitions: Match.arrayEquals([...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      GlobalSecondaryIndexes: def.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      DeletionProtectionEnabled: true,
    });
  });

  it('all tables use one customer-managed key with rotation', () => {
    const keyIds = new Set(resourcesOfType('AWS::DynamoDB::Table').map(([, t]) => [...referencedIds(t.Properties.SSESpecification)][0]));
    expect(keyIds.size).toBe(1);
    const [keyId] = [...keyIds];
    expect(synth.json.Resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    expect(resourcesOfType('AWS::DynamoDB::Table')).toHaveLength(Object.keys(TABLES).length);
  });

  it('tables are retained by default and destroyed with stratus:removalPolicy=destroy', () => {
    for (const [, table] of resourcesOfType('AWS::DynamoDB::Table')) {
      expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    const destroyed = synthStratus({ context: { 'stratus:removalPolicy': 'destroy' } });
    destroyed.template.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    destroyed.template.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    destroyed.template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    destroyed.template.allResources('AWS::SQS::Queue', { DeletionPolicy: 'Delete' });
  });
});

describe('SQS queues', () => {
  const queueByName = (name: string): [string, Json] => {
    const found = resourcesOfType('AWS::SQS::Queue').find(([, q]) => q.Properties.QueueName === name);
    if (!found) throw new Error(`no queue named ${name}`);
    return found;
  };

  it.each(Object.values(QUEUES))('$id: SSE, visibility and retention from QUEUES, redrive to its DLQ after maxReceiveCount', (def) => {
    const [, queue] = queueByName(physicalName('dev', def.id));
    const [dlqId, dlq] = queueByName(deadLetterName('dev', def.id));
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: def.visibilityTimeoutSeconds,
      MessageRetentionPeriod: def.retentionSeconds,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: def.maxReceiveCount },
    });
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: DEAD_LETTER_RETENTION_SECONDS });
  });

  it('every queue (DLQs included) has a policy denying requests without TLS', () => {
    const queues = resourcesOfType('AWS::SQS::Queue');
    const policies = resourcesOfType('AWS::SQS::QueuePolicy');
    for (const [queueId] of queues) {
      const policy = policies.find(([, p]) => referencedIds(p.Properties.Queues).has(queueId));
      expect(policy?.[1].Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    // 3 work queues, their 3 DLQs, and the dead-letter queue of the scheduled sweeper.
    expect(queues).toHaveLength(7);
  });

  it('an alarm fires on any message in a dead-letter queue', () => {
    const dlqIds = resourcesOfType('AWS::SQS::Queue')
      .filter(([, q]) => String(q.Properties.QueueName).endsWith('-dlq'))
      .map(([id]) => id);
    expect(dlqIds).toHaveLength(4);
    for (const dlqId of dlqIds) {
      const alarm = resourcesOfType('AWS::CloudWatch::Alarm').find(([, a]) => referencedIds(a.Properties.Dimensions).has(dlqId));
      expect(alarm?.[1].Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
      });
    }
  });

  it('alarms notify the topic named by stratus:alarmTopicArn', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops';
    const withTopic = synthStratus({ context: { 'stratus:alarmTopicArn': topic } });
    withTopic.template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topic] });
  });
});

describe('S3 buckets', () => {
  it.each(Object.keys(BUCKETS) as (keyof typeof BUCKETS)[])('%s: encryption, public access blocked, versioning, lifecycle, access logs', (bucketId) => {
    const def = BUCKETS[bucketId];
    const logicalId = logicalIdOf(synth.stack, synth.stack.buckets[bucketId].bucket);
    const accessLogsId = resourcesOfType('AWS::S3::Bucket').find(([id]) => id.startsWith('BucketsAccessLogs'))![0];
    expect(synth.json.Resources[logicalId].Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: expect.arrayContaining([
          expect.objectContaining({
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: def.noncurrentVersionExpirationDays },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: def.abortIncompleteMultipartUploadDays },
          }),
        ]),
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: accessLogsId }, LogFilePrefix: `${def.id}/` },
    });
    // The versions rule plus one expiry rule per prefix, nothing else.
    const prefixes = 'expiringPrefixes' in def ? def.expiringPrefixes.length : 0;
    expect(synth.json.Resources[logicalId].Properties.LifecycleConfiguration.Rules).toHaveLength(1 + prefixes);
  });

  it('expires abandoned staged uploads under the prefixes resources.ts names', () => {
    const resources = synth.json.Resources[logicalIdOf(synth.stack, synth.stack.buckets.resources.bucket)];
    expect(BUCKETS.resources.expiringPrefixes.length).toBeGreaterThan(0);
    for (const { prefix, days } of BUCKETS.resources.expiringPrefixes) {
      expect(resources.Properties.LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({ Status: 'Enabled', Prefix: prefix, ExpirationInDays: days }),
      );
    }
  });

  it('only the resources bucket allows browser uploads through presigned URLs (CORS)', () => {
    const resources = synth.json.Resources[logicalIdOf(synth.stack, synth.stack.buckets.resources.bucket)];
    expect(resources.Properties.CorsConfiguration.CorsRules).toEqual([
      expect.objectContaining({ AllowedOrigins: ['*'], AllowedMethods: expect.arrayContaining(['PUT', 'GET']), ExposedHeaders: ['ETag'] }),
    ]);
    const agentPackages = synth.json.Resources[logicalIdOf(synth.stack, synth.stack.buckets.agentPackages.bucket)];
    expect(agentPackages.Properties.CorsConfiguration).toBeUndefined();
  });

  it('the agent message bucket (messages over 128 KB) has no CORS and forgets messages after a day', () => {
    const messages = synth.json.Resources[logicalIdOf(synth.stack, synth.stack.buckets.agentMessages.bucket)];
    expect(messages.Properties.CorsConfiguration).toBeUndefined();
    expect(messages.Properties.LifecycleConfiguration.Rules).toEqual(expect.arrayContaining([expect.objectContaining({ Prefix: 'messages/', ExpirationInDays: 1, Status: 'Enabled' })]));
  });

  it('every bucket, the access log bucket included, blocks public access and denies requests without TLS', () => {
    const buckets = resourcesOfType('AWS::S3::Bucket');
    // resources, agent packages, agent messages, access logs.
    expect(buckets).toHaveLength(4);
    for (const [bucketId, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const policy = resourcesOfType('AWS::S3::BucketPolicy').find(([, p]) => referencedIds(p.Properties.Bucket).has(bucketId));
      expect(policy?.[1].Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('the access log bucket lets S3 log delivery write through its policy (no ACLs) and expires logs', () => {
    const [logId, logBucket] = resourcesOfType('AWS::S3::Bucket').find(([id]) => id.startsWith('BucketsAccessLogs'))!;
    expect(logBucket.Properties).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 90 })] },
    });
    expect(logBucket.Properties.AccessControl).toBeUndefined();
    const policy = resourcesOfType('AWS::S3::BucketPolicy').find(([, p]) => referencedIds(p.Properties.Bucket).has(logId))!;
    expect(policy[1].Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }),
    );
  });
});

describe('secrets', () => {
  it('a KMS key with rotation encrypts the admin secret, whose password is generated', () => {
    const keyId = logicalIdOf(synth.stack, synth.stack.secrets.key);
    expect(synth.json.Resources[keyId].Properties.EnableKeyRotation).toBe(true);
    synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      GenerateSecretString: { GenerateStringKey: 'password', SecretStringTemplate: '{"username":"admin"}', PasswordLength: 32 },
    });
    synth.template.resourceCountIs('AWS::KMS::Key', 2);
  });
});
