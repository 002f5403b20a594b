/**
 * The CLI as a real process against a local runtime whose queues are not consumed (pollers off), so
 * system executions stay pending whatever the workflow engine does: deployments (typed -i inputs,
 * outputs, inputs, waiting and its timeout), nodes, node instances, executions (list/get, start
 * refused while the environment is pending), plugins, secrets, tokens and tenants, with --json
 * shapes and error exits.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LocalRuntime } from '../../../local/runtime';
import { tarGzOf, zipOf } from '../../support/archives/build';
import { startTestRuntime } from '../../support/local-runtime';
import { StratusClient } from '../../../cli/client/client';
import { ApiError, ConnectionError } from '../../../cli/client/errors';
import { Cli, HELLO } from './cli-process';

type List = { items: Record<string, unknown>[]; metadata: { pagination: { total: number; size: number; offset: number } } };

let runtime: LocalRuntime;
let cli: Cli;
let work: string;

beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
  cli = new Cli(runtime);
  work = mkdtempSync(path.join(tmpdir(), 'stratus-cli-res-'));
  mkdirSync(path.join(work, 'hello'));
  writeFileSync(path.join(work, 'hello/blueprint.yaml'), HELLO);
  writeFileSync(path.join(work, 'inputs.yaml'), 'name: from-file\ncount: 1\n');
  await cli.ok(['blueprints', 'upload', path.join(work, 'hello'), '-b', 'hello']);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('deployments, nodes and node instances', () => {
  it('creates a deployment with -i values read as YAML scalars (typed by the blueprint), files and dicts', async () => {
    const created = await cli.json<Record<string, unknown>>(['deployments', 'create', 'd1', '-b', 'hello', '-i', path.join(work, 'inputs.yaml'), '-i', 'count=2', '-i', 'flag=true', '-i', 'free=42', '--no-wait']);
    expect(created).toMatchObject({ id: 'd1', blueprint_id: 'hello', inputs: { name: 'from-file', count: 2, flag: true, free: 42 } });
    await cli.ok(['deployments', 'create', 'd2', '-b', 'hello', '-i', 'name=007', '-i', "free='42'", '-i', '{count: 3}', '--no-wait']);
    expect(await cli.json(['deployments', 'inputs', 'd2'])).toEqual({ name: '007', free: '42', count: 3, flag: false });
    expect(await cli.ok(['deployments', 'inputs', 'd2'])).toMatch(/^name\s+007$/m);

    const [list, got, outputs, outputsText] = await Promise.all([
      cli.json<List>(['deployments', 'list', '-b', 'hello', '--sort-by', 'id']),
      cli.json<Record<string, unknown>>(['deployments', 'get', 'd1']),
      cli.json(['deployments', 'outputs', 'd1']),
      cli.ok(['deployments', 'outputs', 'd1']),
    ]);
    expect(list.items.map((d) => d.id)).toEqual(['d1', 'd2']);
    expect(list.metadata.pagination.total).toBe(2);
    expect(got).toMatchObject({ id: 'd1', blueprint_id: 'hello', installation_status: 'inactive' });
    expect((got.workflows as { name: string }[]).map((w) => w.name)).toEqual(expect.arrayContaining(['install', 'uninstall']));
    expect(outputs).toEqual({ deployment_id: 'd1', outputs: { where: 'from-file@10.0.0.5', count: 2, flag: true, free: 42 } });
    expect(outputsText).toMatch(/^NAME\s+VALUE\s+DESCRIPTION$/m);
    expect(outputsText).toMatch(/^where\s+from-file@10\.0\.0\.5$/m);
  });

  it('lists nodes and node instances, and shows one instance', async () => {
    const [nodes, instances, text] = await Promise.all([
      cli.json<List>(['nodes', 'list', '-d', 'd1', '--sort-by', 'id']),
      cli.json<List>(['node-instances', 'list', '-d', 'd1']),
      cli.ok(['node-instances', 'list', '-d', 'd1', '-n', 'vm']),
    ]);
    expect(nodes.items.map((n) => [n.id, n.number_of_instances])).toEqual([
      ['vm', 2],
      ['web', 1],
    ]);
    expect(instances.items).toHaveLength(4);
    expect(instances.items.every((i) => i.state === 'uninitialized' && i.deployment_id === 'd1')).toBe(true);
    expect(text.match(/^vm_\w+\s+d1\s+vm_\w+\s+vm\s+uninitialized/gm)).toHaveLength(2);
    const id = String(instances.items.find((i) => i.node_id === 'web')?.id);
    const instance = await cli.json<Record<string, unknown>>(['node-instances', 'get', id]);
    expect(instance).toMatchObject({ id, node_id: 'web', deployment_id: 'd1', state: 'uninitialized', runtime_properties: {} });
    expect(await cli.ok(['node-instances', 'get', id])).toMatch(/^Node:\s+web$/m);
  });

  it('waits for create_deployment_environment and gives up after --timeout with exit 1', async () => {
    const result = await cli.run(['deployments', 'create', 'waiting', '-b', 'hello', '--timeout', '2']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Waiting for create_deployment_environment');
    expect(result.stderr).toMatch(/Error \[timeout\]: Execution \S+ \(create_deployment_environment\) is still pending after 2 s/);
  });

  it('exits 1 with the server error for an unknown deployment, blueprint or input; 2 for a malformed -i', async () => {
    const [unknown, unknownJson, noBlueprint, badInput, malformed] = await Promise.all([
      cli.run(['deployments', 'get', 'nope']),
      cli.run(['deployments', 'outputs', 'nope', '--json']),
      cli.run(['deployments', 'create', 'x', '-b', 'no-such-blueprint', '--no-wait']),
      cli.run(['deployments', 'create', 'x', '-b', 'hello', '-i', 'bogus=1', '--no-wait']),
      cli.run(['deployments', 'create', 'x', '-b', 'hello', '-i', 'no-equals-sign', '--no-wait']),
    ]);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toMatch(/^Error \[not_found_error\]: .*nope/m);
    expect(unknownJson.code).toBe(1);
    expect(JSON.parse(unknownJson.stdout)).toEqual({ error_code: 'not_found_error', message: expect.stringContaining('nope') });
    expect(noBlueprint.code).toBe(1);
    expect(noBlueprint.stderr).toContain('[not_found_error]');
    expect(badInput.code).toBe(1);
    expect(badInput.stderr).toContain('[unknown_deployment_input_error]');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('neither key=value');
  });
});

describe('executions', () => {
  it('lists and gets executions, system ones on request', async () => {
    const [user, system] = await Promise.all([cli.json<List>(['executions', 'list', '-d', 'd1']), cli.json<List>(['executions', 'list', '-d', 'd1', '--include-system-workflows'])]);
    expect(user.items).toEqual([]);
    expect(system.items.map((e) => [e.workflow_id, e.status])).toEqual([['create_deployment_environment', 'pending']]);
    const id = String(system.items[0].id);
    expect(await cli.json(['executions', 'get', id])).toMatchObject({ id, workflow_id: 'create_deployment_environment', deployment_id: 'd1', status: 'pending' });
    const text = await cli.ok(['executions', 'get', id]);
    expect(text).toMatch(/^Status:\s+pending$/m);
    expect(text).toMatch(/^Operations:\s+0\/0$/m);
  });

  it('exits 1 with the server error when the workflow cannot start (after --timeout while the environment is pending)', async () => {
    const [pending, unknown] = await Promise.all([cli.run(['executions', 'start', 'install', '-d', 'd1', '--timeout', '2']), cli.run(['executions', 'start', 'install', '-d', 'nope', '--json'])]);
    // It retries while the environment is pending (nothing consumes the queue here), then gives up.
    expect(pending.code).toBe(1);
    expect(pending.stderr).toContain('The environment of deployment d1 is still being created; waiting...');
    expect(pending.stderr).toContain('[deployment_environment_creation_pending_error]');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error_code: 'not_found_error' });
  });

  it('deletes deployments', async () => {
    expect(await cli.ok(['deployments', 'delete', 'd2', '--force'])).toContain('Deployment d2 deleted');
    expect((await cli.run(['deployments', 'get', 'd2'])).code).toBe(1);
  });
});

describe('plugins', () => {
  it('uploads, lists, gets and deletes a plugin package', async () => {
    const yaml = "plugins:\n  mock:\n    executor: central_deployment_agent\n    package_name: cli-mock-plugin\n    package_version: '1.0.0'\n";
    const wagon = await tarGzOf([{ name: 'cli_mock_plugin/package.json', data: JSON.stringify({ package_name: 'cli-mock-plugin', package_version: '1.0.0' }) }]);
    const file = path.join(work, 'plugin.zip');
    writeFileSync(file, zipOf({ 'cli_mock_plugin.wgn': wagon, 'plugin.yaml': yaml }));
    const plugin = await cli.json<Record<string, unknown>>(['plugins', 'upload', file, '--title', 'Mock']);
    expect(plugin).toMatchObject({ package_name: 'cli-mock-plugin', package_version: '1.0.0', title: 'Mock', visibility: 'tenant' });
    const id = String(plugin.id);
    const [list, got, text] = await Promise.all([cli.json<List>(['plugins', 'list']), cli.json(['plugins', 'get', id]), cli.ok(['plugins', 'list'])]);
    expect(list.items.map((p) => p.id)).toEqual([id]);
    expect(got).toMatchObject({ id, package_name: 'cli-mock-plugin' });
    expect(text).toMatch(new RegExp(`^${id}\\s+cli-mock-plugin\\s+1\\.0\\.0`, 'm'));
    const again = await cli.run(['plugins', 'upload', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[conflict_error]');
    await cli.ok(['plugins', 'delete', id]);
    expect((await cli.json<List>(['plugins', 'list'])).items).toEqual([]);
  });
});

describe('secrets, tokens and tenants', () => {
  it('creates, gets, lists, updates and deletes secrets', async () => {
    writeFileSync(path.join(work, 'secret.txt'), 'from a file');
    await cli.ok(['secrets', 'create', 'k1', '-s', 'v1']);
    await cli.ok(['secrets', 'create', 'k2', '-f', path.join(work, 'secret.txt'), '--hidden-value']);
    const [one, list] = await Promise.all([cli.json(['secrets', 'get', 'k1']), cli.json<List>(['secrets', 'list'])]);
    expect(one).toMatchObject({ key: 'k1', value: 'v1', is_hidden_value: false, visibility: 'tenant' });
    expect(list.items.map((s) => [s.key, s.is_hidden_value])).toEqual([
      ['k1', false],
      ['k2', true],
    ]);
    expect(list.items.every((s) => !('value' in s))).toBe(true);
    expect(await cli.json(['secrets', 'get', 'k2'])).toMatchObject({ value: 'from a file' });
    await cli.ok(['secrets', 'update', 'k1', '-s', 'v2']);
    expect(await cli.ok(['secrets', 'get', 'k1'])).toMatch(/^Value:\s+v2$/m);
    const duplicate = await cli.run(['secrets', 'create', 'k1', '-s', 'x']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('[conflict_error]');
    await cli.ok(['secrets', 'create', 'k1', '-s', 'v3', '--update-if-exists']);
    expect(await cli.json(['secrets', 'get', 'k1'])).toMatchObject({ value: 'v3' });
    await Promise.all([cli.ok(['secrets', 'delete', 'k1']), cli.ok(['secrets', 'delete', 'k2'])]);
    const gone = await cli.run(['secrets', 'get', 'k1']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('[not_found_error]');
    expect((await cli.run(['secrets', 'update', 'k1'])).code).toBe(2);
  });

  it('creates, lists and deletes tokens; a deleted token no longer authenticates', async () => {
    const token = await cli.json<Record<string, unknown>>(['tokens', 'create', '--description', 'for the test']);
    expect(token).toMatchObject({ id: expect.any(String), username: 'admin', description: 'for the test', value: expect.stringMatching(/^ctok-/) });
    const asToken = { STRATUS_USER: undefined, STRATUS_PASSWORD: undefined, STRATUS_TOKEN: String(token.value) };
    expect(await cli.json(['status'], { env: asToken })).toMatchObject({ status: { status: 'OK' } });
    const list = await cli.json<List>(['tokens', 'list']);
    expect(list.items.find((t) => t.id === token.id)).toMatchObject({ description: 'for the test' });
    expect(list.items.every((t) => !('value' in t))).toBe(true);
    await cli.ok(['tokens', 'delete', String(token.id)]);
    const refused = await cli.run(['status'], { env: asToken });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[unauthorized_error]');
  });

  it('creates, lists, gets and deletes tenants; a tenant the user is not in is refused', async () => {
    await cli.ok(['tenants', 'create', 'team-a']);
    const [list, got] = await Promise.all([cli.json<List>(['tenants', 'list']), cli.json(['tenants', 'get', 'team-a'])]);
    expect(list.items.map((t) => t.name)).toEqual(['default_tenant', 'team-a']);
    expect(got).toMatchObject({ name: 'team-a' });
    expect(await cli.ok(['tenants', 'get', 'team-a'])).toMatch(/^Name:\s+team-a$/m);
    await cli.ok(['tenants', 'delete', 'team-a']);
    const gone = await cli.run(['tenants', 'get', 'team-a']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('[not_found_error]');
  });
});

describe('the REST client under the commands', () => {
  it('pages lists by offset up to the reported total, and raises typed errors', async () => {
    const client = new StratusClient({ manager: `${runtime.restUrl}/`, user: 'admin', password: runtime.admin.password, tenant: 'default_tenant' });
    const keys = ['p1', 'p2', 'p3', 'p4', 'p5'];
    await Promise.all(keys.map((key) => client.request('PUT', `/secrets/${key}`, { json: { value: key } })));
    const all = await client.listAll<{ key: string }>('/secrets', { _sort: 'key', _search: 'p' }, 2);
    expect(all.total).toBe(5);
    expect(all.items.map((s) => s.key)).toEqual(keys);
    const missing = await client.get('/deployments/nope').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, errorCode: 'not_found_error' });
    const badAuth = await new StratusClient({ ...client.credentials, password: 'wrong' }).get('/status').catch((err: unknown) => err);
    expect(badAuth).toMatchObject({ status: 401, errorCode: 'unauthorized_error' });
    const down = await new StratusClient({ ...client.credentials, manager: 'http://127.0.0.1:1' }).get('/status').catch((err: unknown) => err);
    expect(down).toBeInstanceOf(ConnectionError);
    await Promise.all(keys.map((key) => client.request('DELETE', `/secrets/${key}`)));
  });
});
