/**
 * kill against force-cancel, with a real agent process running a real script on the local
 * runtime: both end the execution `cancelled` at once, but only kill also asks the host's agent to
 * terminate the running operation's process tree (Cloudify's semantics: force-cancel abandons
 * running operations, kill stops them).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deploy, HEADER, instances, run, startHarness, waitFor, waitForEnd } from '../workflows/engine/harness';
import type { Harness } from '../workflows/engine/harness';
import { registrations, startAgentProcess } from '../../support/agent-process';

let h: Harness;
let work: string;
const children: ChildProcess[] = [];
const leftovers: number[] = [];

/** A script whose shell and its child `sleep` write their pids, then wait a minute. */
function blueprint(name: string): string {
  return `${HEADER}
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
            WORK: ${work}
            script_source: |
              #!/bin/sh
              sleep 60 &
              echo $! > "$WORK/${name}-sleep"
              echo $$ > "$WORK/${name}-shell"
              wait
`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function agentFor(deployment: string): Promise<void> {
  const host = (await instances(h, deployment)).find((i) => i.node_id === 'host')!.id as string;
  const minted = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
  // The agent's default heartbeat: nothing here depends on it.
  const agent = startAgentProcess(minted.ws_url as string, minted.token as string, path.join(work, `${deployment}-agent`), []);
  children.push(agent.child);
  await waitFor('the agent to register', async () => (registrations(agent) >= 1 ? true : undefined), 30000);
}

/** Installs `name` until its script runs; the pids of its shell and its sleep. */
async function runningScript(name: string): Promise<{ executionId: string; pids: number[] }> {
  await deploy(h, name, blueprint(name));
  await agentFor(name);
  const install = await run(h, name, 'install');
  const files = ['shell', 'sleep'].map((f) => path.join(work, `${name}-${f}`));
  await waitFor('the script to start', async () => (files.every((f) => existsSync(f)) ? true : undefined), 60000);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const pids = await Promise.all(files.map(async (f) => Number((await readFile(f, 'utf8')).trim())));
  leftovers.push(...pids);
  return { executionId: install.id as string, pids };
}

beforeAll(async () => {
  h = await startHarness();
  work = await mkdtemp(path.join(os.tmpdir(), 'stratus-agent-kill-'));
}, 180000);

afterAll(async () => {
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const child of children) child.kill('SIGKILL');
  await h?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('kill and force-cancel of an execution with a running agent operation', () => {
  it('force-cancel ends the execution and leaves the script running', async () => {
    const { executionId, pids } = await runningScript('forced');
    expect(pids.every(alive)).toBe(true);
    await h.rest.ok('POST', `/api/v3.1/executions/${executionId}`, 200, { body: { action: 'force-cancel' } });
    expect((await waitForEnd(h, executionId, 60000)).status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(pids.map(alive)).toEqual([true, true]);
  }, 200000);

  it("kill ends the execution and terminates the script's process tree on the host", async () => {
    const { executionId, pids } = await runningScript('killed');
    expect(pids.every(alive)).toBe(true);
    await h.rest.ok('POST', `/api/v3.1/executions/${executionId}`, 200, { body: { action: 'kill' } });
    expect((await waitForEnd(h, executionId, 60000)).status).toBe('cancelled');
    await waitFor('the script and its child to be gone', async () => (pids.every((pid) => !alive(pid)) ? true : undefined), 30000);
  }, 200000);
});
