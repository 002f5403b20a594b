/**
 * examples/app-and-database with the stratus CLI as real processes and a real agent: the connected_to
 * relationship's postconfigure script gives the app the database's address (target runtime
 * properties → source runtime properties); each page view is counted by the database process; after
 * uninstall both ports are closed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { RestClient } from '../../support/rest/client';
import { Cli, repoRoot } from '../cli/cli-process';
import { freePort, get, killGroup, killLeftovers, portOpen, startLocalAgent, waitUntil } from './examples-support';

const EXAMPLE = path.join(repoRoot, 'examples/app-and-database');
let runtime: LocalRuntime;
let cli: Cli;
let rest: RestClient; // read-only checks go straight to the API (each CLI process costs a second)
let agent: ChildProcess | undefined;

interface Instance {
  id: string;
  node_id: string;
  state: string;
  runtime_properties: Record<string, unknown>;
}

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

describe('examples/app-and-database', () => {
  it('validates and plans offline: app and database on the one host, the app connected to the database', async () => {
    expect(await cli.ok(['blueprints', 'validate', path.join(EXAMPLE, 'blueprint.yaml')])).toContain('is valid');
    const plan = await cli.json<{ node_instances: { node_id: string; host_id: string; relationships: { type: string; target_name: string }[] }[] }>(['blueprints', 'plan', path.join(EXAMPLE, 'blueprint.yaml')]);
    const app = plan.node_instances.find((i) => i.node_id === 'app')!;
    const database = plan.node_instances.find((i) => i.node_id === 'database')!;
    expect(app.host_id).toBe(database.host_id);
    expect(app.relationships.map((r) => [r.type, r.target_name])).toEqual([
      ['cloudify.relationships.contained_in', 'host'],
      ['cloudify.relationships.connected_to', 'database'],
    ]);
  });

  it('installs through the agent: the app gets the database address and counts visits there; uninstall stops both', async () => {
    const [appPort, dbPort] = [await freePort(), await freePort()];
    await cli.ok(['blueprints', 'upload', EXAMPLE, '-b', 'appdb']);
    await cli.ok(['deployments', 'create', 'appdb', '-b', 'appdb', '-i', `app_port=${appPort}`, '-i', `db_port=${dbPort}`, '--timeout', '30']);
    agent = await startLocalAgent(cli, 'appdb');

    await cli.ok(['executions', 'start', 'install', '-d', 'appdb', '--timeout', '90']);
    const outputs = (await cli.json<{ outputs: { app_url: string; database_url: string } }>(['deployments', 'outputs', 'appdb'])).outputs;
    expect(outputs).toEqual({ app_url: `http://127.0.0.1:${appPort}/`, database_url: `http://127.0.0.1:${dbPort}` });
    const listed = (await rest.list('/api/v3.1/node-instances?deployment_id=appdb')).items as unknown as Instance[];
    const instance = (node: string) => rest.ok<Instance>('GET', `/api/v3.1/node-instances/${listed.find((i) => i.node_id === node)!.id}`, 200);
    expect((await instance('database')).runtime_properties).toMatchObject({ port: dbPort, pid: expect.any(Number) });

    expect(await get(outputs.app_url)).toEqual({ status: 200, body: expect.stringContaining(`Visit number 1, counted by the database at http://127.0.0.1:${dbPort}.`) });
    expect((await get(outputs.app_url))?.body).toContain('Visit number 2,');
    expect(await get(`http://127.0.0.1:${dbPort}/counters/visits`)).toEqual({ status: 200, body: '{"name":"visits","value":2}' });

    await cli.ok(['executions', 'start', 'uninstall', '-d', 'appdb', '--timeout', '90']);
    expect(await portOpen(appPort)).toBe(false);
    expect(await portOpen(dbPort)).toBe(false);
    const app = await instance('app');
    expect(app.state).toBe('deleted');
    expect(app.runtime_properties.database_url ?? null).toBeNull();
    await cli.ok(['deployments', 'delete', 'appdb']);
    await waitUntil('the deployment to be deleted', async () => ((await rest.call('GET', '/api/v3.1/deployments/appdb')).status === 404 ? true : undefined));
    await cli.ok(['blueprints', 'delete', 'appdb']);
  }, 120000); // ~20-40 s; the margin is for a loaded machine
});
