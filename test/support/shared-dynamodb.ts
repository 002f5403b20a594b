/**
 * One DynamoDB Local for the whole jest run: global-setup starts it (only when the selected tests
 * include integration or e2e tests) and hands its endpoint to the test workers through
 * STRATUS_TEST_DYNAMODB_ENDPOINT; runtimes then share it, each under its own table prefix.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export const DYNAMODB_ENDPOINT_VAR = 'STRATUS_TEST_DYNAMODB_ENDPOINT';

/** Test folders whose tests run local runtimes. */
export const RUNTIME_TEST_DIRS = ['test/integration', 'test/e2e', 'test/fuzz'];

async function testFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true });
    return entries.filter((name) => name.endsWith('.test.ts')).map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

/**
 * Whether the run may need DynamoDB: true without path patterns (the whole suite), otherwise when
 * a pattern matches a test file in a runtime test folder.
 */
export async function runNeedsDynamoDb(rootDir: string, patterns: string[]): Promise<boolean> {
  const files = (await Promise.all(RUNTIME_TEST_DIRS.map((dir) => testFiles(path.join(rootDir, dir))))).flat();
  if (files.length === 0) return false;
  if (patterns.length === 0) return true;
  const regexes = patterns.map((pattern) => {
    try {
      return new RegExp(pattern, 'i');
    } catch {
      return undefined;
    }
  });
  // An invalid pattern: jest will report it; starting DynamoDB is the safe side.
  if (regexes.some((regex) => regex === undefined)) return true;
  return files.some((file) => regexes.some((regex) => regex!.test(file)));
}
