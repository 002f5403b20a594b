/**
 * Builds the REST API's dependencies from a handler's settings: the DynamoDB model store (large
 * documents in the resources bucket), and for secrets and the first admin either the AWS services
 * (KMS key ENV.secretsKeyId, Secrets Manager secret ENV.adminSecretArn) or, in the local runtime,
 * the key and password it hands over in `settings.localSecrets`.
 */
import type { AwsClients } from '../../adapters/aws-clients';
import { DynamoModelStore } from '../../adapters/dynamodb/model-store';
import { DynamoOperationStore } from '../../adapters/dynamodb/operation-store';
import { S3FileStore } from '../../adapters/s3/file-store';
import { SecretsManagerAdminPassword } from '../../adapters/secrets-manager/admin-password';
import { SqsQueueSender } from '../../adapters/sqs/queue-sender';
import { ManagementApiConnectionGateway } from '../../adapters/websocket/management-api-gateway';
import { parseRemoteUrlPolicy } from '../../src/blueprints/remote-archive';
import { Authentication } from '../../src/api/auth/authenticate';
import { UserConnectAuthenticator } from '../../src/api/auth/connect-authenticator';
import { createApiServices } from '../../src/api/dependencies';
import type { ApiDependencies, ApiServices } from '../../src/api/dependencies';
import { ENV } from '../../src/config/resources';
import { MissingConfigError, requireTable } from '../../src/config/runtime-config';
import type { AdminPasswordSource } from '../../src/ports/admin-password';
import { AGENT_BUNDLE_KEY } from '../../src/ports/agent-package';
import type { AgentPackageSource } from '../../src/ports/agent-package';
import { engineConfigFromEnv } from '../../src/workflows/engine/config';
import type { Authenticator } from '../../src/ports/authenticator';
import { eventIndexFor } from './event-index';
import { cipherFor } from './secret-cipher';
import type { HandlerSettings } from './settings';

function adminPasswordFor(settings: HandlerSettings, clients: AwsClients): AdminPasswordSource {
  const local = settings.localSecrets;
  if (local) return { read: async () => ({ username: local.adminUsername, password: local.adminPassword }) };
  const secretId = settings.config.adminSecretArn;
  // Read lazily: only a manager that still has to bootstrap its admin needs the secret.
  return {
    read: () => {
      if (!secretId) throw new MissingConfigError('the initial admin secret', ENV.adminSecretArn);
      return new SecretsManagerAdminPassword(clients.secretsManager, secretId).read();
    },
  };
}

function hostOf(url: string | undefined): string {
  if (!url) return 'localhost';
  try {
    return new URL(url).hostname;
  } catch {
    return 'localhost';
  }
}

/** The agent bundle: the local runtime's own build, else a presigned URL of the agentPackages bucket's object. */
function agentPackageFor(settings: HandlerSettings, clients: AwsClients): AgentPackageSource | undefined {
  if (settings.localAgentPackage) return settings.localAgentPackage;
  const bucket = settings.config.buckets.agentPackages;
  if (!bucket) return undefined;
  const files = new S3FileStore(clients.s3, bucket);
  return {
    get: async () => ((await files.head(AGENT_BUNDLE_KEY)) ? { redirect: await files.presignedGetUrl(AGENT_BUNDLE_KEY, { expiresInSeconds: 600, downloadFileName: 'stratus-agent.js' }) } : undefined),
  };
}

export function apiDependencies(settings: HandlerSettings, clients: AwsClients): ApiDependencies {
  const bucket = settings.config.buckets.resources;
  const files = bucket ? new S3FileStore(clients.s3, bucket) : undefined;
  return {
    store: new DynamoModelStore({ client: clients.documents, tableName: requireTable(settings.config, 'model'), files }),
    cipher: cipherFor(settings, clients),
    adminPassword: adminPasswordFor(settings, clients),
    files,
    queues: new SqsQueueSender(clients.sqs, settings.config.queues),
    remoteArchiveUrls: parseRemoteUrlPolicy(settings.config.remoteArchiveUrls),
    manager: { host: hostOf(settings.config.restUrl) },
    events: eventIndexFor(settings),
    agentPackage: agentPackageFor(settings, clients),
    ...(settings.config.wsManagementUrl ? { connections: new ManagementApiConnectionGateway(clients.management(settings.config.wsManagementUrl)) } : {}),
    ...(settings.config.tables.operations ? { operations: new DynamoOperationStore({ client: clients.documents, tableName: settings.config.tables.operations }) } : {}),
    startResendAfterSeconds: engineConfigFromEnv(process.env).resendAfterSeconds,
  };
}

export function apiServices(settings: HandlerSettings, clients: AwsClients): ApiServices {
  return createApiServices(apiDependencies(settings, clients));
}

/**
 * User authentication for the WebSocket authorizer: the model store only (the authorizer may read
 * the model table and nothing else, so it neither bootstraps the admin nor reads secrets).
 */
export function userConnectAuthenticator(settings: HandlerSettings, clients: AwsClients): Authenticator {
  const store = new DynamoModelStore({ client: clients.documents, tableName: requireTable(settings.config, 'model') });
  return new UserConnectAuthenticator(new Authentication(store, async () => undefined));
}
