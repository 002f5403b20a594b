/**
 * Restarts in the middle of an install, with a real agent process (agent/bin.mjs) against the local
 * runtime. The blueprint: a Compute host (agent `provided`, 127.0.0.1), two script nodes contained
 * in it (app2 depends on app1, so their create/configure/start run one after the other), each
 * script appending a line to its own file in WORK (how many times it ran), sleeping, then writing a
 * runtime property through `ctx`; and a central `stratus.ops.set_runtime_properties` node after them.
 *
 * 1. The agent is SIGKILLed while a script runs and started again on the same data folder. Scripts
 *    run in their own process group, so the killed agent's script lives on as an orphan, but its
 *    `ctx` proxy and its result died with the agent. The engine's guarantee (docs/agent.md, lease)
 *    is at-least-once: the renewals stop, the sweeper takes the attempt for lost when its lease ends
 *    and runs the next attempt on the restarted agent. So the interrupted operation runs exactly
 *    twice, every other one exactly once (acknowledged results are never re-run), and every
 *    operation's runtime properties are applied.
 * 2. The runtime itself is stopped while a script runs and started again on the same data folder
 *    and port. The script ends while the manager is down: its result waits in the agent's outbox,
 *    the agent reconnects to the same URL and resends it after `welcome`, and the engine applies it
 *    once. The manager is back well within the operation lease, so nothing is retried: every
 *    operation ran exactly once. SQS messages do not survive the restart (fauxqs keeps none): the
 *    sweeper re-sends what was queued from the DUE index in DynamoDB.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { StoredEvent } from '../../../src/events/model';
import { uniqueStage } from '../../support/local-runtime';
import { deploy, events, HEADER, instances, run, startHarness, starts, waitFor, waitForEnd } from '../../integration/workflows/engine/harness';
import type { Harness } from '../../integration/workflows/engine/harness';
import { registrations, startAgentProcess } from '../../support/agent-process';
import type { AgentProcess } from '../../support/agent-process';

const SCRIPT_NODES = ['app1', 'app2'];
const OPERATIONS = ['create', 'configure', 'start'];
const harnesses: Harness[] = [];
const children: ChildProcess[] = [];
const works: string[] = [];

/** Each lifecycle operation of a script node: counts its run, sleeps, then writes `<op>_done`. */
function blueprint(work: string): string {
  const scriptNode = (name: string, dependsOn?: string) => `  ${name}:
    type: cloudify.nodes.Root
    relationships:
      - {type: cloudify.relationships.contained_in, target: host}
${dependsOn ? `      - {type: cloudify.relationships.depends_on, target: ${dependsOn}}\n` : ''}    interfaces:
      cloudify.interfaces.lifecycle:
${OPERATIONS.map(
  (op) => `        ${op}:
          implementation: script.script_runner.tasks.run
          inputs:
            WORK: ${work}
            RUNS: ${name}.${op}
            script_source: |
              #!/bin/sh
              echo $$ >> "$WORK/pids"
              echo run >> "$WORK/$RUNS"
              sleep 2
              ctx instance runtime-properties ${op}_done "$RUNS"
              touch "$WORK/$RUNS.finished"
`,
).join('')}`;
  return `${HEADER}
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties:
      ip: 127.0.0.1
      agent_config: {install_method: provided}
${scriptNode('app1')}${scriptNode('app2', 'app1')}  registry:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.depends_on, target: app2}]
    interfaces:
      cloudify.interfaces.lifecycle:
        create: {implementation: stratus.ops.set_runtime_properties, inputs: {properties: {registered: central}}}
`;
}

function startAgent(wsUrl: string, token: string, dataDir: string): AgentProcess {
  const agent = startAgentProcess(wsUrl, token, dataDir);
  children.push(agent.child);
  return agent;
}


async function waitRegistered(agent: AgentProcess, times: number): Promise<void> {
  await waitFor(`the agent to register (${times})`, async () => (registrations(agent) >= times ? true : undefined), 60000);
}

