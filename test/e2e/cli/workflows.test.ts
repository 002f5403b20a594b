/**
 * The CLI driving real executions on a local runtime (workflow engine, task worker, stratus.ops.*
 * operations): deployments create waiting for its environment, `executions start` followed in a
 * pseudo-terminal up to 100% and its final line, a failing install exiting 1, cancel and resume,
 * uninstall and delete.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { bin, Cli } from './cli-process';
import type { Run } from './cli-process';

const APP = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
inputs:
  fail_times:
    type: integer
    default: 0
  start_seconds:
    type: float
    default: 0.2
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: {implementation: stratus.ops.set_runtime_properties, inputs: {properties: {ip: 10.0.0.1}}}
        start: {implementation: stratus.ops.sleep, inputs: {seconds: { get_input: start_seconds }}}
        stop: stratus.ops.noop
        delete: stratus.ops.noop
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
    relationships:
      - {type: cloudify.relationships.contained_in, target: host}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: {implementation: stratus.ops.sleep, inputs: {seconds: 0.2}}
        configure:
          implementation: stratus.ops.fail
          inputs: {recoverable: false, times: {get_input: fail_times}}
        start: stratus.ops.noop
        stop: stratus.ops.noop
        delete: stratus.ops.noop
outputs:
  ip:
    value: { get_attribute: [host, ip] }
`;

const AGENTED = `tosca_definitions_version: cloudify_dsl_1_4
imports:
  - cloudify/types/types.yaml
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
              ctx instance runtime-properties greeting "hello from the agent"
`;

let runtime: LocalRuntime;
let cli: Cli;
const agentProcesses: ChildProcess[] = [];

function onPty(args: string[]): Promise<Run> {
  const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve) => {
    execFile('script', ['-qefc', quoted, '/dev/null'], { env: cli.env({ NO_COLOR: undefined, TERM: 'xterm' }), cwd: cli.home }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: number | string }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

/** The text with escape codes removed and carriage returns as line ends. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r\n?/g, '\n'); // eslint-disable-line no-control-regex
}

/** The last line the terminal shows. */
function lastLine(text: string): string {
  return plain(text).trimEnd().split('\n').at(-1) ?? '';
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  cli = new Cli(runtime);
  const dir = mkdtempSync(path.join(tmpdir(), 'stratus-cli-wf-'));
  mkdirSync(path.join(dir, 'app'));
  writeFileSync(path.join(dir, 'app/blueprint.yaml'), APP);
  mkdirSync(path.join(dir, 'agented'));
  writeFileSync(path.join(dir, 'agented/blueprint.yaml'), AGENTED);
  await cli.ok(['blueprints', 'upload', path.join(dir, 'app'), '-b', 'app']);
  await cli.ok(['blueprints', 'upload', path.join(dir, 'agented'), '-b', 'agented']);
});

afterAll(async () => {
  for (const child of agentProcesses) {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // the shell and the agent it started
    } catch {
      // already gone
    }
  }
  await runtime?.stop();
});

