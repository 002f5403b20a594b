/**
 * The README's quick start, exactly as written: its marked shell blocks (readme-blocks.ts) run in
 * order through `sh -c` in the checkout, against a real `npm start` process and a real agent
 * process, both in the background. The only differences from a user's terminal are environment
 * variables the commands honour: `PORT=0` and a temporary `STRATUS_DATA_DIR` for `npm start`, the
 * exports its banner prints (the manager's URL and password, as it is not on the default port),
 * `HELLO_PORT` (a free port for the page) and a temporary HOME.
 *
 * Exclusions (marked in the README with the reason): `npm install` (CI runs it first), `npm test`
 * (CI itself), `npx cdk deploy` and reading a deployed stack's outputs (need AWS). The smoke command
 * of the deploy guide runs in smoke.test.ts.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../cli/cli-process';
import { freePort, killLeftovers, portOpen, waitUntil } from '../examples/examples-support';
import { readmeBlocks } from './readme-blocks';
import type { ReadmeBlock } from './readme-blocks';

interface Ran {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

const home = mkdtempSync(path.join(tmpdir(), 'stratus-readme-home-'));
const dataDir = mkdtempSync(path.join(tmpdir(), 'stratus-readme-data-'));
const background: ChildProcess[] = [];

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('STRATUS_') || key.startsWith('XDG_') || key === 'FORCE_COLOR' || key === 'PORT' || key === 'HOST') continue;
    env[key] = value;
  }
  return { ...env, HOME: home, NO_COLOR: '1', ...extra };
}

function sh(command: string, env: Record<string, string>, timeoutMs = 180000): Promise<Ran> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ command, code: code ?? 1, stdout, stderr, ms: Date.now() - start });
    });
  });
}

/** Runs every command of a block in order; fails with the command's output at the first non-zero exit. */
async function runBlock(block: ReadmeBlock, env: Record<string, string>): Promise<Ran[]> {
  const ran: Ran[] = [];
  for (const command of block.commands) {
    const result = await sh(command, env);
    ran.push(result);
    if (result.code !== 0) throw new Error(`README command failed (exit ${result.code}): ${command}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return ran;
}

function startBackground(command: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn('sh', ['-c', command], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  background.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Resolves once the process has exited and every process holding its output (npm's child) has too. */
function closed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.stdout!.readableEnded && child.stderr!.readableEnded && child.exitCode !== null) resolve();
    else child.once('close', () => resolve());
  });
}

afterAll(async () => {
  for (const child of background) signalGroup(child, 'SIGKILL');
  killLeftovers(home);
});

const blocks = readmeBlocks();
const quickStart = blocks.filter((b) => b.section === 'Walk through an application');

describe('README', () => {
  it('marks every shell block, and excludes only what cannot run here, saying why', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const excluded = blocks.filter((b) => b.kind === 'excluded');
    for (const block of excluded) expect(block.note.length).toBeGreaterThan(10);
    expect(excluded.flatMap((b) => b.commands)).toEqual([
      'npm install && npm start     # the local manager on http://127.0.0.1:8080 (prints its URLs, admin password and next commands)',
      'npm test                # the whole test suite (unit, integration on the local runtime, infrastructure)',
      expect.stringMatching(/^npx cdk deploy /),
      expect.stringMatching(/^npx cdk deploy -c /),
      expect.stringMatching(/^REST_URL=\$\(aws cloudformation describe-stacks /),
      expect.stringMatching(/^SECRET_ARN=\$\(aws cloudformation describe-stacks /),
      expect.stringMatching(/^ADMIN_PASSWORD=\$\(aws secretsmanager get-secret-value /),
    ]);
    // The quick start's first block stays two commands: start locally, run the tests.
    expect(blocks[0].commands.map((c) => c.split('#')[0].trim())).toEqual(['npm install && npm start', 'npm test']);
  });

  it('runs the offline commands as written (blueprint tools, cdk synth)', async () => {
    const offline = blocks.filter((b) => b.kind === 'run' && b.section !== 'Walk through an application');
    expect(offline.flatMap((b) => b.commands)).toEqual([
      'npx stratus blueprints validate examples/hello-world/blueprint.yaml',
      'npx stratus blueprints plan examples/hello-world/blueprint.yaml -i port=8080 --json',
      'npx cdk synth --quiet',
    ]);
    const [validate, plan, synth] = (await Promise.all(offline.map((b) => runBlock(b, baseEnv())))).flat();
    expect(validate.stdout).toContain('is valid');
    const parsed = JSON.parse(plan.stdout) as { node_instances: { node_id: string }[]; inputs: Record<string, unknown> };
    expect(parsed.node_instances.map((i) => i.node_id).sort()).toEqual(['host', 'web']);
    expect(parsed.inputs.port).toBe(8080);
    expect(synth.code).toBe(0);
  }, 240000); // cdk synth bundles every function: ~10 s, more on a loaded machine

  it('walks the quick start: npm start, upload, deployment, agent, install, the page, uninstall, delete', async () => {
    expect(quickStart.map((b) => [b.kind, b.note])).toEqual([
      ['background', 'the manager'],
      ['run', ''],
      ['background', 'the agent'],
      ['run', ''],
    ]);
    const [managerBlock, createBlock, agentBlock, loopBlock] = quickStart;
    expect(managerBlock.commands).toEqual(['npm start']);
    const helloPort = await freePort();

    // Terminal 1: the manager, until its banner says it is ready.
    const manager = startBackground(managerBlock.commands[0], baseEnv({ PORT: '0', STRATUS_DATA_DIR: dataDir }));
    await waitUntil('npm start to be ready', async () => (manager.output().includes('Press Ctrl+C to stop.') ? true : undefined), 120000).catch((err: Error) => {
      throw new Error(`${err.message}\n${manager.output()}`);
    });
    const banner = manager.output();
    // The banner prints the next commands: the README's, word for word.
    const next = banner.slice(banner.indexOf('Next, in another terminal')).split('\n').slice(1).map((l) => l.trim()).filter((l) => l && !l.startsWith('Press'));
    const exports = next.filter((l) => l.startsWith('export '));
    const printed = next.filter((l) => !l.startsWith('export ')).map((l) => l.replace(/\s+#.*$/, ''));
    const readmeCommands = quickStart.flatMap((b) => b.commands);
    expect(printed.length).toBeGreaterThanOrEqual(5);
    for (const command of printed) expect(readmeCommands).toContain(command);
    // Not on the default port, with its password outside ./.stratus: the banner says what to export.
    expect(exports).toEqual([expect.stringMatching(/^export STRATUS_MANAGER=http:\/\/127\.0\.0\.1:\d+$/), expect.stringMatching(/^export STRATUS_PASSWORD=\S+$/)]);
    const exported = Object.fromEntries(exports.map((l) => /^export (\w+)=(.*)$/.exec(l)!.slice(1, 3).map((v) => v.replace(/^'(.*)'$/, '$1'))));
    const env = baseEnv({ ...exported, HELLO_PORT: String(helloPort) });

    // Terminal 2: upload and create.
    const [upload, create] = await runBlock(createBlock, env);
    expect(upload.stdout).toContain('Blueprint hello uploaded');
    expect(create.stdout).toContain('Deployment hello is ready');

    // Terminal 3: the host's agent, kept running; it is up once the manager sees it.
    expect(agentBlock.commands).toEqual(['sh -c "$(npx stratus agents install-command -d hello --local)"']);
    const agent = startBackground(agentBlock.commands[0], env);
    const auth = { authorization: `Basic ${Buffer.from(`admin:${exported.STRATUS_PASSWORD}`).toString('base64')}`, tenant: 'default_tenant' };
    let lastAgents = '';
    await waitUntil('the agent to connect', async () => {
      const answer = await fetch(`${exported.STRATUS_MANAGER}/api/v3.1/agents?deployment_id=hello`, { headers: auth });
      lastAgents = await answer.text();
      const items = (JSON.parse(lastAgents) as { items?: { state?: string }[] }).items ?? [];
      return items.some((a) => a.state === 'started') ? true : undefined;
    }, 60000).catch((err: Error) => {
      throw new Error(`${err.message}\nagents: ${lastAgents}\nagent output: ${agent.output()}`);
    });

    // Terminal 2 again: the whole loop.
    const [install, outputs, curl, uninstall, deleteDeployment, deleteBlueprint] = await runBlock(loopBlock, env);
    expect(install.stdout.trimEnd().split('\n').at(-1)).toBe("Finished executing workflow 'install' on deployment 'hello': completed");
    expect(outputs.stdout).toContain(`http://127.0.0.1:${helloPort}/`);
    expect(curl.command).toBe('curl "$(npx stratus deployments outputs hello url)"');
    expect(curl.stdout).toContain('<h1>Hello from Stratus</h1>');
    expect(curl.stdout).toMatch(new RegExp(`Served by node instance web_\\w+ of deployment hello on port ${helloPort}\\.`));
    expect(uninstall.stdout.trimEnd().split('\n').at(-1)).toBe("Finished executing workflow 'uninstall' on deployment 'hello': completed");
    expect(await portOpen(helloPort)).toBe(false);
    expect(deleteDeployment.stdout).toContain('Deployment hello deleted.');
    expect(deleteBlueprint.stdout).toContain('Blueprint hello deleted');
    // Final state: nothing left on the manager.
    for (const resource of ['deployments', 'blueprints']) {
      const list = (await (await fetch(`${exported.STRATUS_MANAGER}/api/v3.1/${resource}`, { headers: auth })).json()) as { items: unknown[] };
      expect({ resource, items: list.items }).toEqual({ resource, items: [] });
    }

    // Ctrl+C: the agent and the manager stop.
    signalGroup(agent.child, 'SIGINT');
    signalGroup(manager.child, 'SIGINT');
    await closed(agent.child);
    await closed(manager.child);
    expect(manager.output()).toContain('[stratus] Stopped.');
  }, 300000); // ~40-60 s here; the margin is for a loaded machine
});
