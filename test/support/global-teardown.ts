// Stops what global-setup started.
import type { DynamoDbLocal } from '../../local/dynamodb-local';

declare global {
  var __stratusDynamoDb: DynamoDbLocal | undefined;
}

export default async function globalTeardown(): Promise<void> {
  await globalThis.__stratusDynamoDb?.stop();
  globalThis.__stratusDynamoDb = undefined;
}
