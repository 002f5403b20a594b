/**
 * Deployment options read from the CDK context (cdk.json `context`, or `-c key=value` on the CLI).
 *
 * Values given with `-c` arrive as strings, values from cdk.json keep their JSON type: both are
 * accepted. Anything else is refused with an error that names the key, the value and what is allowed,
 * before a single resource is built.
 */
import type { Node } from 'constructs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { physicalName } from '../src/config/resources';

export const CONTEXT_KEYS = {
  stage: 'stratus:stage',
  openSearchSize: 'stratus:openSearchSize',
  logRetentionDays: 'stratus:logRetentionDays',
  removalPolicy: 'stratus:removalPolicy',
  corsAllowedOrigins: 'stratus:corsAllowedOrigins',
  alarmTopicArn: 'stratus:alarmTopicArn',
} as const;

export const OPENSEARCH_SIZES = ['small', 'medium', 'large'] as const;
export type OpenSearchSize = (typeof OPENSEARCH_SIZES)[number];

export interface StratusSettings {
  /** Deployment name: part of every physical name (`stratus-<stage>-<id>`) and the API stage. */
  stage: string;
  openSearchSize: OpenSearchSize;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  /** Origins allowed by CORS on the HTTP API and the resources bucket. */
  corsAllowedOrigins: string[];
  /** SNS topic that alarms notify, if the operator has one. */
  alarmTopicArn?: string;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** CloudWatch Logs accepts only these retention periods (in days). */
const RETENTION_CHOICES = Object.values(RetentionDays).filter(
  (days): days is RetentionDays => typeof days === 'number' && days !== RetentionDays.INFINITE,
);

/** The OpenSearch domain is named `stratus-<stage>-events` and domain names stop at 28 characters. */
const OPENSEARCH_DOMAIN_NAME_MAX = 28;
const STAGE_MAX = OPENSEARCH_DOMAIN_NAME_MAX - physicalName('', 'events').length;
const STAGE_PATTERN = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

type Context = Record<string, unknown>;

export function parseStage(value: unknown): string {
  const stage = typeof value === 'string' ? value : undefined;
  if (stage === undefined || !STAGE_PATTERN.test(stage) || stage.length > STAGE_MAX) {
    throw new SettingsError(
      `${CONTEXT_KEYS.stage} must be 1 to ${STAGE_MAX} characters: a lowercase letter, then lowercase letters, ` +
        `digits or hyphens, not ending with a hyphen (it becomes part of resource names such as the ` +
        `OpenSearch domain "${physicalName('<stage>', 'events')}", which is limited to ${OPENSEARCH_DOMAIN_NAME_MAX} characters); ` +
        `got ${JSON.stringify(value)}`,
    );
  }
  return stage;
}

export function parseOpenSearchSize(value: unknown): OpenSearchSize {
  if (typeof value === 'string' && (OPENSEARCH_SIZES as readonly string[]).includes(value)) return value as OpenSearchSize;
  throw new SettingsError(`${CONTEXT_KEYS.openSearchSize} must be one of ${OPENSEARCH_SIZES.join(', ')}; got ${JSON.stringify(value)}`);
}

export function parseLogRetention(value: unknown): RetentionDays {
  const days = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof days === 'number' && (RETENTION_CHOICES as number[]).includes(days)) return days as RetentionDays;
  throw new SettingsError(
    `${CONTEXT_KEYS.logRetentionDays} must be a number of days CloudWatch Logs accepts ` +
      `(${RETENTION_CHOICES.join(', ')}); got ${JSON.stringify(value)}`,
  );
}

export function parseRemovalPolicy(value: unknown): RemovalPolicy {
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new SettingsError(`${CONTEXT_KEYS.removalPolicy} must be "retain" or "destroy"; got ${JSON.stringify(value)}`);
}

/** A list of origins, as a JSON array or a comma-separated string; `*` (any origin) by default. */
export function parseCorsOrigins(value: unknown): string[] {
  if (value === undefined) return ['*'];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((s) => s.trim()) : undefined;
  const valid = (origin: unknown) => typeof origin === 'string' && (origin === '*' || /^https?:\/\/[^\s/]+$/.test(origin));
  if (!list || list.length === 0 || !list.every(valid)) {
    throw new SettingsError(
      `${CONTEXT_KEYS.corsAllowedOrigins} must be "*" or origins such as "https://console.example.com" ` +
        `(a list, or comma-separated); got ${JSON.stringify(value)}`,
    );
  }
  return list as string[];
}

export function parseAlarmTopicArn(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(value)) return value;
  throw new SettingsError(`${CONTEXT_KEYS.alarmTopicArn} must be an SNS topic ARN; got ${JSON.stringify(value)}`);
}

/** Reads and validates every option; a missing required key is an error, not a silent default. */
export function settingsFromContext(context: Context): StratusSettings {
  return {
    stage: parseStage(context[CONTEXT_KEYS.stage]),
    openSearchSize: parseOpenSearchSize(context[CONTEXT_KEYS.openSearchSize]),
    logRetention: parseLogRetention(context[CONTEXT_KEYS.logRetentionDays]),
    removalPolicy: parseRemovalPolicy(context[CONTEXT_KEYS.removalPolicy]),
    corsAllowedOrigins: parseCorsOrigins(context[CONTEXT_KEYS.corsAllowedOrigins]),
    alarmTopicArn: parseAlarmTopicArn(context[CONTEXT_KEYS.alarmTopicArn]),
  };
}

/** Settings from a construct tree's context (the App carries cdk.json's and the CLI's). */
export function settingsFromNode(node: Node): StratusSettings {
  const context: Context = {};
  for (const key of Object.values(CONTEXT_KEYS)) context[key] = node.tryGetContext(key);
  return settingsFromContext(context);
}
