import { describe, expect, it } from '@jest/globals';
import type { ApiRequest } from '../../../src/api/http';
import { ApiError } from '../../../src/api/errors';
import { MAX_INLINE_UPLOAD_BYTES, readBlueprintUpload } from '../../../src/blueprints/upload-request';

function request(body: Buffer, headers: Record<string, string> = {}, query: Record<string, string[]> = {}): ApiRequest {
  return { method: 'PUT', path: '/api/v3.1/blueprints/bp', query, headers, body, cookies: [], params: { id: 'bp' }, requestId: 'r1' };
}

/** A multipart body as requests_toolbelt's MultipartEncoder writes it. */
function multipart(parts: { name: string; value: string | Buffer; filename?: string }[], boundary = 'b0undary'): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename !== undefined ? '\r\nContent-Type: text/plain' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function error(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

const ARCHIVE = Buffer.from('tosca_definitions_version: cloudify_dsl_1_3\n');

describe('readBlueprintUpload: the multipart form', () => {
  it('reads params and the archive as cfy sends them', async () => {
    const params = JSON.stringify({
      visibility: 'tenant',
      async_upload: true,
      skip_execution: false,
      application_file_name: 'my%20blueprint.yaml',
      labels: [{ key: 'Env', value: 'prod' }, { key: 'tier', value: ['a', 'b'] }],
    });
    const { body, contentType } = multipart([{ name: 'params', value: params }, { name: 'blueprint_archive', value: ARCHIVE, filename: 'filename' }]);
    const upload = await readBlueprintUpload(request(body, { 'content-type': contentType }));
    expect(upload.archive).toEqual(ARCHIVE);
    expect(upload.params).toEqual({
      visibility: 'tenant',
      applicationFileName: 'my blueprint.yaml',
      asyncUpload: true,
      skipExecution: false,
      labels: [
        { key: 'env', value: 'prod' },
        { key: 'tier', value: 'a' },
        { key: 'tier', value: 'b' },
      ],
      archiveUrl: undefined,
      uploadId: undefined,
    });
  });

  it('defaults the main file name to blueprint.yaml', async () => {
    const { body, contentType } = multipart([{ name: 'params', value: '{}' }, { name: 'blueprint_archive', value: ARCHIVE, filename: 'x' }]);
    expect((await readBlueprintUpload(request(body, { 'content-type': contentType }))).params.applicationFileName).toBe('blueprint.yaml');
  });

  it.each([
    ['a truncated body', () => multipart([{ name: 'params', value: '{}' }]).body.subarray(0, 40)],
    ['a missing boundary', () => Buffer.from('garbage')],
  ])('answers invalid_blueprint_error for %s', async (_what, body) => {
    const err = await error(readBlueprintUpload(request(body(), { 'content-type': 'multipart/form-data; boundary=b0undary' })));
    expect([err.statusCode, err.errorCode]).toEqual([400, 'invalid_blueprint_error']);
  });

  it('answers invalid_blueprint_error for a content type without a boundary', async () => {
    const err = await error(readBlueprintUpload(request(Buffer.from('x'), { 'content-type': 'multipart/form-data' })));
    expect(err.errorCode).toBe('invalid_blueprint_error');
  });

  it('refuses unknown and repeated parts', async () => {
    const unknown = multipart([{ name: 'params', value: '{}' }, { name: 'other', value: 'x' }]);
    expect((await error(readBlueprintUpload(request(unknown.body, { 'content-type': unknown.contentType })))).errorCode).toBe('invalid_blueprint_error');
    const twice = multipart([{ name: 'blueprint_archive', value: ARCHIVE, filename: 'a' }, { name: 'blueprint_archive', value: ARCHIVE, filename: 'b' }]);
    expect((await error(readBlueprintUpload(request(twice.body, { 'content-type': twice.contentType })))).message).toMatch(/twice/);
  });

  it.each([
    ['params that are not JSON', 'not json', 'bad_parameters_error'],
    ['params that are a list', '[1]', 'bad_parameters_error'],
    ['an unknown parameter', '{"colour": "red"}', 'bad_parameters_error'],
    ['a bad visibility', '{"visibility": "public"}', 'bad_parameters_error'],
    ['a bad boolean', '{"async_upload": "maybe"}', 'bad_parameters_error'],
    ['a main file outside the archive', '{"application_file_name": "../x.yaml"}', 'bad_parameters_error'],
    ['an absolute main file', '{"application_file_name": "/etc/x.yaml"}', 'bad_parameters_error'],
    ['bad labels', '{"labels": "novalue"}', 'bad_parameters_error'],
    ['a label with a control character', '{"labels": [{"key": "k", "value": "a\\u0001"}]}', 'bad_parameters_error'],
  ])('refuses %s', async (_what, params, code) => {
    const { body, contentType } = multipart([{ name: 'params', value: params }, { name: 'blueprint_archive', value: ARCHIVE, filename: 'f' }]);
    const err = await error(readBlueprintUpload(request(body, { 'content-type': contentType })));
    expect([err.statusCode, err.errorCode]).toEqual([400, code]);
  });

  it('refuses an archive and a URL together, and no archive at all', async () => {
    const both = multipart([{ name: 'params', value: '{"blueprint_archive_url": "https://example.com/a.zip"}' }, { name: 'blueprint_archive', value: ARCHIVE, filename: 'f' }]);
    const err = await error(readBlueprintUpload(request(both.body, { 'content-type': both.contentType })));
    expect([err.statusCode, err.errorCode]).toEqual([400, 'bad_parameters_error']);
    const none = multipart([{ name: 'params', value: '{}' }]);
    expect((await error(readBlueprintUpload(request(none.body, { 'content-type': none.contentType })))).errorCode).toBe('bad_parameters_error');
  });
});

describe('readBlueprintUpload: the legacy form', () => {
  it('takes parameters from the query and the raw body as the archive, whatever its content type', async () => {
    const upload = await readBlueprintUpload(
      request(ARCHIVE, { 'content-type': 'application/json' }, { application_file_name: ['main.yaml'], visibility: ['private'], labels: ['a:1,b:2'] }),
    );
    expect(upload.archive).toEqual(ARCHIVE);
    expect(upload.params).toMatchObject({ applicationFileName: 'main.yaml', visibility: 'private', asyncUpload: false, labels: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
  });

  it('takes a URL without a body', async () => {
    const upload = await readBlueprintUpload(request(Buffer.alloc(0), {}, { blueprint_archive_url: ['https://example.com/bp.zip'] }));
    expect(upload.archive).toBeUndefined();
    expect(upload.params.archiveUrl).toBe('https://example.com/bp.zip');
  });

  it('refuses a URL with a body', async () => {
    const err = await error(readBlueprintUpload(request(ARCHIVE, {}, { blueprint_archive_url: ['https://example.com/bp.zip'] })));
    expect(err.errorCode).toBe('bad_parameters_error');
  });
});

describe('readBlueprintUpload: size', () => {
  it('answers 413 with directions for large archives', async () => {
    const err = await error(readBlueprintUpload(request(Buffer.alloc(MAX_INLINE_UPLOAD_BYTES + 1), {})));
    expect(err.statusCode).toBe(413);
    expect(err.message).toMatch(/POST \/api\/v3\.1\/uploads/);
    expect(err.message).toMatch(/upload_id/);
  });
});
