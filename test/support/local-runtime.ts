/**
 * Starts an in-memory local runtime for a test: port 0, its own table/queue/bucket prefix, and the
 * run's shared DynamoDB Local when global-setup started one (otherwise its own).
 */
import { randomBytes } from 'node:crypto';
import { startLocalRuntime } from '../../local/runtime';
import type { LocalRuntime, LocalRuntimeOptions } from '../../local/runtime';
import { DYNAMODB_ENDPOINT_VAR } from './shared-dynamodb';

export function uniqueStage(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

export function startTestRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  return startLocalRuntime({
    port: 0,
    inMemory: true,
    stage: uniqueStage(),
    dynamoDbEndpoint: process.env[DYNAMODB_ENDPOINT_VAR] || undefined,
    scheduleMinutes: 0,
    logLevel: 'SILENT',
    ...options,
  });
}
