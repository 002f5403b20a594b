/**
 * A raw DynamoDB client on the run's shared DynamoDB Local that reports every request before it is
 * sent (as bench/engine.ts counts them): its command name without `Command`, and a label that adds
 * a transaction's item count, e.g. `TransactWriteItems(3)`. `onRequest` may hold the request back.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export function loggedDynamoDbClient(endpoint: string, onRequest: (label: string, name: string) => void | Promise<void>): DynamoDBClient {
  const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const name = ((context as { commandName?: string }).commandName ?? 'unknown').replace(/Command$/, '');
      const items = (args.input as { TransactItems?: unknown[] }).TransactItems;
      await onRequest(items ? `${name}(${items.length})` : name, name);
      return next(args);
    },
    { step: 'initialize', name: 'testRequestLog' },
  );
  return raw;
}
