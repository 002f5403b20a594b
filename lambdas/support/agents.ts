/**
 * The agent side of the manager, built from a handler's settings: the AgentDispatcher over the
 * WebSocket API (for the engine), the agent authenticator (for the $connect authorizer) and the
 * agent route handler (for the websocket function).
 */
import type { AwsClients } from '../../adapters/aws-clients';
import { DynamoModelStore } from '../../adapters/dynamodb/model-store';
import { DynamoOperationStore } from '../../adapters/dynamodb/operation-store';
import { S3FileStore } from '../../adapters/s3/file-store';
import { AgentConnectAuthenticator } from '../../src/agents/authenticator';
import { WebSocketAgentDispatcher } from '../../src/agents/dispatcher';
import { handleAgentRoute } from '../../src/agents/sessions';
import type { AgentRoute, AgentSessionDeps } from '../../src/agents/sessions';
import { requireTable } from '../../src/config/runtime-config';
import type { AgentDispatcher } from '../../src/ports/agent-dispatcher';
import { NO_AGENTS } from '../../src/ports/agent-dispatcher';
import type { Authenticator } from '../../src/ports/authenticator';
import type { Principal } from '../../src/ports/connections';
import { connectionDeps } from './connections';
import type { HandlerSettings } from './settings';

/** The dispatcher, or no agents when this function cannot reach the connections (no table or management URL). */
export function agentDispatcher(settings: HandlerSettings, clients: AwsClients): AgentDispatcher {
  const { config } = settings;
  if (!config.tables.connections || !config.wsManagementUrl) return NO_AGENTS;
  const { registry, gateway } = connectionDeps(config, clients);
  const files = config.buckets.resources ? new S3FileStore(clients.s3, config.buckets.resources) : undefined;
  return new WebSocketAgentDispatcher({
    store: new DynamoModelStore({ client: clients.documents, tableName: requireTable(config, 'model'), files }),
    operations: new DynamoOperationStore({ client: clients.documents, tableName: requireTable(config, 'operations') }),
    registry,
    gateway,
    messages: config.buckets.agentMessages ? new S3FileStore(clients.s3, config.buckets.agentMessages) : undefined,
  });
}

export function agentConnectAuthenticator(settings: HandlerSettings, clients: AwsClients): Authenticator {
  return new AgentConnectAuthenticator(new DynamoModelStore({ client: clients.documents, tableName: requireTable(settings.config, 'model') }));
}

/** Handles one agent route message; the engine is built on first use (agent routes only). */
export function agentRouteHandler(settings: HandlerSettings, clients: AwsClients): (connectionId: string, principal: Principal, route: AgentRoute, body: string | undefined) => Promise<void> {
  let deps: Promise<AgentSessionDeps> | undefined;
  const build = async (): Promise<AgentSessionDeps> => {
    const { createEngine } = await import('./engine-container');
    const { gateway } = connectionDeps(settings.config, clients);
    const files = settings.config.buckets.resources ? new S3FileStore(clients.s3, settings.config.buckets.resources) : undefined;
    const messages = settings.config.buckets.agentMessages ? new S3FileStore(clients.s3, settings.config.buckets.agentMessages) : undefined;
    return { engine: createEngine(settings), gateway, files, messages };
  };
  return async (connectionId, principal, route, body) => handleAgentRoute(await (deps ??= build()), connectionId, principal, route, body);
}
