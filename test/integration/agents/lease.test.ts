/**
 * The engine's lease of an agent operation, with a real agent process against the local runtime:
 * the lease is short (STRATUS_OPERATION_LEASE=3 s, sweeper every second) and the script runs
 * 12 s. The agent renews the lease (`progress` every third of it) while the script runs, so the
 * sweeper never takes the attempt for lost: the script runs once, one task_started, no retry.
 * When the agent dies mid-script the renewals stop and the sweeper retries the attempt (the lease
 * still detects lost agents).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deploy, events, HEADER, instances, run, startHarness, starts, waitFor, waitForEnd } from '../workflows/engine/harness';
import type { Harness } from '../workflows/engine/harness';
import { startAgentProcess } from '../../support/agent-process';
import type { AgentProcess } from '../../support/agent-process';

let h: Harness;
let work: string;
const children: ChildProcess[] = [];

function blueprint(script: string): string {
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
          max_retries: 2
          inputs:
            WORK: ${work}
            script_source: |
${script.split('\n').map((line) => `              ${line}`).join('\n')}
`;
}

function startAgent(wsUrl: string, token: string, dataDir: string): AgentProcess {
  const agent = startAgentProcess(wsUrl, token, dataDir);
  children.push(agent.child);
  return agent;
}

async function agentFor(deployment: string, dir: string) {
  const host = (await instances(h, deployment)).find((i) => i.node_id === 'host')!.id as string;
  const minted = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
  const agent = startAgent(minted.ws_url as string, minted.token as string, path.join(work, dir));
  await waitFor('the agent to register', async () => (/registered as the agent/.test(agent.output.join('')) ? true : undefined), 30000);
  return agent;
}

beforeAll(async () => {
  h = await startHarness({}, { STRATUS_OPERATION_LEASE: '3' });
  work = await mkdtemp(path.join(os.tmpdir(), 'stratus-agent-lease-'));
}, 180000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await h?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('agent operation lease', () => {
  it('a script four times longer than the lease runs once: the agent renews the lease', async () => {
    await deploy(h, 'long', blueprint('#!/bin/sh\necho run >> "$WORK/long-runs"\nsleep 12\nctx instance runtime-properties long_done yes'));
    const agent = await agentFor('long', 'long-agent');
    const install = await run(h, 'long', 'install');
    const done = await waitForEnd(h, install.id as string, 120000);
    expect({ status: done.status, error: done.error, output: done.status === 'terminated' ? '' : agent.output.join('') }).toMatchObject({ status: 'terminated', error: '' });
    expect((await readFile(path.join(work, 'long-runs'), 'utf8')).trim().split('\n')).toEqual(['run']);
    const list = await events(h, install.id as string);
    const app = (await instances(h, 'long')).find((i) => i.node_id === 'app')!;
    expect(starts(list).get(`${app.id} cloudify.interfaces.lifecycle.create`)).toBe(1);
    expect(list.filter((e) => e.event_type === 'task_failed' || e.event_type === 'task_rescheduled')).toEqual([]);
    expect(app.runtime_properties).toMatchObject({ long_done: 'yes' });
    expect(agent.output.join('')).not.toMatch(/replaces attempt/);
  }, 200000);

  it('an agent that dies mid-script stops renewing: the sweeper retries the attempt', async () => {
    await deploy(h, 'dying', blueprint('#!/bin/sh\necho run >> "$WORK/dying-runs"\ntouch "$WORK/dying-started"\nsleep 30'));
    const agent = await agentFor('dying', 'dying-agent');
    const install = await run(h, 'dying', 'install');
    await waitFor('the script to start', async () => (existsSync(path.join(work, 'dying-started')) ? true : undefined), 60000);
    agent.child.kill('SIGKILL');
    const list = await waitFor('the lost attempt to be rescheduled', async () => {
      const found = await events(h, install.id as string);
      return found.some((e) => e.event_type === 'task_failed' && /within its lease/.test(String(e.message))) ? found : undefined;
    }, 60000);
    expect(list.some((e) => e.event_type === 'task_rescheduled')).toBe(true);
    await h.rest.call('POST', `/api/v3.1/executions/${install.id}`, { body: { action: 'force-cancel' } });
  }, 200000);
});
