/**
 * The runtime configuration a handler needs: the physical names of the resources it may use and
 * the endpoints of its peers. In AWS it arrives through environment variables set by the CDK
 * (names in resources.ts); the local runtime builds it directly, so several runtimes can live in one
 * process without sharing `process.env`.
 */
import { BUCKETS, ENV, QUEUES, TABLES } from './resources';
import type { BucketId, QueueId, TableId } from './resources';

export interface StratusConfig {
  stage: string;
  /** Physical table names. A function only receives the tables its `access` grants. */
  tables: Partial<Record<TableId, string>>;
  /** Queue URLs. */
  queues: Partial<Record<QueueId, string>>;
  /** Bucket names. */
  buckets: Partial<Record<BucketId, string>>;
  /** Base URL of the WebSocket @connections management endpoint. */
  wsManagementUrl?: string;
  wsUrl?: string;
  restUrl?: string;
  openSearchEndpoint?: string;
  secretsKeyId?: string;
  adminSecretArn?: string;
  /** `blueprint_archive_url`/`plugin_archive_url` policy: `off` (default), `public` or `any`. */
  remoteArchiveUrls?: string;
}

export type Env = Record<string, string | undefined>;

/** Raised when a handler needs a resource its configuration does not name. */
export class MissingConfigError extends Error {
  constructor(what: string, envVar: string) {
    super(`Stratus configuration is missing ${what} (environment variable ${envVar})`);
    this.name = 'MissingConfigError';
  }
}

function pick<K extends string>(env: Env, defs: Record<K, { envVar: string }>): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const [key, def] of Object.entries(defs) as [K, { envVar: string }][]) {
    const value = env[def.envVar];
    if (value) out[key] = value;
  }
  return out;
}

export function configFromEnv(env: Env): StratusConfig {
  return {
    stage: env[ENV.stage] || 'local',
    tables: pick(env, TABLES),
    queues: pick(env, QUEUES),
    buckets: pick(env, BUCKETS),
    wsManagementUrl: env[ENV.wsManagementUrl] || undefined,
    wsUrl: env[ENV.wsUrl] || undefined,
    restUrl: env[ENV.restUrl] || undefined,
    openSearchEndpoint: env[ENV.openSearchEndpoint] || undefined,
    secretsKeyId: env[ENV.secretsKeyId] || undefined,
    adminSecretArn: env[ENV.adminSecretArn] || undefined,
    remoteArchiveUrls: env[ENV.remoteArchiveUrls] || undefined,
  };
}

/** The inverse of configFromEnv: the environment a process needs to see this configuration. */
export function configToEnv(config: StratusConfig): Record<string, string> {
  const env: Record<string, string> = { [ENV.stage]: config.stage };
  const put = (name: string, value: string | undefined) => {
    if (value) env[name] = value;
  };
  for (const [id, name] of Object.entries(config.tables)) put(TABLES[id as TableId].envVar, name);
  for (const [id, url] of Object.entries(config.queues)) put(QUEUES[id as QueueId].envVar, url);
  for (const [id, name] of Object.entries(config.buckets)) put(BUCKETS[id as BucketId].envVar, name);
  put(ENV.wsManagementUrl, config.wsManagementUrl);
  put(ENV.wsUrl, config.wsUrl);
  put(ENV.restUrl, config.restUrl);
  put(ENV.openSearchEndpoint, config.openSearchEndpoint);
  put(ENV.secretsKeyId, config.secretsKeyId);
  put(ENV.adminSecretArn, config.adminSecretArn);
  put(ENV.remoteArchiveUrls, config.remoteArchiveUrls);
  return env;
}

export function requireTable(config: StratusConfig, id: TableId): string {
  const name = config.tables[id];
  if (!name) throw new MissingConfigError(`the ${id} table`, TABLES[id].envVar);
  return name;
}

export function requireQueue(config: StratusConfig, id: QueueId): string {
  const url = config.queues[id];
  if (!url) throw new MissingConfigError(`the ${id} queue URL`, QUEUES[id].envVar);
  return url;
}

export function requireBucket(config: StratusConfig, id: BucketId): string {
  const name = config.buckets[id];
  if (!name) throw new MissingConfigError(`the ${id} bucket`, BUCKETS[id].envVar);
  return name;
}

export function requireWsManagementUrl(config: StratusConfig): string {
  if (!config.wsManagementUrl) throw new MissingConfigError('the WebSocket management URL', ENV.wsManagementUrl);
  return config.wsManagementUrl;
}