async function mintFor(h: Harness, deployment: string): Promise<{ token: string; wsUrl: string }> {
  const host = (await instances(h, deployment)).find((i) => i.node_id === 'host')!.id as string;
  const minted = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
  return { token: minted.token as string, wsUrl: minted.ws_url as string };
}

/** How many times each script operation ran (`app1.create` → lines in its file). */
async function runCounts(work: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const node of SCRIPT_NODES) {
    for (const op of OPERATIONS) {
      const file = path.join(work, `${node}.${op}`);
      counts[`${node}.${op}`] = existsSync(file) ? (await readFile(file, 'utf8')).trim().split('\n').length : 0;
    }
  }
  return counts;
}

/** task_started per script operation, keyed like runCounts. */
async function startCounts(h: Harness, deployment: string, list: StoredEvent[]): Promise<Record<string, number>> {
  const byInstance = starts(list);
  const counts: Record<string, number> = {};
  const all = await instances(h, deployment);
  for (const node of SCRIPT_NODES) {
    const id = all.find((i) => i.node_id === node)!.id as string;
    for (const op of OPERATIONS) counts[`${node}.${op}`] = byInstance.get(`${id} cloudify.interfaces.lifecycle.${op}`) ?? 0;
  }
  return counts;
}

/** Every operation's result is applied: runtime properties of every script op, the central one, all started. */
async function expectAllApplied(h: Harness, deployment: string): Promise<void> {
  const all = await instances(h, deployment);
  for (const node of SCRIPT_NODES) {
    const instance = all.find((i) => i.node_id === node)!;
    expect({ node, state: instance.state, runtime_properties: instance.runtime_properties }).toMatchObject({
      node,
      state: 'started',
      runtime_properties: Object.fromEntries(OPERATIONS.map((op) => [`${op}_done`, `${node}.${op}`])),
    });
  }
  expect(all.find((i) => i.node_id === 'registry')).toMatchObject({ state: 'started', runtime_properties: { registered: 'central' } });
  expect(all.map((i) => i.state)).toEqual(all.map(() => 'started'));
}

