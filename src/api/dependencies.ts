/**
 * What the REST API needs from the outside world, given explicitly (hexagonal: the core sees ports
 * only). lambdas/support/api-container.ts builds it from HandlerSettings (DynamoDB, KMS or the
 * local key, Secrets Manager or the local admin password, S3); tests build it from their own parts.
 *
 * Resources receive ApiServices: the dependencies plus the services built once from them (the
 * authenticator with its caches, the secrets service). To add a dependency for a new resource, add
 * an optional field here and fill it in the container.
 */
import type { AdminPasswordSource } from '../ports/admin-password';
import type { AgentPackageSource } from '../ports/agent-package';
import type { ConnectionGateway } from '../ports/connections';
import type { EventIndex } from '../ports/event-index';
import type { FileStore } from '../ports/file-store';
import type { ModelStore } from '../ports/model-store';
import type { OperationStore } from '../ports/operation-store';
import type { QueueSender } from '../ports/queues';
import type { SecretCipher } from '../ports/secret-cipher';
import { Authentication } from './auth/authenticate';
import { onceBootstrap } from './auth/bootstrap';
import { SecretsService } from './secrets/service';

/** Facts about this manager for `/managers`, `/brokers`, `/db-nodes` and `/status`. */
export interface ManagerInfo {
  /** Host name clients reach the manager at (the REST URL's host). */
  host: string;
}

export interface ApiDependencies {
  store: ModelStore;
  cipher: SecretCipher;
  adminPassword: AdminPasswordSource;
  files?: FileStore;
  /** Sends work to the manager's queues (executions, deployment environments). */
  queues?: QueueSender;
  /** Whether blueprint uploads may name a remote archive (`blueprint_archive_url`): never, public hosts only, or any. */
  remoteArchiveUrls?: 'off' | 'public' | 'any';
  manager?: ManagerInfo;
  /** The searchable events and logs (`GET /events`). */
  events?: EventIndex;
  /**
   * The workflow engine's operation store: read (progress of running executions) and the wake-up
   * of each `pending` execution started here (a lost start is re-sent by the sweeper).
   */
  operations?: Pick<OperationStore, 'getHeader' | 'setWake'>;
  /** After how long the sweeper re-sends a start no worker took (the engine's STRATUS_RESEND_AFTER). */
  startResendAfterSeconds?: number;
  /** The single-file agent bundle hosts download (`GET /agents/package`); absent: none is served. */
  agentPackage?: AgentPackageSource;
  /** The WebSocket API's @connections endpoint: revoking an agent credential closes its connection. */
  connections?: ConnectionGateway;
  now?: () => Date;
}

export interface ApiServices {
  deps: ApiDependencies;
  store: ModelStore;
  auth: Authentication;
  secrets: SecretsService;
  manager: ManagerInfo;
  now: () => Date;
}

export function createApiServices(deps: ApiDependencies): ApiServices {
  const now = deps.now ?? (() => new Date());
  return {
    deps,
    store: deps.store,
    auth: new Authentication(deps.store, onceBootstrap(deps.store, deps.adminPassword), now),
    secrets: new SecretsService(deps.store, deps.cipher, now),
    manager: deps.manager ?? { host: 'localhost' },
    now,
  };
}
