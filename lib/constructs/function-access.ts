/**
 * Grants a function exactly what its FUNCTIONS `access` says, and hands it the matching
 * environment variables: a function learns the name of a resource only if it may use it.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IDomain } from 'aws-cdk-lib/aws-opensearchservice';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { BUCKETS, ENV, OPERATION_WAKE_ATTRIBUTES, OPERATION_WAKE_PREFIX, QUEUES, TABLES } from '../../src/config/resources';
import type { Access, BucketId, FunctionAccess, QueueId, TableId } from '../../src/config/resources';
import { acknowledgeWildcardAction, acknowledgeWildcardResource } from '../nag';
import type { StratusFunction } from './stratus-function';

/** Everything a function may be granted, with the values its environment variables carry. */
export interface AccessTargets {
  tables: Record<TableId, ITable>;
  queues: Record<QueueId, IQueue>;
  buckets: Record<BucketId, IBucket>;
  webSocket: { managementUrl: string; grantManageConnections(role: IRole): unknown };
  openSearch: { domain: IDomain; endpointUrl: string; grant(role: IRole, access: Access): void };
  secretsKey: IKey;
  adminSecret: ISecret;
}

/** Actions on a KMS key for application-level encryption of stored secrets. */
export const SECRETS_KEY_ACTIONS = {
  decrypt: ['kms:Decrypt'],
  encryptDecrypt: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
} as const;

/** S3 actions per access level: objects are read (and written), the bucket listed. */
export const BUCKET_ACTIONS: Record<Access, { bucket: string[]; objects: string[] }> = {
  read: { bucket: ['s3:ListBucket'], objects: ['s3:GetObject'] },
  readWrite: { bucket: ['s3:ListBucket'], objects: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'] },
};

function grantTable(fn: StratusFunction, table: ITable, access: Access): void {
  if (access === 'read') table.grantReadData(fn.role);
  else table.grantReadWriteData(fn.role);
  acknowledgeWildcardResource(fn.role, `${table.tableArn}/index/*`, 'Queries on the table\'s global secondary indexes need the index ARNs; scoped to this one table.');
  if (access === 'readWrite') {
    const reason =
      'Writing a DynamoDB table encrypted with a customer-managed key needs the kms:GenerateDataKey* and kms:ReEncrypt* families ' +
      '(the table grant adds them), on the tables\' key ARN only.';
    acknowledgeWildcardAction(fn.role, 'kms:GenerateDataKey*', reason);
    acknowledgeWildcardAction(fn.role, 'kms:ReEncrypt*', reason);
  }
}

function grantBucket(fn: StratusFunction, bucket: IBucket, access: Access): void {
  const actions = BUCKET_ACTIONS[access];
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: actions.bucket, resources: [bucket.bucketArn] }));
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: actions.objects, resources: [bucket.arnForObjects('*')] }));
  acknowledgeWildcardResource(fn.role, bucket.arnForObjects('*'), 'Object keys (blueprints, plugins, agent packages) are created at run time; scoped to this one bucket.');
}

/**
 * PutItem of wake-up items only: partition keys `W#…` (dynamodb:LeadingKeys) with no attribute but
 * a wake item's (dynamodb:Attributes), so headers, tasks and events stay out of reach. The table's
 * KMS key rights come with the function's table grants (one key encrypts every table).
 */
export function operationWakeStatement(table: ITable): PolicyStatement {
  return new PolicyStatement({
    actions: ['dynamodb:PutItem'],
    resources: [table.tableArn],
    conditions: {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${OPERATION_WAKE_PREFIX}*`] },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...OPERATION_WAKE_ATTRIBUTES] },
    },
  });
}

/** Grants `access` to `fn` and sets its environment; returns the variables it set. */
export function grantFunctionAccess(fn: StratusFunction, access: FunctionAccess, targets: AccessTargets): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [id, level] of Object.entries(access.tables ?? {}) as [TableId, Access][]) {
    grantTable(fn, targets.tables[id], level);
    env[TABLES[id].envVar] = targets.tables[id].tableName;
  }
  if (access.operationWakes) {
    fn.role.addToPrincipalPolicy(operationWakeStatement(targets.tables.operations));
    env[TABLES.operations.envVar] = targets.tables.operations.tableName;
  }
  for (const id of access.sendsTo ?? []) {
    targets.queues[id].grantSendMessages(fn.role);
    env[QUEUES[id].envVar] = targets.queues[id].queueUrl;
  }
  for (const [id, level] of Object.entries(access.buckets ?? {}) as [BucketId, Access][]) {
    grantBucket(fn, targets.buckets[id], level);
    env[BUCKETS[id].envVar] = targets.buckets[id].bucketName;
  }
  if (access.manageConnections) {
    targets.webSocket.grantManageConnections(fn.role);
    env[ENV.wsManagementUrl] = targets.webSocket.managementUrl;
  }
  if (access.openSearch) {
    const { domain, endpointUrl } = targets.openSearch;
    targets.openSearch.grant(fn.role, access.openSearch);
    acknowledgeWildcardResource(fn.role, `${domain.domainArn}/*`, 'Index and document paths of the events domain are chosen at run time; scoped to this one domain.');
    env[ENV.openSearchEndpoint] = endpointUrl;
  }
  if (access.secretsKey) {
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...SECRETS_KEY_ACTIONS[access.secretsKey]], resources: [targets.secretsKey.keyArn] }));
    env[ENV.secretsKeyId] = targets.secretsKey.keyId;
  }
  if (access.adminSecret) {
    targets.adminSecret.grantRead(fn.role);
    env[ENV.adminSecretArn] = targets.adminSecret.secretArn;
  }
  for (const [name, value] of Object.entries(env)) fn.addEnvironment(name, value);
  return env;
}
