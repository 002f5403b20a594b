/**
 * Everything a handler factory needs, given explicitly: the resource configuration, how to reach
 * AWS, and whether it runs in Lambda or locally. The exported `handler` of each entry file reads it
 * from process.env once, on first invocation; the local runtime and tests pass it directly.
 */
import { awsSettingsFromEnv } from '../../adapters/aws-settings';
import type { AwsSettings } from '../../adapters/aws-settings';
import { configFromEnv } from '../../src/config/runtime-config';
import type { Env, StratusConfig } from '../../src/config/runtime-config';
import type { AgentPackageSource } from '../../src/ports/agent-package';
import type { EventIndex } from '../../src/ports/event-index';
import type { EngineConfig } from '../../src/workflows/engine/config';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

export interface HandlerSettings {
  config: StratusConfig;
  aws: AwsSettings;
  /** Local runtime or test: no X-Ray, no EMF metrics on stdout. */
  local: boolean;
  logLevel: LogLevel;
  /**
   * Local runtime only: what AWS keeps in Secrets Manager and KMS: the initial admin password and
   * the AES-256 key (base64) that seals stored secrets. Absent in Lambda.
   */
  localSecrets?: LocalSecrets;
  /**
   * Local runtime only: the in-process event store (what OpenSearch is in AWS), shared by the
   * HTTP API and the indexer of one runtime. Absent in Lambda (ENV.openSearchEndpoint is used).
   */
  localEvents?: EventIndex;
  /**
   * Local runtime only: the single-file agent bundle, built from the checkout on first request.
   * Absent in Lambda (the agentPackages bucket holds it).
   */
  localAgentPackage?: AgentPackageSource;
  /** Local runtime only: engine settings that differ from AWS's defaults (STRATUS_* variables still win). */
  engineDefaults?: Partial<EngineConfig>;
}

export interface LocalSecrets {
  adminUsername: string;
  adminPassword: string;
  /** base64 of 32 bytes. */
  secretsKey: string;
}

const LEVELS: LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'];

export function parseLogLevel(value: string | undefined, fallback: LogLevel): LogLevel {
  const upper = value?.toUpperCase();
  return LEVELS.find((level) => level === upper) ?? fallback;
}

export function settingsFromEnv(env: Env): HandlerSettings {
  // Lambda always sets AWS_LAMBDA_FUNCTION_NAME; anywhere else we are local.
  const local = !env.AWS_LAMBDA_FUNCTION_NAME;
  return {
    config: configFromEnv(env),
    aws: awsSettingsFromEnv(env),
    local,
    logLevel: parseLogLevel(env.STRATUS_LOG_LEVEL ?? env.POWERTOOLS_LOG_LEVEL, local ? 'WARN' : 'INFO'),
  };
}
