/**
 * The single-file agent as a real host gets it: `stratus agents install-command` (no --local)
 * prints `curl -fsSL <install_script_url> | STRATUS_AGENT_TOKEN=... sh`; run as printed from a
 * temporary HOME far from this checkout's node_modules, the install script downloads the bundle
 * built by the local runtime, starts it, and the agent registers and runs an install (with its
 * `ctx` command). Also: the routes need no credentials, the script never holds the token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deploy, HEADER, instances, run, startHarness, waitFor, waitForEnd } from '../../integration/workflows/engine/harness';
import type { Harness } from '../../integration/workflows/engine/harness';
import { Cli } from '../cli/cli-process';

let h: Harness;
let home: string;
let agent: ChildProcess | undefined;
const output: string[] = [];

const BLUEPRINT = `${HEADER}
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties:
      ip: 127.0.0.1
      agent_config: {install_method: provided}
  app:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.contained_in, target: host}]
    interfaces:
      cloudify.interfaces.lifecycle:
        create:
          implementation: script.script_runner.tasks.run
          inputs:
            script_source: |
              #!/bin/sh
              ctx instance runtime-properties where "bundle on $(ctx instance host-ip)"
`;

beforeAll(async () => {
  h = await startHarness();
  home = await mkdtemp(path.join(os.tmpdir(), 'stratus-agent-bundle-'));
  await deploy(h, 'bundled', BLUEPRINT);
}, 180000);

afterAll(async () => {
  if (agent?.pid) {
    try {
      process.kill(-agent.pid, 'SIGKILL'); // the shell and the agent it exec'd
    } catch {
      // already gone
    }
  }
  await h?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('single-file agent bundle and install script', () => {
  it('serves a bundle that runs standalone, without credentials', async () => {
    const response = await fetch(`${h.runtime.restUrl}/api/v3.1/agents/package`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/javascript');
    const bundle = Buffer.from(await response.arrayBuffer());
    expect(bundle.subarray(0, 2).toString()).toBe('#!');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'stratus-agent-standalone-'));
    try {
      await writeFile(path.join(dir, 'agent.js'), bundle);
      const { stdout } = await promisify(execFile)(process.execPath, ['agent.js', '--version'], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
      expect(stdout.trim()).toBe('0.1.0');
      const missing = await promisify(execFile)(process.execPath, ['agent.js', '--manager', 'http://127.0.0.1:1'], { cwd: dir, env: { PATH: process.env.PATH ?? '' } }).catch((err: { code: number; stderr: string }) => err);
      expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('--token (or STRATUS_AGENT_TOKEN) is required') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60000);

  it('installs and runs the agent with the printed curl line; the token is only in the environment', async () => {
    const cli = new Cli(h.runtime);
    const host = (await instances(h, 'bundled')).find((i) => i.node_id === 'host')!.id as string;
    const printed = await cli.ok(['agents', 'install-command', host]);
    expect(printed.split('\n')).toHaveLength(2); // one line and its newline
    const line = printed.trim();
    const match = /^curl -fsSL (\S+) \| STRATUS_AGENT_TOKEN=(sagt-\S+) sh$/.exec(line);
    expect(match).not.toBeNull();
    const [, scriptUrl, token] = match!;
    expect(scriptUrl).toBe(`${h.runtime.restUrl}/api/v3.1/agents/install-script`);

    const script = await (await fetch(scriptUrl)).text();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(`WS_URL='${h.runtime.wsUrl}'`);
    expect(script).not.toContain(token);

    agent = spawn('sh', ['-c', line], { cwd: home, env: { PATH: process.env.PATH ?? '', HOME: home }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout!.on('data', (d) => output.push(String(d)));
    agent.stderr!.on('data', (d) => output.push(String(d)));
    await waitFor('the bundled agent to register', async () => {
      const list = await h.rest.list('/api/v3.1/agents?deployment_id=bundled');
      return list.items[0]?.state === 'started' ? list.items[0] : undefined;
    }, 60000).catch((err: Error) => {
      throw new Error(`${err.message}\nagent output:\n${output.join('')}`);
    });
    const installed = path.join(home, '.stratus-agent/agent.js');
    expect((await readFile(installed)).subarray(0, 2).toString()).toBe('#!');
    expect((await stat(path.join(home, '.stratus-agent'))).mode & 0o777).toBe(0o700);

    const install = await run(h, 'bundled', 'install');
    const done = await waitForEnd(h, install.id as string, 90000);
    expect({ status: done.status, error: done.error, output: done.status === 'terminated' ? '' : output.join('') }).toMatchObject({ status: 'terminated', error: '' });
    const app = (await instances(h, 'bundled')).find((i) => i.node_id === 'app')!;
    expect(app.runtime_properties).toMatchObject({ where: 'bundle on 127.0.0.1' });
  }, 200000);

  it('install-command -d DEPLOYMENT -n NODE_INSTANCE picks that host and checks it belongs to the deployment', async () => {
    const cli = new Cli(h.runtime);
    const all = await instances(h, 'bundled');
    const host = all.find((i) => i.node_id === 'host')!.id as string;
    const app = all.find((i) => i.node_id === 'app')!.id as string;
    const printed = await cli.run(['agents', 'install-command', '-d', 'bundled', '-n', host, '--local']);
    expect(printed).toMatchObject({ code: 0, stderr: `# Host ${host}: run on that host (this machine); the token is shown only this once.\n` });
    const local = printed.stdout.split('\n');
    expect(local).toEqual([expect.any(String), '']); // ONE line
    expect(local[0]).toMatch(/^STRATUS_AGENT_TOKEN=sagt-\S+ node \/\S+\/agent\/bin\.mjs --manager http:\/\/127\.0\.0\.1:\d+ --ws-url ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const wrong = await cli.run(['agents', 'install-command', '-d', 'bundled', '-n', app]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`${app} is not an agent host of deployment bundled (its agent hosts: ${host})`);
    const twice = await cli.run(['agents', 'install-command', host, '-n', app]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('Give the node instance once');
  }, 60000);
});
