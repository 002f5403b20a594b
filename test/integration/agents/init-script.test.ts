/**
 * install_method `init_script` on the real local runtime: before the host's create runs, Stratus
 * mints the host's agent credential and writes cloud-init user data into
 * `runtime_properties.cloudify_agent.install_script`. The host's create (a central
 * stratus.ops.set_runtime_properties, standing in for a compute plugin) copies it with
 * `get_attribute` evaluated when create runs: it is only there if the user data was written first.
 * The copied script, run with sh from a temporary HOME (as cloud-init would on the VM), installs
 * and starts the agent in the background; it connects as that host's agent, the install's
 * wait_for_agent completes and a script runs on it. No event holds the token. Uninstall revokes
 * the credential and the next install writes user data with a fresh token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deploy, events, HEADER, instances, run, startHarness, waitFor, waitForEnd } from '../workflows/engine/harness';
import type { Harness } from '../workflows/engine/harness';

let h: Harness;
const homes: string[] = [];
/** Process groups of the `sh` runs (the agent runs in the background in the same group). */
const groups: number[] = [];

const BLUEPRINT = `${HEADER}
node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties:
      ip: 127.0.0.1
      agent_config: {install_method: init_script}
    interfaces:
      cloudify.interfaces.lifecycle:
        create:
          implementation: stratus.ops.set_runtime_properties
          inputs:
            properties:
              user_data: {get_attribute: [SELF, cloudify_agent, install_script]}
  app:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.contained_in, target: vm}]
    interfaces:
      cloudify.interfaces.lifecycle:
        create:
          implementation: script.script_runner.tasks.run
          inputs:
            script_source: |
              #!/bin/sh
              ctx instance runtime-properties where "init_script agent on $(ctx instance host-ip)"
`;

beforeAll(async () => {
  // The agent connects while the install waits for it (as on a new VM): room for the wait's retries.
  h = await startHarness({}, { STRATUS_TASK_RETRIES: '60', STRATUS_TASK_RETRY_INTERVAL: '1' });
  await deploy(h, 'userdata', BLUEPRINT);
}, 180000);

afterAll(async () => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await h?.stop();
  for (const home of homes) await rm(home, { recursive: true, force: true });
});

async function host(): Promise<Record<string, unknown>> {
  return (await instances(h, 'userdata')).find((i) => i.node_id === 'vm')!;
}

function tokenOf(script: string): string {
  const match = /^STRATUS_AGENT_TOKEN='(sagt-[^']+)'$/m.exec(script);
  expect(match).not.toBeNull();
  return match![1];
}

/** Runs the user data like cloud-init: sh, as its own process group, from a fresh HOME. */
async function runUserData(script: string): Promise<{ home: string; code: number | null; output: string }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'stratus-init-script-'));
  homes.push(home);
  const child = spawn('sh', ['-c', script], { cwd: home, env: { PATH: process.env.PATH ?? '', HOME: home }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.push(child.pid!);
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { home, code, output };
}

async function agentLog(home: string): Promise<string> {
  return readFile(path.join(home, '.stratus-agent/agent.log'), 'utf8').catch(() => '');
}

describe('install_method init_script: user data before create', () => {
  let firstToken = '';

  it('writes the user data before the host create, and the script starts an agent that completes the install', async () => {
    const install = await run(h, 'userdata', 'install');
    const vm = await waitFor('the host create to copy the user data', async () => {
      const found = await host();
      return typeof (found.runtime_properties as Record<string, unknown>).user_data === 'string' ? found : undefined;
    }, 60000);
    const props = vm.runtime_properties as Record<string, Record<string, unknown> | string>;
    const script = props.user_data as string;
    // get_attribute was evaluated when create ran: the user data existed before it, unchanged since.
    expect(script).toBe((props.cloudify_agent as Record<string, unknown>).install_script);
    expect(props.cloudify_agent).toMatchObject({ install_method: 'init_script', manager_url: h.runtime.restUrl, ws_url: h.runtime.wsUrl });
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(`MANAGER_URL='${h.runtime.restUrl}'`);
    expect(script).toContain(`WS_URL='${h.runtime.wsUrl}'`);
    expect(script).toContain(`PACKAGE_URL='${h.runtime.restUrl}/api/v3.1/agents/package'`);
    firstToken = tokenOf(script);

    const ran = await runUserData(script);
    expect({ code: ran.code, output: ran.output }).toEqual({ code: 0, output: expect.stringContaining('starting in the background') });
    const agent = await waitFor('the init_script agent to register', async () => {
      const list = await h.rest.list('/api/v3.1/agents?deployment_id=userdata');
      return list.items[0]?.state === 'started' ? list.items[0] : undefined;
    }, 60000).catch(async (err: Error) => {
      throw new Error(`${err.message}\nagent log:\n${await agentLog(ran.home)}`);
    });
    expect(agent).toMatchObject({ host_id: vm.id, install_method: 'init_script' });
    // Its job done, the script (and the token in it) left the host's runtime properties.
    const settled = await waitFor('the script to leave the host', async () => {
      const settings = ((await host()).runtime_properties as Record<string, Record<string, unknown>>).cloudify_agent;
      return 'install_script' in settings ? undefined : settings;
    }, 30000);
    expect(settled).toEqual({ install_method: 'init_script', manager_url: h.runtime.restUrl, ws_url: h.runtime.wsUrl });

    const done = await waitForEnd(h, install.id as string, 90000);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'terminated', error: '' });
    const app = (await instances(h, 'userdata')).find((i) => i.node_id === 'app')!;
    expect(app.runtime_properties).toMatchObject({ where: 'init_script agent on 127.0.0.1' });
    // The installed script never holds the token (only the user data does).
    expect(await readFile(path.join(ran.home, '.stratus-agent/install.sh'), 'utf8')).not.toContain(firstToken);

    const list = await events(h, install.id as string);
    const names = list.map((e) => `${e.node_instance_id ?? ''} ${e.event_type ?? ''} ${e.message}`);
    const userData = names.findIndex((n) => n.includes('task_started') && n.includes('cloudify_agent.init_script'));
    const create = names.findIndex((n) => n.startsWith(`${vm.id as string} task_started`) && n.includes('lifecycle.create'));
    expect(userData).toBeGreaterThanOrEqual(0);
    expect(create).toBeGreaterThan(userData);
    expect(JSON.stringify(list)).not.toContain(firstToken);
    expect(JSON.stringify(list)).not.toContain(firstToken.split('-').pop()!);
  }, 240000);

  it('uninstall revokes the credential; the next install writes user data with a fresh token', async () => {
    const uninstall = await run(h, 'userdata', 'uninstall');
    expect((await waitForEnd(h, uninstall.id as string, 90000)).status).toBe('terminated');
    const install = await run(h, 'userdata', 'install');
    const script = await waitFor('the second user data', async () => {
      const props = (await host()).runtime_properties as Record<string, unknown>;
      return typeof props.user_data === 'string' && tokenOf(props.user_data) !== firstToken ? props.user_data : undefined;
    }, 60000);
    const ran = await runUserData(script);
    expect(ran.code).toBe(0);
    const done = await waitForEnd(h, install.id as string, 90000).catch(async (err: Error) => {
      throw new Error(`${err.message}\nagent log:\n${await agentLog(ran.home)}`);
    });
    expect({ status: done.status, error: done.error }).toEqual({ status: 'terminated', error: '' });
    expect(JSON.stringify(await events(h, install.id as string))).not.toContain(tokenOf(script));
  }, 240000);
});
