/** The connection registry and gateway adapters, built from a handler's settings. */
import { DynamoDbConnectionRegistry } from '../../adapters/dynamodb/connection-registry';
import { ManagementApiConnectionGateway } from '../../adapters/websocket/management-api-gateway';
import type { AwsClients } from '../../adapters/aws-clients';
import type { ConnectionDeps } from '../../src/connections/lifecycle';
import { requireTable, requireWsManagementUrl } from '../../src/config/runtime-config';
import type { StratusConfig } from '../../src/config/runtime-config';

export function connectionDeps(config: StratusConfig, clients: AwsClients): ConnectionDeps {
  return {
    registry: new DynamoDbConnectionRegistry(clients.documents, requireTable(config, 'connections')),
    gateway: new ManagementApiConnectionGateway(clients.management(requireWsManagementUrl(config))),
  };
}
