/**
 * The quality gates run inside `npm test`, so the one test command of the README (and CI) also
 * refuses code that does not type-check or lint clean.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

async function check(script: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', script], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('static checks', () => {
  it('type-checks (npm run typecheck)', async () => {
    const result = await check('typecheck');
    expect(result.output.split('\n').filter((line) => line.includes('error TS'))).toEqual([]);
    expect(result.code).toBe(0);
  }, 300_000);

  it('lints clean (npm run lint)', async () => {
    const result = await check('lint');
    expect(result.code === 0 ? '' : result.output).toBe('');
  }, 300_000);
});
