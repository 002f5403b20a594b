/**
 * Blueprints through real HTTP on the local runtime: both upload forms, the upload states and
 * upload_execution, archive formats, bad archives and bad requests (nothing stored), get/list/
 * delete/archive/visibility/labels/validate, staged uploads, URL uploads as the operator allows.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { tarBz2Of, tarGzOf, tarOf, zipOf } from '../../support/archives/build';
import { blueprintUpload, multipart, RestClient } from '../../support/rest/client';

let runtime: LocalRuntime;
let rest: RestClient;
let s3: S3Client;
let files: Server;
let filesUrl: string;

const MAIN = `tosca_definitions_version: cloudify_dsl_1_4
description: a small web application
imports:
  - cloudify/types/types.yaml
blueprint_labels:
  tier: {values: [web]}
node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties: {ip: 10.0.0.1, agent_config: {install_method: none}}
  app:
    type: cloudify.nodes.WebServer
    interfaces:
      cloudify.interfaces.lifecycle:
        start: scripts/start.sh
    relationships:
      - {type: cloudify.relationships.contained_in, target: vm}
`;
const INVALID = `tosca_definitions_version: cloudify_dsl_1_4
imports: [cloudify/types/types.yaml]
node_templates:
  app: {type: no.such.Type}
`;

const cfyArchive = (main = MAIN, folder = 'demo') =>
  tarGzOf([
    { name: `${folder}/blueprint.yaml`, data: main },
    { name: `${folder}/scripts/start.sh`, data: '#!/bin/sh\necho start\n' },
  ]);

async function storedKeys(prefix = ''): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: runtime.resources.buckets.resources, Prefix: prefix }));
  return (out.Contents ?? []).map((object) => object.Key!);
}

async function blueprintIds(): Promise<string[]> {
  return (await rest.list('/api/v3.1/blueprints?_include=id')).items.map((item) => item.id as string);
}

beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false, remoteArchiveUrls: 'any' });
  rest = new RestClient(runtime);
  s3 = new S3Client({ region: runtime.settings.aws.region, credentials: runtime.settings.aws.credentials, endpoint: runtime.endpoints.s3, forcePathStyle: true });
  const served = await cfyArchive();
  files = createServer((req, res) => (req.url === '/bp.tar.gz' ? res.writeHead(200).end(served) : res.writeHead(404).end()));
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});

afterAll(async () => {
  s3?.destroy();
  await new Promise<void>((resolve) => (files ? files.close(() => resolve()) : resolve()));
  await runtime?.stop();
});

describe('PUT /blueprints/{id}', () => {
  it('uploads the multipart form cfy sends, with the upload execution and labels', async () => {
    const bp = await rest.ok('PUT', '/api/v3.1/blueprints/web', 201, blueprintUpload(await cfyArchive(), { labels: [{ key: 'owner', value: 'ops' }] }));
    expect(bp).toMatchObject({ id: 'web', state: 'uploaded', main_file_name: 'blueprint.yaml', description: 'a small web application', visibility: 'tenant', tenant_name: 'default_tenant', created_by: 'admin', error: null });
    expect((bp.labels as { key: string; value: string }[]).map((l) => `${l.key}=${l.value}`).sort()).toEqual(['owner=ops', 'tier=web']);
    const execution = bp.upload_execution as Record<string, unknown>;
    expect(execution).toMatchObject({ workflow_id: 'upload_blueprint', status: 'terminated', is_system_workflow: true });
    const stored = await rest.ok('GET', `/api/v3.1/executions/${execution.id}`, 200);
    expect(stored).toMatchObject({ workflow_id: 'upload_blueprint', status: 'terminated', status_display: 'completed', blueprint_id: 'web', is_system_workflow: true });
    expect((bp.plan as { nodes: { id: string }[] }).nodes.map((n) => n.id).sort()).toEqual(['app', 'vm']);
    expect(await storedKeys('tenants/default_tenant/blueprints/web/')).toEqual(
      expect.arrayContaining(['tenants/default_tenant/blueprints/web/archive', 'tenants/default_tenant/blueprints/web/resources/blueprint.yaml', 'tenants/default_tenant/blueprints/web/resources/scripts/start.sh']),
    );
  });

  it('uploads the legacy form: query parameters and the raw archive body', async () => {
    const archive = zipOf({ 'main.yaml': MAIN, 'scripts/start.sh': '#!/bin/sh\n' });
    const bp = await rest.ok('PUT', '/api/v3.1/blueprints/legacy?application_file_name=main.yaml&visibility=private', 201, { rawBody: archive, contentType: 'application/octet-stream' });
    expect(bp).toMatchObject({ state: 'uploaded', main_file_name: 'main.yaml', visibility: 'private', private_resource: true });
  });

  it('explains that a binary archive sent as application/json did not survive the gateway', async () => {
    const message = await rest.error('PUT', '/api/v3.1/blueprints/legacy-json', 400, 'invalid_blueprint_error', { rawBody: await cfyArchive(), contentType: 'application/json' });
    expect(message).toMatch(/application\/octet-stream/);
  });

  it.each([
    ['tar', () => tarOf([{ name: 'x/blueprint.yaml', data: MAIN }, { name: 'x/scripts/start.sh', data: '#' }])],
    ['tar.bz2', () => tarBz2Of([{ name: 'x/blueprint.yaml', data: MAIN }, { name: 'x/scripts/start.sh', data: '#' }])],
    ['zip', async () => zipOf({ 'x/blueprint.yaml': MAIN, 'x/scripts/start.sh': '#' })],
  ])('accepts a %s archive', async (format, build) => {
    const id = `fmt-${format.replace('.', '-')}`;
    expect((await rest.ok('PUT', `/api/v3.1/blueprints/${id}`, 201, blueprintUpload(await build()))).state).toBe('uploaded');
  });

  it('accepts a single YAML file', async () => {
    const single = MAIN.replace('start: scripts/start.sh', 'start: {implementation: ""}');
    expect((await rest.ok('PUT', '/api/v3.1/blueprints/single', 201, blueprintUpload(Buffer.from(single)))).state).toBe('uploaded');
  });

  it('answers 409 for a taken id and keeps the first blueprint', async () => {
    await rest.error('PUT', '/api/v3.1/blueprints/web', 409, 'conflict_error', blueprintUpload(await cfyArchive(MAIN.replace('a small web application', 'other'))));
    expect((await rest.ok('GET', '/api/v3.1/blueprints/web', 200)).description).toBe('a small web application');
  });

  it('rejects an invalid blueprint synchronously with nothing stored', async () => {
    const message = await rest.error('PUT', '/api/v3.1/blueprints/bad', 400, 'invalid_blueprint_error', blueprintUpload(await cfyArchive(INVALID)));
    expect(message).toMatch(/no\.such\.Type/);
    expect(await blueprintIds()).not.toContain('bad');
    expect(await storedKeys('tenants/default_tenant/blueprints/bad/')).toEqual([]);
  });

  it('records an invalid async upload as state invalid with the error, then allows a fixed re-upload', async () => {
    const bp = await rest.ok('PUT', '/api/v3.1/blueprints/async-bad', 201, blueprintUpload(await cfyArchive(INVALID), { async_upload: true }));
    expect(bp).toMatchObject({ state: 'invalid' });
    expect(bp.error).toMatch(/no\.such\.Type/);
    expect((bp.upload_execution as Record<string, unknown>).status).toBe('failed');
    const polled = await rest.ok('GET', '/api/v3.1/blueprints/async-bad?_include=state,error,upload_execution', 200);
    expect(Object.keys(polled).sort()).toEqual(['error', 'state', 'upload_execution']);
    expect((await rest.ok('PUT', '/api/v3.1/blueprints/async-bad', 201, blueprintUpload(await cfyArchive(), { async_upload: true }))).state).toBe('uploaded');
  });

  it.each([
    ['a traversal entry', () => tarGzOf([{ name: 'x/blueprint.yaml', data: MAIN }, { name: 'x/../../evil.sh', data: 'x' }])],
    ['an absolute entry', () => tarGzOf([{ name: '/etc/blueprint.yaml', data: MAIN }])],
    ['a link out of the archive', () => tarOf([{ name: 'x/blueprint.yaml', data: MAIN }, { name: 'x/scripts/start.sh', type: 'symlink', linkname: '../../../etc/passwd' }])],
    ['a gzip bomb', async () => gzipSync(Buffer.alloc(64 * 1024 * 1024))],
    ['a zip bomb', async () => zipOf({ 'blueprint.yaml': Buffer.alloc(48 * 1024 * 1024) })],
    ['a truncated archive', async () => (await cfyArchive()).subarray(0, 60)],
    ['binary garbage', async () => Buffer.from([0, 159, 146, 150, 0, 1])],
    ['an archive without the main file', () => tarGzOf([{ name: 'x/other.yaml', data: MAIN }])],
  ])('rejects %s with invalid_blueprint_error and stores nothing', async (_what, build) => {
    const before = await storedKeys();
    await rest.error('PUT', '/api/v3.1/blueprints/hostile', 400, 'invalid_blueprint_error', blueprintUpload(await build()));
    expect(await blueprintIds()).not.toContain('hostile');
    expect(await storedKeys()).toEqual(before);
  });

  it('rejects malformed multipart with invalid_blueprint_error', async () => {
    const { body, contentType } = multipart([{ name: 'params', value: '{}' }, { name: 'blueprint_archive', value: await cfyArchive(), filename: 'f' }]);
    await rest.error('PUT', '/api/v3.1/blueprints/mp', 400, 'invalid_blueprint_error', { rawBody: body.subarray(0, body.length - 30), contentType });
    await rest.error('PUT', '/api/v3.1/blueprints/mp', 400, 'invalid_blueprint_error', { rawBody: body, contentType: 'multipart/form-data' });
    expect(await blueprintIds()).not.toContain('mp');
  });

  it.each([
    ['an archive and a URL together', { blueprint_archive_url: 'http://127.0.0.1:1/x.zip' }],
    ['an unknown parameter', { colour: 'red' }],
    ['a bad visibility', { visibility: 'everyone' }],
    ['a main file outside the archive', { application_file_name: '../x.yaml' }],
  ])('rejects %s with bad_parameters_error', async (_what, params) => {
    await rest.error('PUT', '/api/v3.1/blueprints/params', 400, 'bad_parameters_error', blueprintUpload(await cfyArchive(), params));
  });

  it('rejects bad ids', async () => {
    await rest.error('PUT', '/api/v3.1/blueprints/bad%20id', 400, 'bad_parameters_error', blueprintUpload(await cfyArchive()));
    await rest.error('GET', '/api/v3.1/blueprints/a%23b', 400, 'bad_parameters_error');
  });

  it('answers 413 for bodies over the limit, saying how to upload large archives', async () => {
    const message = await rest.error('PUT', '/api/v3.1/blueprints/huge', 413, 'payload_too_large_error', blueprintUpload(Buffer.alloc(4 * 1024 * 1024 + 10, 1)));
    expect(message).toMatch(/\/api\/v3\.1\/uploads/);
  });

  it('uploads a large archive through a staged upload', async () => {
    const staged = await rest.ok('POST', '/api/v3.1/uploads', 201);
    expect(staged).toMatchObject({ method: 'PUT', max_size: expect.any(Number) });
    const put = await fetch(staged.upload_url as string, { method: 'PUT', body: await cfyArchive(), headers: staged.headers as Record<string, string> });
    expect(put.status).toBe(200);
    const bp = await rest.ok('PUT', `/api/v3.1/blueprints/staged?upload_id=${staged.id}`, 201, { rawBody: '' });
    expect(bp.state).toBe('uploaded');
    // Used once: the staged object is gone, and another tenant could never have named it.
    await rest.error('PUT', `/api/v3.1/blueprints/staged2?upload_id=${staged.id}`, 400, 'bad_parameters_error', { rawBody: '' });
  });

  it('downloads archives from a URL when the operator allows it', async () => {
    const bp = await rest.ok('PUT', `/api/v3.1/blueprints/from-url?blueprint_archive_url=${encodeURIComponent(`${filesUrl}/bp.tar.gz`)}`, 201, { rawBody: '' });
    expect(bp.state).toBe('uploaded');
    await rest.error('PUT', `/api/v3.1/blueprints/from-url-404?blueprint_archive_url=${encodeURIComponent(`${filesUrl}/missing`)}`, 400, 'invalid_blueprint_error', { rawBody: '' });
  });
});

describe('reading, changing and deleting blueprints', () => {
  it('lists with totals, include, sort and search', async () => {
    const all = await rest.list('/api/v3.1/blueprints?_sort=-id&_include=id,state&_size=2&_offset=0');
    expect(all.metadata.pagination).toMatchObject({ size: 2, offset: 0 });
    expect(all.metadata.pagination.total).toBeGreaterThanOrEqual(6);
    expect(all.items).toHaveLength(2);
    expect(Object.keys(all.items[0]).sort()).toEqual(['id', 'state']);
    const found = await rest.list('/api/v3.1/blueprints?_search=fmt&_include=id');
    expect(found.items.map((i) => i.id).sort()).toEqual(['fmt-tar', 'fmt-tar-bz2', 'fmt-zip']);
    await rest.error('GET', '/api/v3.1/blueprints?_include=nope', 400, 'no_such_include_field_error');
    await rest.error('GET', '/api/v3.1/blueprints?_sort=nope', 400, 'bad_parameters_error');
  });

  it('answers 404 for a missing blueprint', async () => {
    await rest.error('GET', '/api/v3.1/blueprints/missing', 404, 'not_found_error');
    await rest.error('DELETE', '/api/v3.1/blueprints/missing', 404, 'not_found_error');
  });

  it('downloads the archive as uploaded', async () => {
    const reply = await rest.call('GET', '/api/v3.1/blueprints/fmt-zip/archive');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/octet-stream');
    expect(reply.raw.subarray(0, 2).toString()).toBe('PK');
  });

  it('widens visibility and refuses to narrow it', async () => {
    const bp = await rest.ok('PATCH', '/api/v3.1/blueprints/fmt-tar/set-visibility', 200, { body: { visibility: 'global' } });
    expect(bp.visibility).toBe('global');
    await rest.error('PATCH', '/api/v3.1/blueprints/fmt-tar/set-visibility', 400, 'bad_parameters_error', { body: { visibility: 'tenant' } });
    await rest.error('PATCH', '/api/v3.1/blueprints/fmt-tar/set-visibility', 400, 'bad_parameters_error', { body: { visibility: 'bogus' } });
  });

  it('replaces labels', async () => {
    const bp = await rest.ok('PATCH', '/api/v3.1/blueprints/fmt-zip', 200, { body: { labels: [{ env: 'prod' }, { env: 'eu' }] } });
    expect((bp.labels as { key: string; value: string }[]).map((l) => `${l.key}=${l.value}`).sort()).toEqual(['env=eu', 'env=prod']);
    await rest.error('PATCH', '/api/v3.1/blueprints/fmt-zip', 400, 'bad_parameters_error', { body: { labels: 'x' } });
    await rest.error('PATCH', '/api/v3.1/blueprints/fmt-zip', 400, 'bad_parameters_error', { body: { description: 'x' } });
    await rest.error('PATCH', '/api/v3.1/blueprints/fmt-zip', 415, 'unsupported_content_type_error', { rawBody: '{}', contentType: 'text/plain' });
  });

  it('validates without storing', async () => {
    expect((await rest.call('PUT', '/api/v3.1/blueprints/val/validate', blueprintUpload(await cfyArchive()))).status).toBe(204);
    await rest.error('PUT', '/api/v3.1/blueprints/val/validate', 400, 'invalid_blueprint_error', blueprintUpload(await cfyArchive(INVALID)));
    expect(await blueprintIds()).not.toContain('val');
  });

  it('refuses to delete a blueprint a deployment uses, unless forced', async () => {
    await rest.ok('PUT', '/api/v3.1/deployments/uses-single', 201, { body: { blueprint_id: 'single' } });
    await rest.error('DELETE', '/api/v3.1/blueprints/single', 405, 'blueprint_in_use');
    expect((await rest.call('DELETE', '/api/v3.1/blueprints/single?force=true')).status).toBe(204);
    await rest.error('GET', '/api/v3.1/blueprints/single', 404, 'not_found_error');
  });

  it('deletes a blueprint and its files', async () => {
    expect((await rest.call('DELETE', '/api/v3.1/blueprints/fmt-tar-bz2?force=False')).status).toBe(204);
    expect(await storedKeys('tenants/default_tenant/blueprints/fmt-tar-bz2/')).toEqual([]);
    await rest.error('GET', '/api/v3.1/blueprints/fmt-tar-bz2', 404, 'not_found_error');
  });
});
