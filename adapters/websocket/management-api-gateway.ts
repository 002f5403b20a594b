/**
 * Talks back to WebSocket clients through API Gateway's @connections management API (served by the
 * local gateway in `npm start`). A closed or unknown connection answers 410 GoneException.
 */
import { DeleteConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionGateway } from '../../src/ports/connections';

export class ManagementApiConnectionGateway implements ConnectionGateway {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async send(connectionId: string, message: string): Promise<boolean> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(message) }));
      return true;
    } catch (err) {
      if (err instanceof GoneException) return false;
      throw err;
    }
  }

  async close(connectionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (err) {
      if (!(err instanceof GoneException)) throw err;
    }
  }
}
