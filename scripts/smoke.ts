/**
 * `npm run smoke -- --url URL --user USER --password PASS [--tenant T]`: checks a manager end to end
 * with the loop a user walks (upload a blueprint, create a deployment, install, read its outputs,
 * uninstall, delete), minus the agent: examples/smoke has only central stratus.ops.* operations.
 * Each step prints ✓ or ✗ with its time; what the run created is deleted even when a step fails;
 * the exit code is 0 when every step passed, 1 when one failed, 2 for bad usage.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { packFolder } from '../cli/client/archive';
import { StratusClient } from '../cli/client/client';
import { ApiError, ConnectionError } from '../cli/client/errors';
import { validateManagerUrl } from '../cli/client/profiles';
import { END_STATES, sleep, waitForExecution } from '../cli/client/wait';
import type { Execution } from '../cli/client/wait';

const BLUEPRINT_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../examples/smoke');

interface SmokeOptions {
  url: string;
  user?: string;
  password?: string;
  token?: string;
  tenant: string;
  timeout: number;
}

function message(err: unknown): string {
  if (err instanceof ApiError) return `[${err.errorCode}] ${err.message}`;
  if (err instanceof ConnectionError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs the steps in order, stopping at the first failure; cleanup steps run whatever happened. */
class Steps {
  failed: string | undefined;
  private readonly started = Date.now();
  private count = 0;

  async run(name: string, fn: () => Promise<string | void>, always = false): Promise<boolean> {
    if (this.failed && !always) return false;
    const start = Date.now();
    this.count += 1;
    try {
      const detail = await fn();
      process.stdout.write(`✓ ${name}${detail ? `: ${detail}` : ''}  (${seconds(Date.now() - start)})\n`);
      return true;
    } catch (err) {
      process.stdout.write(`✗ ${name}: ${message(err)}  (${seconds(Date.now() - start)})\n`);
      this.failed ??= name;
      return false;
    }
  }

  summary(): string {
    return this.failed ? `Smoke test FAILED at "${this.failed}" (${this.count} steps in ${seconds(Date.now() - this.started)})` : `Smoke test passed: ${this.count} steps in ${seconds(Date.now() - this.started)}`;
  }
}

async function startAndWait(client: StratusClient, deployment: string, workflow: string, timeout: number, onStarted: (id: string) => void): Promise<Execution> {
  const started = await client.request<Execution>('POST', '/executions', { json: { deployment_id: deployment, workflow_id: workflow } });
  onStarted(started.id);
  const execution = await waitForExecution(client, started.id, timeout);
  if (execution.status !== 'terminated') throw new Error(`execution ${execution.id} ended ${execution.status}${execution.error ? `: ${String(execution.error)}` : ''}`);
  return execution;
}

async function waitGone(client: StratusClient, resource: string, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout * 1000;
  for (;;) {
    try {
      await client.get(resource, { _include: 'id' });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return;
      throw err;
    }
    if (Date.now() >= deadline) throw new Error(`${resource} is still there after ${timeout} s`);
    await sleep(250);
  }
}