function expected(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(SCRIPT_NODES.flatMap((node) => OPERATIONS.map((op) => [`${node}.${op}`, counts[`${node}.${op}`] ?? 1])));
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function newWork(prefix: string): Promise<string> {
  const work = await mkdtemp(path.join(os.tmpdir(), prefix));
  works.push(work);
  return work;
}

async function stopHarness(h: Harness): Promise<void> {
  harnesses.splice(harnesses.indexOf(h), 1);
  await h.stop();
}

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  // Scripts run in their own process group (the killed agent's orphan among them).
  for (const work of works) {
    const pids = await readFile(path.join(work, 'pids'), 'utf8').catch(() => '');
    for (const pid of pids.split('\n').filter(Boolean)) {
      try {
        process.kill(-Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const h of harnesses.splice(0)) await h.stop().catch(() => {});
  for (const work of works) await rm(work, { recursive: true, force: true });
});

describe('restarts in the middle of an agent install', () => {
  it('the agent killed while a script runs: the interrupted operation runs again, once; nothing else re-runs or is lost', async () => {
    // Lease 8 s (harness): the lost attempt is retried 8 s after the agent's last renewal.
    const h = await startHarness();
    harnesses.push(h);
    const work = await newWork('stratus-restart-agent-');
    await deploy(h, 'killed', blueprint(work));
    const { token, wsUrl } = await mintFor(h, 'killed');
    const dataDir = path.join(work, 'agent');
    const first = startAgent(wsUrl, token, dataDir);
    await waitRegistered(first, 1);

    const install = await run(h, 'killed', 'install');
    await waitFor('app1 configure to start', async () => (existsSync(path.join(work, 'app1.configure')) ? true : undefined), 90000);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(existsSync(path.join(work, 'app1.configure.finished'))).toBe(false);
    const second = startAgent(wsUrl, token, dataDir);

    const done = await waitForEnd(h, install.id as string, 120000);
    expect({ status: done.status, error: done.error, output: done.status === 'terminated' ? '' : second.output.join('') }).toMatchObject({ status: 'terminated', error: '' });
    expect(registrations(second)).toBeGreaterThanOrEqual(1);
    await expectAllApplied(h, 'killed');
    // At least once: the interrupted operation ran twice (its first run's result died with the
    // agent), every other one once.
    expect(await runCounts(work)).toEqual(expected({ 'app1.configure': 2 }));
    const list = await events(h, install.id as string);
    expect(await startCounts(h, 'killed', list)).toEqual(expected({ 'app1.configure': 2 }));
    const failed = list.filter((e) => e.event_type === 'task_failed');
    expect(failed).toHaveLength(1);
    expect(String(failed[0].message)).toMatch(/within its lease/);
    expect(failed[0].operation).toBe('cloudify.interfaces.lifecycle.configure');
    await stopHarness(h);
  }, 240000);

  it('the runtime stopped while a script runs and started on the same data folder and port: the outboxed result is applied once, nothing re-runs', async () => {
    const work = await newWork('stratus-restart-runtime-');
    const runtimeDir = path.join(work, 'runtime');
    await mkdir(runtimeDir);
    // The same stage, data folder and port on both starts; the lease is long enough that the
    // manager is back and the agent reconnected before it ends (then nothing is retried). The
    // agent's reconnect backoff alone (full jitter, capped at 60 s) can wait up to a minute after
    // the restart: with a 60 s lease, a slow restart on a loaded machine let the lease run out and
    // the retries found no agent (CI run of 70b5e8e).
    const options = { inMemory: false, dataDir: runtimeDir, port: await freePort(), stage: uniqueStage() };
    const env = { STRATUS_OPERATION_LEASE: '180' };
    let h = await startHarness(options, env);
    harnesses.push(h);
    await deploy(h, 'stopped', blueprint(work));
    const { token, wsUrl } = await mintFor(h, 'stopped');
    const dataDir = path.join(work, 'agent');
    const agent = startAgent(wsUrl, token, dataDir);
    await waitRegistered(agent, 1);

    const install = await run(h, 'stopped', 'install');
    await waitFor('app2 create to start', async () => (existsSync(path.join(work, 'app2.create')) ? true : undefined), 90000);
    expect(existsSync(path.join(work, 'app2.create.finished'))).toBe(false);
    await stopHarness(h);
    // The script ends while the manager is down: its result waits in the outbox.
    await waitFor('app2 create to finish', async () => (existsSync(path.join(work, 'app2.create.finished')) ? true : undefined), 30000);
    const outbox = path.join(dataDir, 'outbox');
    const pending = await waitFor('the result in the outbox', async () => {
      const names = (await readdir(outbox).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
      return names.length ? names : undefined;
    }, 30000);
    expect(JSON.parse(await readFile(path.join(outbox, pending[0]), 'utf8'))).toMatchObject({ action: 'result', status: 'success', execution_id: install.id, runtime_properties: expect.anything() });

    h = await startHarness(options, env);
    harnesses.push(h);
    expect(h.runtime.wsUrl).toBe(wsUrl);
    const done = await waitForEnd(h, install.id as string, 120000);
    expect({ status: done.status, error: done.error, output: done.status === 'terminated' ? '' : agent.output.join('') }).toMatchObject({ status: 'terminated', error: '' });
    expect(registrations(agent)).toBeGreaterThanOrEqual(2);
    await expectAllApplied(h, 'stopped');
    expect(await runCounts(work)).toEqual(expected({}));
    const list = await events(h, install.id as string);
    expect(await startCounts(h, 'stopped', list)).toEqual(expected({}));
    expect(list.filter((e) => e.event_type === 'task_failed' || e.event_type === 'task_rescheduled')).toEqual([]);
    await waitFor('the outbox to empty after the ack', async () => ((await readdir(outbox)).some((n) => n.endsWith('.json')) ? undefined : true), 15000);
    await stopHarness(h);
  }, 240000);
});
