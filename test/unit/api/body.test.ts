import { describe, expect, it } from '@jest/globals';
import { MAX_JSON_BODY_BYTES, optionalBoolean, optionalVisibility, readJsonBody } from '../../../src/api/body';
import { ApiError } from '../../../src/api/errors';
import type { ApiRequest } from '../../../src/api/http';

function request(body: string | Buffer, contentType?: string): ApiRequest {
  return {
    method: 'PUT',
    path: '/x',
    query: {},
    headers: contentType ? { 'content-type': contentType } : {},
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    cookies: [],
    params: {},
    requestId: 'r',
  };
}

function failure(action: () => unknown): ApiError {
  try {
    action();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('readJsonBody', () => {
  it('reads a JSON object, with or without a charset', () => {
    expect(readJsonBody(request('{"a":1}', 'application/json'))).toEqual({ a: 1 });
    expect(readJsonBody(request('{"a":1}', 'application/json; charset=utf-8'))).toEqual({ a: 1 });
  });

  it('answers 415 unsupported_content_type_error for a body that is not JSON', () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      expect(failure(() => readJsonBody(request('{"a":1}', type)))).toMatchObject({ statusCode: 415, errorCode: 'unsupported_content_type_error' });
    }
  });

  it('answers 400 bad_parameters_error for malformed JSON and non-objects', () => {
    for (const body of ['{', 'nul', '[1]', '"text"', '42', 'null']) {
      expect(failure(() => readJsonBody(request(body, 'application/json')))).toMatchObject({ statusCode: 400, errorCode: 'bad_parameters_error' });
    }
  });

  it('answers 413 for bodies over the limit, saying how to upload large files', () => {
    const big = Buffer.alloc(MAX_JSON_BODY_BYTES + 1, 0x20);
    const error = failure(() => readJsonBody(request(big, 'application/json')));
    expect(error.statusCode).toBe(413);
    expect(error.message).toContain('multipart');
  });

  it('treats an empty body as {} unless required', () => {
    expect(readJsonBody(request(''))).toEqual({});
    expect(failure(() => readJsonBody(request(''), { required: true }))).toMatchObject({ statusCode: 400 });
  });

  it('reads string booleans and checks visibilities', () => {
    expect(optionalBoolean({ f: 'False' }, 'f')).toBe(false);
    expect(optionalBoolean({}, 'f')).toBeUndefined();
    expect(optionalVisibility('global')).toBe('global');
    expect(failure(() => optionalVisibility('public'))).toMatchObject({ statusCode: 400 });
  });
});
