/**
 * A real agent process against the local runtime: a minted credential, hello, an install whose
 * script node runs a real shell script on the "host" through the agent (ctx logger, ctx instance
 * runtime-properties, host-ip), the result applied by the engine; then the agent is killed and
 * restarted (it reconnects with its credential) and uninstall runs through it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deploy, events, HEADER, instances, run, startHarness, waitFor, waitForEnd } from '../../integration/workflows/engine/harness';
import type { Harness } from '../../integration/workflows/engine/harness';

const ROOT = path.resolve(import.meta.dirname, '../../..');
let h: Harness;
let dataDir: string;
const agents: ChildProcess[] = [];
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
            NAME: world
            script_source: |
              #!/bin/sh
              ctx logger info "creating on $(ctx instance host-ip)"
              ctx instance runtime-properties greeting "hello $NAME"
              ctx instance runtime-properties settings.port @8080
              echo "plain output"
        delete:
          implementation: script.script_runner.tasks.run
          inputs:
            script_source: |
              #!/bin/sh
              echo "deleting $(ctx instance runtime-properties greeting)"
`;

function startAgent(wsUrl: string, token: string): ChildProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'agent/bin.mjs'), '--ws-url', wsUrl, '--data-dir', dataDir, '--heartbeat', '5'], {
    env: { ...process.env, STRATUS_AGENT_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  agents.push(child);
  return child;
}

beforeAll(async () => {
  h = await startHarness();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'stratus-agent-e2e-'));
  await deploy(h, 'agented', BLUEPRINT);
}, 180000);

afterAll(async () => {
  for (const child of agents) child.kill('SIGKILL');
  await h?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('host agent end to end', () => {
  it('refuses credentials for non-hosts and unsupported install methods clearly', async () => {
    const all = await instances(h, 'agented');
    const app = all.find((i) => i.node_id === 'app')!.id as string;
    const reply = await h.rest.call('POST', `/api/v3.1/agents/${app}/credentials`);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toMatch(/is not a cloudify.nodes.Compute/);
  });

  it('installs through a real agent process and uninstalls after the agent restarted', async () => {
    const all = await instances(h, 'agented');
    const host = all.find((i) => i.node_id === 'host')!.id as string;
    const minted = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
    expect(minted.token).toMatch(/^sagt-/);
    expect(minted.ws_url).toBe(h.runtime.wsUrl);
    const agent = startAgent(minted.ws_url as string, minted.token as string);
    await waitFor('the agent to register', async () => {
      const list = await h.rest.list('/api/v3.1/agents?deployment_id=agented');
      return list.items[0]?.state === 'started' ? list.items[0] : undefined;
    }, 30000);
    const listed = (await h.rest.list('/api/v3.1/agents')).items[0];
    expect(listed).toMatchObject({ id: host, host_id: host, install_method: 'provided', node: 'host', deployment: 'agented', state: 'started', version: '0.1.0' });
    expect(typeof listed.system).toBe('string');

    const install = await run(h, 'agented', 'install');
    const done = await waitForEnd(h, install.id as string, 90000);
    expect({ status: done.status, error: done.error, output: done.status === 'terminated' ? '' : output.join('') }).toMatchObject({ status: 'terminated', error: '' });
    const app = (await instances(h, 'agented')).find((i) => i.node_id === 'app')!;
    expect(app.runtime_properties).toMatchObject({ greeting: 'hello world', settings: { port: 8080 } });
    expect(app.state).toBe('started');
    const messages = (await events(h, install.id as string)).map((e) => e.message);
    expect(messages).toContain('creating on 127.0.0.1');
    expect(messages).toContain('plain output');

    // Killed and restarted: it reconnects with the same credential and runs the uninstall.
    agent.kill('SIGKILL');
    startAgent(minted.ws_url as string, minted.token as string);
    await waitFor('the restarted agent to register', async () => ((output.join('').match(/registered as the agent/g) ?? []).length >= 2 ? true : undefined), 30000);
    const uninstall = await run(h, 'agented', 'uninstall');
    const ended = await waitForEnd(h, uninstall.id as string, 90000);
    expect({ status: ended.status, error: ended.error }).toMatchObject({ status: 'terminated', error: '' });
    expect((await events(h, uninstall.id as string)).map((e) => e.message)).toContain('deleting hello world');
  }, 200000);
});
