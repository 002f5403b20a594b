/**
 * A profile's WebSocket URL (`profiles add --ws-url`): stored in the 0600 profiles file, shown by
 * `profiles show`, used by follow mode for live events, and overridden by STRATUS_WS_URL. Follow
 * mode against a real local runtime tells which URL it subscribed on (STRATUS_DEBUG=1), and a URL
 * where nothing listens yields no live subscription while polling still finishes the execution.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { freePort } from '../examples/examples-support';
import { Cli, repoRoot } from './cli-process';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
}, 60000);

afterAll(async () => {
  await runtime?.stop();
});

const noEnv = { STRATUS_MANAGER: undefined, STRATUS_USER: undefined, STRATUS_PASSWORD: undefined };

describe('profiles --ws-url', () => {
  it('stores the WebSocket URL in the 0600 file, shows it, and refuses a non-ws URL (exit 2)', async () => {
    const own = new Cli();
    await own.ok(['profiles', 'add', 'aws', '--manager', 'https://abc.execute-api.eu-west-1.amazonaws.com', '--ws-url', 'wss://def.execute-api.eu-west-1.amazonaws.com/dev', '--user', 'admin', '--password', 'pw'], { env: noEnv });
    const file = path.join(own.home, '.config/stratus/profiles.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.aws).toEqual({
      manager: 'https://abc.execute-api.eu-west-1.amazonaws.com',
      user: 'admin',
      password: 'pw',
      tenant: 'default_tenant',
      wsUrl: 'wss://def.execute-api.eu-west-1.amazonaws.com/dev',
    });
    expect(await own.json(['profiles', 'show'], { env: noEnv })).toMatchObject({ name: 'aws', ws_url: 'wss://def.execute-api.eu-west-1.amazonaws.com/dev' });
    expect(await own.ok(['profiles', 'show'], { env: noEnv })).toMatch(/^WebSocket:\s+wss:\/\/def\.execute-api\.eu-west-1\.amazonaws\.com\/dev$/m);
    expect(await own.json(['profiles', 'show'], { env: { ...noEnv, STRATUS_WS_URL: 'ws://127.0.0.1:9/x' } })).toMatchObject({ ws_url: 'ws://127.0.0.1:9/x' });

    const refused = await own.run(['profiles', 'add', 'bad', '--manager', 'http://h:1', '--user', 'u', '--ws-url', 'http://h:1/ws'], { env: noEnv });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('WebSocket URL must be ws or wss, got http:');
  });

  it("follows live over the profile's WebSocket URL, and STRATUS_WS_URL overrides it", async () => {
    const own = new Cli();
    const deadPort = await freePort(); // nothing listens there
    const dead = `ws://127.0.0.1:${deadPort}/ws`;
    await own.ok(['profiles', 'add', 'rt', '--manager', runtime.restUrl, '--user', 'admin', '--password', runtime.admin.password, '--ws-url', runtime.wsUrl], { env: noEnv });
    await own.ok(['profiles', 'add', 'rt-dead', '--manager', runtime.restUrl, '--user', 'admin', '--password', runtime.admin.password, '--ws-url', dead], { env: noEnv });
    await own.ok(['blueprints', 'upload', path.join(repoRoot, 'examples/smoke'), '-b', 'wsurl'], { env: noEnv });
    await own.ok(['deployments', 'create', 'wsurl', '-b', 'wsurl', '--timeout', '60'], { env: noEnv });

    const live = await own.run(['executions', 'start', 'install', '-d', 'wsurl', '--timeout', '90'], { env: { ...noEnv, STRATUS_DEBUG: '1' } });
    expect(live.code).toBe(0);
    expect(live.stderr).toContain(`Following events live over ${runtime.wsUrl}\n`);

    // The profile names a dead URL: no subscription, polling alone completes the execution.
    const polled = await own.run(['--profile', 'rt-dead', 'executions', 'start', 'uninstall', '-d', 'wsurl', '--timeout', '90'], { env: { ...noEnv, STRATUS_DEBUG: '1' } });
    expect(polled.code).toBe(0);
    expect(polled.stderr).not.toContain('Following events live');
    expect(polled.stdout.trimEnd().split('\n').at(-1)).toBe("Finished executing workflow 'uninstall' on deployment 'wsurl': completed");

    // STRATUS_WS_URL wins over the dead profile URL.
    const overridden = await own.run(['--profile', 'rt-dead', 'executions', 'start', 'install', '-d', 'wsurl', '--timeout', '90'], { env: { ...noEnv, STRATUS_DEBUG: '1', STRATUS_WS_URL: runtime.wsUrl } });
    expect(overridden.code).toBe(0);
    expect(overridden.stderr).toContain(`Following events live over ${runtime.wsUrl}\n`);
  }, 150000);
});