describe('executions with the workflow engine', () => {
  it('creates a deployment (waiting for its environment), installs it with a live bar to 100%, uninstalls and deletes it', async () => {
    const created = await cli.run(['deployments', 'create', 'ok', '-b', 'app', '--timeout', '60']);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('Waiting for create_deployment_environment');
    expect(created.stdout).toBe('Deployment ok is ready.\n');

    const install = await onPty(['executions', 'start', 'install', '-d', 'ok', '--timeout', '120']);
    expect(install.code).toBe(0);
    expect(install.stdout).toMatch(/\[#{30}\] 8\/8 operations 100% {2}terminated/);
    expect(lastLine(install.stdout)).toBe("Finished executing workflow 'install' on deployment 'ok': completed");
    // The engine's events, printed above the bar as they arrive: the bar's line is cleared, the event written, the bar redrawn.
    const shown = plain(install.stdout);
    expect(shown).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}workflow_started {4}Starting 'install' workflow execution$/m);
    expect(shown).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}task_succeeded {6}\[host_\w+\.cloudify\.interfaces\.lifecycle\.create\] /m);
    expect(install.stdout).toContain('started\x1b[39m\r\x1b[2K20');

    const instances = await cli.json<{ items: { node_id: string; state: string }[] }>(['node-instances', 'list', '-d', 'ok']);
    expect(instances.items.map((i) => i.state)).toEqual(['started', 'started', 'started']);
    expect(await cli.json(['deployments', 'outputs', 'ok'])).toEqual({ deployment_id: 'ok', outputs: { ip: '10.0.0.1' } });
    const executions = await cli.json<{ items: { workflow_id: string; status: string; total_operations: number; finished_operations: number }[] }>(['executions', 'list', '-d', 'ok']);
    expect(executions.items).toEqual([expect.objectContaining({ workflow_id: 'install', status: 'terminated', total_operations: 8, finished_operations: 8 })]);

    // Off a terminal: plain lines, the same final line.
    const uninstall = await cli.run(['executions', 'start', 'uninstall', '-d', 'ok', '--timeout', '120'], { env: { STRATUS_DEBUG: '1' } });
    // Events come live over the WebSocket API too (polling stays on underneath; each is printed once).
    expect(uninstall.stderr).toMatch(/^Following events live over ws:\/\/127\.0\.0\.1:\d+\/ws$/m);
    expect(Number(/^(\d+) events arrived live before polling found them$/m.exec(uninstall.stderr)?.[1])).toBeGreaterThan(0);
    const eventLines = uninstall.stdout.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(new Set(eventLines).size).toBe(eventLines.length);
    expect(uninstall.code).toBe(0);
    expect(uninstall.stdout).toMatch(/^Execution \S+ terminated \(6\/6 operations\)$/m);
    expect(uninstall.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}task_succeeded {6}\[host_\w+\.cloudify\.interfaces\.lifecycle\.stop\] /m);
    expect(uninstall.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}workflow_succeeded {2}'uninstall' workflow execution succeeded$/m);
    expect(uninstall.stdout.trimEnd().split('\n').at(-1)).toBe("Finished executing workflow 'uninstall' on deployment 'ok': completed");
    await cli.ok(['deployments', 'delete', 'ok']);
  });

  it('exits 1 with the error when the execution fails, on a terminal and with --json', async () => {
    // Not waiting here: executions start waits for the environment itself.
    await cli.ok(['deployments', 'create', 'bad', '-b', 'app', '-i', 'fail_times=5', '--no-wait']);
    const failed = await onPty(['executions', 'start', 'install', '-d', 'bad', '--timeout', '120']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/operations +\d+% {2}failed/);
    expect(lastLine(failed.stdout)).toMatch(/^Execution of workflow 'install' on deployment 'bad' failed: .*configure/);
    const id = (await cli.json<{ items: { id: string }[] }>(['executions', 'list', '-d', 'bad'])).items[0].id;
    const json = await cli.run(['executions', 'get', id, '--follow', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, status: 'failed', error: expect.stringContaining('configure') });
  });

  it('cancels a running execution (exit 1 when followed) and resumes it to completion', async () => {
    // The host's start sleeps long enough for the cancel to arrive while it runs, even on a loaded machine.
    await cli.ok(['deployments', 'create', 'slow', '-b', 'app', '-i', 'start_seconds=8', '--timeout', '60']);
    const started = await cli.json<{ id: string; status: string }>(['executions', 'start', 'install', '-d', 'slow', '--no-follow']);
    expect(started.status).toBe('pending');
    const cancelled = await cli.json<{ status: string }>(['executions', 'cancel', started.id, '--force']);
    expect(['force_cancelling', 'cancelled']).toContain(cancelled.status);
    const followed = await cli.run(['executions', 'get', started.id, '--follow', '--timeout', '60']);
    expect(followed.code).toBe(1);
    expect(followed.stdout.trimEnd().split('\n').at(-1)).toBe("Execution of workflow 'install' on deployment 'slow' was cancelled");

    expect(await cli.ok(['executions', 'resume', started.id])).toContain(`Execution ${started.id}: resume requested`);
    const resumed = await cli.run(['executions', 'get', started.id, '--follow', '--timeout', '120']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trimEnd().split('\n').at(-1)).toBe("Finished executing workflow 'install' on deployment 'slow': completed");
  });

  it('lists events with filters and as JSON, tails them until the execution ended, and prints them when following', async () => {
    await cli.ok(['deployments', 'create', 'ev', '-b', 'app', '--timeout', '60']);
    const run = await cli.json<{ id: string }>(['executions', 'start', 'install', '-d', 'ev', '--timeout', '120']);
    // Events as an agent or plugin reports them (POST /events goes through the events queue and indexer).
    const posted = await fetch(`${runtime.restUrl}/api/v3.1/events`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`admin:${runtime.admin.password}`).toString('base64')}`, tenant: 'default_tenant', 'content-type': 'application/json' },
      body: JSON.stringify({
        execution_id: run.id,
        events: [{ event_type: 'task_started', message: { text: 'cli test event' }, context: { node_instance_id: 'app_x1', operation: 'cloudify.interfaces.lifecycle.create' }, timestamp: '2026-01-01T00:00:00.000Z' }],
        logs: [{ level: 'warning', logger: 'test', message: { text: 'cli test log' }, context: {}, timestamp: '2026-01-01T00:00:01.000Z' }],
      }),
    });
    expect(posted.status).toBe(201);
    const deadline = Date.now() + 30000;
    let listed: { items: Record<string, unknown>[] } = { items: [] };
    while (Date.now() < deadline) {
      listed = await cli.json<{ items: Record<string, unknown>[] }>(['events', 'list', '-e', run.id, '--search', 'cli test']);
      if (listed.items.length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(listed.items.map((e) => [e.type, e.message, e.execution_id, e.deployment_id])).toEqual([
      ['cloudify_event', 'cli test event', run.id, 'ev'],
      ['cloudify_log', 'cli test log', run.id, 'ev'],
    ]);
    const [events, logs, text, tail, followed] = await Promise.all([
      cli.json<{ items: Record<string, unknown>[] }>(['events', 'list', '-e', run.id, '--type', 'cloudify_event', '--event-type', 'task_started', '--search', 'cli test']),
      cli.json<{ items: Record<string, unknown>[] }>(['events', 'list', '-d', 'ev', '--level', 'warning', '--type', 'cloudify_log']),
      cli.ok(['events', 'list', '-e', run.id, '--search', 'cli test']),
      cli.run(['events', 'list', '-e', run.id, '--tail', '--json']),
      cli.run(['executions', 'get', run.id, '--follow']),
    ]);
    expect(events.items.map((e) => e.message)).toEqual(['cli test event']);
    expect(logs.items.map((e) => e.message)).toContain('cli test log');
    expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}task_started +\[app_x1\.cloudify\.interfaces\.lifecycle\.create\] cli test event$/m);
    expect(text).toMatch(/ {2}warning +cli test log$/m);
    // --tail on an ended execution prints what there is (one JSON event per line) and stops.
    expect(tail.code).toBe(0);
    expect(tail.stdout.trim().split('\n').map((line) => JSON.parse(line).message)).toEqual(expect.arrayContaining(['cli test event', 'cli test log']));
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/\[app_x1\.cloudify\.interfaces\.lifecycle\.create\] cli test event\n/);
    expect(followed.stdout.trimEnd().split('\n').at(-1)).toBe("Finished executing workflow 'install' on deployment 'ev': completed");
  });

  it('prints a host agent command that, run as printed, starts an agent the install then uses; lists agents', async () => {
    await cli.ok(['deployments', 'create', 'agented', '-b', 'agented', '--timeout', '60']);
    const refused = await cli.run(['agents', 'install-command', '-d', 'no-such-deployment']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has no host with agent_config.install_method provided or init_script');
    const printed = await cli.run(['agents', 'install-command', '-d', 'agented', '--local']);
    expect(printed.code).toBe(0);
    expect(printed.stderr).toMatch(/^# Host host_\w+: run on that host \(this machine\); the token is shown only this once\.$/m);
    const lines = printed.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const command = lines[0];
    expect(command).toMatch(/^STRATUS_AGENT_TOKEN=sagt-\S+ node \S+\/agent\/bin\.mjs --manager http:\/\/127\.0\.0\.1:\d+ --ws-url ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const agent = spawn('sh', ['-c', command], { cwd: cli.home, env: cli.env(), detached: true, stdio: 'ignore' });
    agentProcesses.push(agent);

    const install = await cli.run(['executions', 'start', 'install', '-d', 'agented', '--timeout', '120']);
    expect(install.code).toBe(0);
    const instances = await cli.json<{ items: { id: string; node_id: string }[] }>(['node-instances', 'list', '-d', 'agented']);
    const app = instances.items.find((i) => i.node_id === 'app')!;
    expect(await cli.json(['node-instances', 'get', app.id])).toMatchObject({ state: 'started', runtime_properties: { greeting: 'hello from the agent' } });
    const host = instances.items.find((i) => i.node_id === 'host')!;
    const agents = await cli.json<{ items: Record<string, unknown>[] }>(['agents', 'list', '-d', 'agented']);
    expect(agents.items).toEqual([expect.objectContaining({ id: host.id, install_method: 'provided', deployment: 'agented' })]);
    expect(await cli.ok(['agents', 'list', '-d', 'agented'])).toMatch(new RegExp(`^${host.id}\\s+${host.id}\\s+`, 'm'));
  });
});
