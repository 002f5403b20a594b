/**
 * The CLI as a real process against a local runtime: profiles (file and folder permissions,
 * environment overrides, the local default), `status`, and `blueprints upload|list|get|download|delete`
 * with their --json shapes and error exits.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LocalRuntime } from '../../../local/runtime';
import { tarGzOf } from '../../support/archives/build';
import { startTestRuntime } from '../../support/local-runtime';
import { Cli, HELLO, INVALID } from './cli-process';

let runtime: LocalRuntime;
let cli: Cli;
let work: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  cli = new Cli(runtime);
  work = mkdtempSync(path.join(tmpdir(), 'stratus-cli-bp-'));
  mkdirSync(path.join(work, 'hello/scripts'), { recursive: true });
  writeFileSync(path.join(work, 'hello/blueprint.yaml'), HELLO);
  writeFileSync(path.join(work, 'hello/other.yaml'), HELLO);
  writeFileSync(path.join(work, 'hello/scripts/start.sh'), '#!/bin/sh\necho hi\n');
  mkdirSync(path.join(work, 'bad'));
  writeFileSync(path.join(work, 'bad/blueprint.yaml'), INVALID);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('profiles', () => {
  it('stores profiles in a 0600 file inside a 0700 folder, and lists, uses, shows and deletes them', async () => {
    const noEnv = { STRATUS_MANAGER: undefined, STRATUS_USER: undefined, STRATUS_PASSWORD: undefined };
    const own = new Cli();
    await own.ok(['profiles', 'add', 'one', '--manager', 'http://10.1.2.3:8080/', '--user', 'bob', '--password', 'pw1'], { env: noEnv });
    await own.ok(['profiles', 'add', 'two', '--manager', 'https://m.example.com', '--token', 'ctok-abc-secretpart', '--tenant', 'team'], { env: noEnv });
    const file = path.join(own.home, '.config/stratus/profiles.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toEqual({
      current: 'one',
      profiles: { one: { manager: 'http://10.1.2.3:8080', user: 'bob', password: 'pw1', tenant: 'default_tenant' }, two: { manager: 'https://m.example.com', token: 'ctok-abc-secretpart', tenant: 'team' } },
    });

    const list = await own.json<{ current: string; profiles: Record<string, unknown>[] }>(['profiles', 'list'], { env: noEnv });
    expect(list.current).toBe('one');
    expect(list.profiles.map((p) => [p.name, p.current, p.password, p.token])).toEqual([
      ['one', true, '********', null],
      ['two', false, null, 'ctok-********'],
    ]);
    expect(await own.ok(['profiles', 'list'], { env: noEnv })).toMatch(/^\*\s+one\s+http:\/\/10\.1\.2\.3:8080\s+bob\s+default_tenant$/m);

    await own.ok(['profiles', 'use', 'two'], { env: noEnv });
    const shown = await own.json(['profiles', 'show'], { env: noEnv });
    expect(shown).toMatchObject({ name: 'two', manager: 'https://m.example.com', token: 'ctok-********', tenant: 'team', built_in: false });
    expect(JSON.stringify(shown)).not.toContain('secretpart');
    // Environment variables override the profile's fields.
    const overridden = await own.json(['profiles', 'show'], { env: { ...noEnv, STRATUS_MANAGER: 'http://127.0.0.1:9', STRATUS_TENANT: 'other', STRATUS_USER: 'carol', STRATUS_PASSWORD: 'x' } });
    expect(overridden).toMatchObject({ manager: 'http://127.0.0.1:9', tenant: 'other', user: 'carol', password: '********', token: null });
    // --profile picks another profile for one command.
    expect(await own.json(['profiles', 'show', '--profile', 'one'], { env: noEnv })).toMatchObject({ name: 'one', user: 'bob' });

    await own.ok(['profiles', 'delete', 'two'], { env: noEnv });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ profiles: { one: stored.profiles.one } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const missing = await own.run(['profiles', 'use', 'nope'], { env: noEnv });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No profile named "nope"');
  });

  it('refuses a profile without credentials, with both kinds, or with a bad URL (exit 2)', async () => {
    const own = new Cli();
    for (const args of [
      ['--manager', 'http://h:1'],
      ['--manager', 'http://h:1', '--user', 'u', '--token', 't'],
      ['--manager', 'ftp://h', '--user', 'u'],
      ['--manager', 'not a url', '--user', 'u'],
    ]) {
      const result = await own.run(['profiles', 'add', 'p', ...args]);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(/Error/);
    }
    expect(await own.run(['profiles', 'add', 'p'])).toMatchObject({ code: 2 });
  });

  it('uses a profile added for the test runtime, and a token profile', async () => {
    const own = new Cli();
    await own.ok(['profiles', 'add', 'rt', '--manager', runtime.restUrl, '--user', 'admin', '--password', runtime.admin.password]);
    const status = await own.json<{ status: { status: string } }>(['status']);
    expect(status.status.status).toBe('OK');
    const token = await own.json<{ value: string }>(['tokens', 'create', '--description', 'cli test']);
    expect(token.value).toMatch(/^ctok-/);
    await own.ok(['profiles', 'add', 'tok', '--manager', runtime.restUrl, '--token', token.value, '--use']);
    expect((await own.json<{ status: { status: string } }>(['status'])).status.status).toBe('OK');
  });

  it("defaults to the local manager as admin with the local runtime's password file", async () => {
    const own = new Cli();
    const project = mkdtempSync(path.join(tmpdir(), 'stratus-cli-proj-'));
    mkdirSync(path.join(project, '.stratus'));
    writeFileSync(path.join(project, '.stratus/admin-password'), `${runtime.admin.password}\n`);
    const env = { STRATUS_MANAGER: runtime.restUrl, STRATUS_USER: undefined, STRATUS_PASSWORD: undefined };
    const shown = await own.json(['profiles', 'show'], { env, cwd: project });
    expect(shown).toMatchObject({ name: 'local', built_in: true, user: 'admin', password: '********', tenant: 'default_tenant' });
    expect((await own.json<{ status: { status: string } }>(['status'], { env, cwd: project })).status.status).toBe('OK');
    // Without the file there is no password, and the manager says so.
    const refused = await own.run(['status'], { env, cwd: own.home });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[unauthorized_error]');
  });
});

describe('status', () => {
  it('prints the status and version, as a table and as JSON', async () => {
    const text = await cli.ok(['status']);
    expect(text).toMatch(/^Manager:\s+http:\/\/127\.0\.0\.1:\d+$/m);
    expect(text).toMatch(/^Status:\s+OK$/m);
    expect(text).toMatch(/^SERVICE\s+STATUS$/m);
    const json = await cli.json<{ status: { status: string; services: Record<string, unknown> }; version: Record<string, unknown> }>(['status']);
    expect(json.status.status).toBe('OK');
    expect(Object.keys(json.status.services).length).toBeGreaterThan(0);
    expect(json.version).toEqual(expect.objectContaining({ version: expect.any(String), edition: expect.any(String) }));
  });

  it('exits 1 with the server message and error_code on bad credentials, and when the manager is unreachable', async () => {
    const bad = await cli.run(['status'], { env: { STRATUS_PASSWORD: 'wrong' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error \[unauthorized_error\]: \S/m);
    const badJson = await cli.run(['status', '--json'], { env: { STRATUS_PASSWORD: 'wrong' } });
    expect(badJson.code).toBe(1);
    expect(JSON.parse(badJson.stdout)).toEqual({ error_code: 'unauthorized_error', message: expect.any(String) });
    const badTenant = await cli.run(['status'], { env: { STRATUS_TENANT: 'no_such_tenant' } });
    expect(badTenant.code).toBe(1);
    expect(badTenant.stderr).toContain('[forbidden_error]');
    const down = await cli.run(['status'], { env: { STRATUS_MANAGER: 'http://127.0.0.1:1' } });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cannot reach the manager at http://127.0.0.1:1');
  });
});

describe('blueprints', () => {
  it('uploads a folder as a tar.gz with one top-level folder, lists, gets, downloads and deletes it', async () => {
    expect(await cli.ok(['blueprints', 'upload', path.join(work, 'hello'), '-b', 'hello'])).toContain('Blueprint hello uploaded');
    const list = await cli.json<{ items: Record<string, unknown>[]; metadata: { pagination: { total: number } } }>(['blueprints', 'list']);
    expect(list.metadata.pagination.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id: 'hello', state: 'uploaded', main_file_name: 'blueprint.yaml', tenant_name: 'default_tenant', visibility: 'tenant' });
    const text = await cli.ok(['blueprints', 'list']);
    expect(text).toMatch(/^ID\s+DESCRIPTION\s+MAIN_FILE_NAME\s+STATE\s+CREATED_AT/m);
    expect(text).toMatch(/^hello\s+blueprint\.yaml\s+uploaded\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/m);

    const got = await cli.json<Record<string, unknown>>(['blueprints', 'get', 'hello']);
    expect(got).toMatchObject({ id: 'hello', state: 'uploaded' });
    expect((got.plan as { nodes: unknown[] }).nodes).toHaveLength(2);
    expect(await cli.ok(['blueprints', 'get', 'hello'])).toMatch(/^Deployments:\s+-$/m);

    const out = path.join(work, 'downloaded.tar.gz');
    expect(await cli.ok(['blueprints', 'download', 'hello', '-o', out])).toContain(`downloaded to ${out}`);
    const names = execFileSync('tar', ['tzf', out], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(names).toEqual(['hello/blueprint.yaml', 'hello/other.yaml', 'hello/scripts/start.sh']);

    expect(await cli.ok(['blueprints', 'delete', 'hello'])).toContain('Blueprint hello deleted');
    expect((await cli.json<{ items: unknown[] }>(['blueprints', 'list'])).items).toEqual([]);
  });

  it('uploads a YAML file (its folder, that file as main), and an archive as it is', async () => {
    await cli.ok(['blueprints', 'upload', path.join(work, 'hello/other.yaml')]);
    expect(await cli.json(['blueprints', 'get', 'hello'])).toMatchObject({ id: 'hello', main_file_name: 'other.yaml' });
    const archive = path.join(work, 'packed.tar.gz');
    writeFileSync(archive, await tarGzOf([{ name: 'main.yaml', data: HELLO }]));
    const uploaded = await cli.json<Record<string, unknown>>(['blueprints', 'upload', archive, '-n', 'main.yaml', '--labels', 'env:test']);
    expect(uploaded).toMatchObject({ id: 'packed', state: 'uploaded', main_file_name: 'main.yaml' });
    expect(uploaded.labels).toEqual([expect.objectContaining({ key: 'env', value: 'test' })]);
    await cli.ok(['blueprints', 'delete', 'hello']);
    await cli.ok(['blueprints', 'delete', 'packed']);
  });

  it('prints times in local time', async () => {
    await cli.ok(['blueprints', 'upload', path.join(work, 'hello'), '-b', 'tz']);
    const created = new Date(String((await cli.json(['blueprints', 'get', 'tz'])).created_at));
    const kolkata = new Date(created.getTime() + 5.5 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const utc = created.toISOString().slice(0, 19).replace('T', ' ');
    expect(await cli.ok(['blueprints', 'get', 'tz'], { env: { TZ: 'Asia/Kolkata' } })).toMatch(new RegExp(`^Created:\\s+${kolkata}$`, 'm'));
    expect(await cli.ok(['blueprints', 'get', 'tz'], { env: { TZ: 'UTC' } })).toMatch(new RegExp(`^Created:\\s+${utc}$`, 'm'));
    await cli.ok(['blueprints', 'delete', 'tz']);
  });

  it('exits 1 with the error code for an invalid blueprint, an unknown one and a duplicate id; 2 for a missing main file', async () => {
    const invalid = await cli.run(['blueprints', 'upload', path.join(work, 'bad')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/Error \[invalid_blueprint_error\]: .*no\.such\.Type/);
    const invalidJson = await cli.run(['blueprints', 'upload', path.join(work, 'bad'), '--json']);
    expect(JSON.parse(invalidJson.stdout)).toEqual({ error_code: 'invalid_blueprint_error', message: expect.stringContaining('no.such.Type') });
    // Nothing was left behind.
    expect((await cli.json<{ items: unknown[] }>(['blueprints', 'list'])).items).toEqual([]);

    const unknown = await cli.run(['blueprints', 'get', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('[not_found_error]');

    await cli.ok(['blueprints', 'upload', path.join(work, 'hello'), '-b', 'dup']);
    const duplicate = await cli.run(['blueprints', 'upload', path.join(work, 'hello'), '-b', 'dup']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('[conflict_error]');
    await cli.ok(['blueprints', 'delete', 'dup']);

    const noMain = await cli.run(['blueprints', 'upload', path.join(work, 'hello'), '-n', 'absent.yaml']);
    expect(noMain.code).toBe(2);
    expect(noMain.stderr).toContain('absent.yaml does not exist');
  });
});
