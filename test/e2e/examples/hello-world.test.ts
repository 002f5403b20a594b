/**
 * examples/hello-world with the stratus CLI as real processes against a local runtime, and a real
 * agent process started as `agents install-command --local` prints it: the page rendered from the
 * inputs answers over HTTP on the chosen port; after uninstall the server is gone (port closed) and
 * the deployment and blueprint are deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { RestClient } from '../../support/rest/client';
import { Cli, repoRoot } from '../cli/cli-process';
import { freePort, get, killGroup, killLeftovers, portOpen, startLocalAgent, waitUntil } from './examples-support';

const EXAMPLE = path.join(repoRoot, 'examples/hello-world');
let runtime: LocalRuntime;
let cli: Cli;
let rest: RestClient; // read-only checks go straight to the API (each CLI process costs a second)
let agent: ChildProcess | undefined;

beforeAll(async () => {
  runtime = await startTestRuntime();
  cli = new Cli(runtime);
  rest = new RestClient(runtime);
}, 60000);

afterAll(async () => {
  if (agent) killGroup(agent);
  if (cli) killLeftovers(cli.home);
  await runtime?.stop();
});

describe('examples/hello-world', () => {
  it('validates and plans offline', async () => {
    expect(await cli.ok(['blueprints', 'validate', path.join(EXAMPLE, 'blueprint.yaml')])).toContain('is valid');
    const plan = await cli.json<{ node_instances: { node_id: string; host_id: string }[]; inputs: Record<string, unknown> }>(['blueprints', 'plan', path.join(EXAMPLE, 'blueprint.yaml'), '-i', 'port=8123']);
    expect(plan.node_instances.map((i) => i.node_id).sort()).toEqual(['host', 'web']);
    const web = plan.node_instances.find((i) => i.node_id === 'web')!;
    expect(web.host_id).toMatch(/^host_/);
  });

  it('installs through the agent, serves the rendered page, and uninstall stops the server', async () => {
    const port = await freePort();
    await cli.ok(['blueprints', 'upload', EXAMPLE, '-b', 'hello']);
    await cli.ok(['deployments', 'create', 'hello', '-b', 'hello', '-i', `port=${port}`, '-i', 'title=Hello e2e', '--timeout', '30']);
    agent = await startLocalAgent(cli, 'hello');

    await cli.ok(['executions', 'start', 'install', '-d', 'hello', '--timeout', '90']);
    const outputs = await cli.json<{ outputs: { url: string; pid: number } }>(['deployments', 'outputs', 'hello']);
    expect(outputs.outputs.url).toBe(`http://127.0.0.1:${port}/`);
    expect(outputs.outputs.pid).toEqual(expect.any(Number));
    const page = await get(outputs.outputs.url);
    expect(page?.status).toBe(200);
    expect(page?.body).toContain('<h1>Hello e2e</h1>');
    expect(page?.body).toContain("This page was rendered by a Stratus agent from the deployment's inputs.");
    expect(page?.body).toMatch(new RegExp(`Served by node instance web_\\w+ of deployment hello on port ${port}\\.`));

    await cli.ok(['executions', 'start', 'uninstall', '-d', 'hello', '--timeout', '90']);
    expect(await portOpen(port)).toBe(false);
    expect(() => process.kill(outputs.outputs.pid, 0)).toThrow();
    await cli.ok(['deployments', 'delete', 'hello']);
    await waitUntil('the deployment to be deleted', async () => ((await rest.call('GET', '/api/v3.1/deployments/hello')).status === 404 ? true : undefined));
    await cli.ok(['blueprints', 'delete', 'hello']);
  }, 120000); // ~20-40 s; the margin is for a loaded machine
});
