import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { exitCodeOf, isAlive, outputOf, waitForExit } from '../../support/processes';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the npm start process', () => {
  it('starts on PORT=0 in memory, prints its URLs and admin credentials, serves, and stops on SIGTERM leaving no Java', async () => {
    const child = spawn('npm', ['start', '--silent', '--', '--in-memory'], {
      cwd: root,
      env: { ...process.env, PORT: '0', STRATUS_ADMIN_PASSWORD: 'from-the-env' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = outputOf(child);
    try {
      const [, restUrl] = await output.waitFor(/REST API: +(http:\/\/127\.0\.0\.1:\d+)/, 30000);
      expect(output.text()).toMatch(/WebSocket: +ws:\/\/127\.0\.0\.1:\d+\/ws/);
      expect(output.text()).toMatch(/Admin: +admin \/ from-the-env/);
      const javaPid = Number((/DynamoDB Local, pid (\d+)/.exec(output.text()) ?? [])[1]);
      expect(isAlive(javaPid)).toBe(true);

      const res = await fetch(`${restUrl}/api/version`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { edition: string }).edition).toBe('community');

      child.kill('SIGTERM');
      expect(await exitCodeOf(child)).toBe(0);
      expect(output.text()).toContain('Stopped.');
      expect(await waitForExit(javaPid, 5000)).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60000);

  it('refuses a bad PORT with a clear message', async () => {
    const child = spawn('npm', ['start', '--silent', '--', '--in-memory'], { cwd: root, env: { ...process.env, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = outputOf(child);
    expect(await exitCodeOf(child)).toBe(1);
    expect(output.text()).toContain('PORT must be an integer from 0 to 65535, got "eighty"');
  }, 30000);
});

describe('DynamoDB Local watchdog', () => {
  it('stops Java when the Node process that started it is killed with SIGKILL', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/dynamodb-child.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = outputOf(child);
    try {
      const [, pid] = await output.waitFor(/java-pid (\d+)/, 30000);
      const javaPid = Number(pid);
      expect(isAlive(javaPid)).toBe(true);
      child.kill('SIGKILL');
      await exitCodeOf(child);
      expect(await waitForExit(javaPid, 5000)).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60000);
});