async function smoke(options: SmokeOptions): Promise<number> {
  const client = new StratusClient({ manager: validateManagerUrl(options.url), user: options.token ? undefined : options.user, password: options.password, token: options.token, tenant: options.tenant });
  const suffix = randomBytes(3).toString('hex');
  const id = `smoke-${suffix}`;
  const greeting = `hello-${suffix}`;
  const steps = new Steps();
  let blueprintUploaded = false;
  let deploymentCreated = false;
  let running: string | undefined;
  process.stdout.write(`Smoke test of ${client.base} (tenant ${options.tenant}), blueprint and deployment ${id}\n`);

  await steps.run('manager answers and accepts the credentials', async () => {
    const [status, version] = await Promise.all([client.get('/status'), client.get('/api/version')]);
    return `status ${String(status.status)}, version ${String(version.version)}`;
  });
  await steps.run(`upload blueprint ${id} (examples/smoke)`, async () => {
    const form = new FormData();
    form.append('params', JSON.stringify({ async_upload: false, skip_execution: false, application_file_name: 'blueprint.yaml' }));
    form.append('blueprint_archive', new Blob([await packFolder(BLUEPRINT_FOLDER)]), 'smoke.tar.gz');
    let blueprint = await client.request('PUT', `/blueprints/${id}`, { body: form });
    blueprintUploaded = true;
    const deadline = Date.now() + options.timeout * 1000;
    while (!['uploaded', 'failed_uploading', 'failed_extracting', 'failed_parsing', 'invalid'].includes(String(blueprint.state))) {
      if (Date.now() >= deadline) throw new Error(`still ${String(blueprint.state)} after ${options.timeout} s`);
      await sleep(500);
      blueprint = await client.get(`/blueprints/${id}`);
    }
    if (blueprint.state !== 'uploaded') throw new Error(`upload ended ${String(blueprint.state)}: ${String(blueprint.error ?? '')}`);
  });
  await steps.run(`create deployment ${id}`, async () => {
    await client.request('PUT', `/deployments/${id}`, { json: { blueprint_id: id, inputs: { greeting } } });
    deploymentCreated = true;
    const { items } = await client.listAll<{ id: string }>('/executions', { deployment_id: id, workflow_id: 'create_deployment_environment', _include_system_workflows: 'true', _include: 'id' });
    if (!items[0]) return;
    const execution = await waitForExecution(client, items[0].id, options.timeout);
    if (execution.status !== 'terminated') throw new Error(`create_deployment_environment ended ${execution.status}: ${String(execution.error ?? '')}`);
  });
  await steps.run('install', async () => {
    const execution = await startAndWait(client, id, 'install', options.timeout, (started) => (running = started));
    running = undefined;
    return `${String(execution.finished_operations ?? '?')}/${String(execution.total_operations ?? '?')} operations`;
  });
  await steps.run('node instances started and outputs evaluated', async () => {
    const { items } = await client.listAll<{ id: string; state: string }>('/node-instances', { deployment_id: id, _include: 'id,state' });
    const notStarted = items.filter((i) => i.state !== 'started');
    if (items.length !== 2 || notStarted.length) throw new Error(`expected 2 started node instances, got ${items.map((i) => `${i.id}: ${i.state}`).join(', ') || 'none'}`);
    const { outputs } = await client.get<{ outputs: Record<string, unknown> }>(`/deployments/${id}/outputs`);
    if (outputs?.greeting !== greeting) throw new Error(`output greeting is ${JSON.stringify(outputs?.greeting)}, expected ${JSON.stringify(greeting)}`);
    return `greeting = ${greeting}`;
  });
  await steps.run('uninstall', async () => {
    await startAndWait(client, id, 'uninstall', options.timeout, (started) => (running = started));
    running = undefined;
  });

  // Cleanup, whatever happened above: an execution left running is cancelled first.
  if (running) {
    const execution = running;
    await steps.run(`cancel execution ${execution}`, async () => {
      await client.request('POST', `/executions/${execution}`, { json: { action: 'force-cancel' } });
      const deadline = Date.now() + 60000;
      while (!END_STATES.has((await client.get<Execution>(`/executions/${execution}`)).status)) {
        if (Date.now() >= deadline) throw new Error('still running after 60 s');
        await sleep(500);
      }
    }, true);
  }
  if (deploymentCreated) {
    const force = steps.failed !== undefined;
    await steps.run(`delete deployment ${id}`, async () => {
      await client.request('DELETE', `/deployments/${id}`, { query: { force: force ? 'true' : 'false', delete_logs: 'true' } });
      await waitGone(client, `/deployments/${id}`, options.timeout);
    }, true);
  }
  if (blueprintUploaded) {
    await steps.run(`delete blueprint ${id}`, async () => {
      await client.request('DELETE', `/blueprints/${id}`, { query: { force: steps.failed ? 'true' : 'false' } });
      await waitGone(client, `/blueprints/${id}`, 60);
    }, true);
  }
  const summary = steps.summary();
  (steps.failed ? process.stderr : process.stdout).write(`${summary}\n`);
  return steps.failed ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('npm run smoke --')
    .description('Checks a Stratus (or Cloudify) manager end to end with examples/smoke: upload, deployment, install, outputs, uninstall, delete')
    .requiredOption('--url <url>', "the manager's REST URL (the stack's RestUrl output, or http://127.0.0.1:8080)")
    .addOption(new Option('--user <user>', 'user name').default('admin'))
    .option('--password <password>', 'password of --user')
    .option('--token <token>', 'an API token instead of a user and password')
    .option('--tenant <tenant>', 'tenant', 'default_tenant')
    .option('--timeout <seconds>', 'how long to wait for each step', Number, 300)
    .addHelpText('after', '\nExample:\n  $ npm run smoke -- --url https://abc123.execute-api.eu-west-1.amazonaws.com --user admin --password s3cret\n')
    .exitOverride();
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  const options = program.opts<SmokeOptions>();
  if (!options.token && options.password === undefined) {
    process.stderr.write('error: give --password (or --token)\n');
    return 2;
  }
  try {
    validateManagerUrl(options.url);
  } catch (err) {
    process.stderr.write(`error: ${message(err)}\n`);
    return 2;
  }
  return smoke(options);
}

main(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`Smoke test crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
