// A process that starts DynamoDB Local, prints the Java pid and waits to be killed: lets a test
// check that Java does not outlive a Node process killed with SIGKILL.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultJarCacheDir, ensureDynamoDbLocalJar } from '../../local/dynamodb-jar';
import { startDynamoDbLocal } from '../../local/dynamodb-local';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dynamo = await startDynamoDbLocal({ jar: await ensureDynamoDbLocalJar(defaultJarCacheDir(root)) });
console.log(`java-pid ${dynamo.javaPid} ${dynamo.endpoint}`);
setInterval(() => {}, 60000);
