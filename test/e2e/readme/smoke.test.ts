/**
 * `npm run smoke` (scripts/smoke.ts) against a local runtime: the deploy guide's command exactly as
 * the README writes it (REST_URL and ADMIN_PASSWORD in the environment, as the guide's previous
 * block sets them from the stack), every step reported with ✓ and its time, nothing left behind;
 * a bad password exits 1 with the manager's message; a missing --password is a usage error (2).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { RestClient } from '../../support/rest/client';
import { repoRoot } from '../cli/cli-process';
import { readmeBlocks } from './readme-blocks';

let runtime: LocalRuntime;
let rest: RestClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  rest = new RestClient(runtime);
}, 60000);

afterAll(async () => {
  await runtime?.stop();
});

function sh(command: string, extra: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('STRATUS_')) env[key] = value;
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd: repoRoot, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function leftovers(): Promise<unknown[]> {
  const found: unknown[] = [];
  for (const resource of ['deployments', 'blueprints']) {
    const answer = await rest.call('GET', `/api/v3.1/${resource}`);
    found.push(...(answer.body as { items: { id: string }[] }).items.map((i) => `${resource}/${i.id}`));
  }
  return found;
}

const [smokeBlock] = readmeBlocks().filter((b) => b.kind === 'smoke');

describe('npm run smoke', () => {
  it("passes against a working manager with the deploy guide's command, reporting each step, and cleans up", async () => {
    expect(smokeBlock.commands).toEqual(['npm run smoke -- --url "$REST_URL" --user admin --password "$ADMIN_PASSWORD"']);
    const result = await sh(smokeBlock.commands[0], { REST_URL: runtime.restUrl, ADMIN_PASSWORD: runtime.admin.password });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const steps = result.stdout.split('\n').filter((l) => /^[✓✗] /.test(l));
    expect(steps.map((l) => l.replace(/smoke-\w+/g, 'smoke-X').replace(/hello-\w+/g, 'hello-X').replace(/\(\d+\.\d s\)$/, '(T)'))).toEqual([
      expect.stringMatching(/^✓ manager answers and accepts the credentials: status OK, version \S+ {2}\(T\)$/),
      '✓ upload blueprint smoke-X (examples/smoke)  (T)',
      '✓ create deployment smoke-X  (T)',
      expect.stringMatching(/^✓ install: \d+\/\d+ operations {2}\(T\)$/),
      '✓ node instances started and outputs evaluated: greeting = hello-X  (T)',
      '✓ uninstall  (T)',
      '✓ delete deployment smoke-X  (T)',
      '✓ delete blueprint smoke-X  (T)',
    ]);
    expect(result.stdout).toMatch(/^Smoke test passed: 8 steps in \d+\.\d s$/m);
    expect(await leftovers()).toEqual([]);
  }, 180000);

  it('exits 1 with a clear message on a bad password, and 2 without one', async () => {
    const refused = await sh(smokeBlock.commands[0], { REST_URL: runtime.restUrl, ADMIN_PASSWORD: 'not-the-password' });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^✗ manager answers and accepts the credentials: \[unauthorized_error\] .+ {2}\(\d+\.\d s\)$/m);
    expect(refused.stdout).not.toContain('✓');
    expect(refused.stderr).toContain('Smoke test FAILED at "manager answers and accepts the credentials"');

    const usage = await sh('npm run smoke -- --url "$REST_URL"', { REST_URL: runtime.restUrl });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give --password (or --token)');
    expect(await leftovers()).toEqual([]);
  }, 60000);
});
