// Shared test infrastructure, started once for the whole jest run: one DynamoDB Local (see
// shared-dynamodb.ts), skipped when the selected tests cannot need it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@jest/types';
import { defaultJarCacheDir, ensureDynamoDbLocalJar } from '../../local/dynamodb-jar';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import type { DynamoDbLocal } from '../../local/dynamodb-local';
import { DYNAMODB_ENDPOINT_VAR, runNeedsDynamoDb } from './shared-dynamodb';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

declare global {
  var __stratusDynamoDb: DynamoDbLocal | undefined;
}

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  // Test processes never look for instance metadata or real credentials.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  if (process.env[DYNAMODB_ENDPOINT_VAR]) return; // provided from outside
  const patterns = (globalConfig.testPathPatterns as unknown as { patterns?: string[] })?.patterns ?? [];
  if (!(await runNeedsDynamoDb(rootDir, patterns))) return;
  const jar = await ensureDynamoDbLocalJar(defaultJarCacheDir(rootDir), (line) => console.log(line));
  const dynamo = await startDynamoDbLocal({ jar });
  globalThis.__stratusDynamoDb = dynamo;
  process.env[DYNAMODB_ENDPOINT_VAR] = dynamo.endpoint;
}
