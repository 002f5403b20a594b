/**
 * Ports for WebSocket connections: where live connections are recorded, and how the manager
 * talks back to one (API Gateway's @connections management API in AWS, the local gateway locally).
 */

export interface Principal {
  /** Stable id of who connected: a user name or an agent id. */
  id: string;
  kind: 'user' | 'agent';
  tenant?: string;
}

export interface ConnectionRecord {
  connectionId: string;
  principal: Principal;
  /** ISO timestamp. */
  connectedAt: string;
  /** ISO timestamp of the last sign of life (connect or heartbeat). */
  lastSeenAt: string;
  /** Epoch seconds after which the record is stale (DynamoDB TTL deletes it). */
  expiresAt: number;
  sourceIp?: string;
}

export interface ConnectionRegistry {
  put(record: ConnectionRecord): Promise<void>;
  get(connectionId: string): Promise<ConnectionRecord | undefined>;
  /** Records a sign of life; false when the connection is not registered. */
  touch(connectionId: string, lastSeenAt: string): Promise<boolean>;
  remove(connectionId: string): Promise<void>;
}

export interface ConnectionGateway {
  /** Sends one message; false when the connection is gone (closed or unknown). */
  send(connectionId: string, message: string): Promise<boolean>;
  /** Closes the connection; closing a gone connection is not an error. */
  close(connectionId: string): Promise<void>;
}
