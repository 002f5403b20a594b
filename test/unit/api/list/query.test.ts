import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../../../src/api/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parseBoolean, parseInclude, parseListQuery } from '../../../../src/api/list';

const FIELDS = { fields: ['id', 'created_at', 'blueprint_id', 'state', '@timestamp'], ignoredParams: ['all_sub_deployments'] };

function failure(action: () => unknown): { statusCode: number; errorCode: string; message: string } {
  try {
    action();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('parseListQuery', () => {
  it('applies Cloudify defaults when nothing is given', () => {
    expect(parseListQuery({}, FIELDS)).toEqual({
      include: undefined,
      sort: [],
      size: DEFAULT_PAGE_SIZE,
      offset: 0,
      filters: {},
      ranges: [],
      allTenants: false,
      getAllResults: false,
    });
  });

  it('reads what the CLI sends: _all_tenants=False, _offset, _size, _sort and a long _include', () => {
    const query = parseListQuery(
      { _all_tenants: ['False'], _offset: ['0'], _size: ['1000'], _sort: ['created_at'], _include: ['id,blueprint_id', 'state'] },
      FIELDS,
    );
    expect(query).toMatchObject({ allTenants: false, offset: 0, size: 1000, sort: [{ field: 'created_at', descending: false }], include: ['id', 'blueprint_id', 'state'] });
  });

  it('parses multi-key sorts with - and + prefixes and @ fields, keeping the first of duplicates', () => {
    const query = parseListQuery({ _sort: ['-state', '+id', '@timestamp', 'state'] }, FIELDS);
    expect(query.sort).toEqual([
      { field: 'state', descending: true },
      { field: 'id', descending: false },
      { field: '@timestamp', descending: false },
    ]);
  });

  it('refuses unknown include fields with no_such_include_field_error', () => {
    expect(failure(() => parseListQuery({ _include: ['id,nope'] }, FIELDS))).toMatchObject({ statusCode: 400, errorCode: 'no_such_include_field_error' });
    expect(failure(() => parseInclude({ _include: ['password_hash'] }, ['id']))).toMatchObject({ errorCode: 'no_such_include_field_error' });
  });

  it('refuses bad and unknown sort fields with bad_parameters_error', () => {
    for (const sort of ['nope', '--id', 'id;drop', 'a b', '-']) {
      expect(failure(() => parseListQuery({ _sort: [sort] }, FIELDS))).toMatchObject({ statusCode: 400, errorCode: 'bad_parameters_error' });
    }
  });

  it('refuses negative, fractional, non-numeric and oversized _size/_offset', () => {
    for (const value of ['-1', '1.5', 'ten', '', '1e3', '99999999999999999999']) {
      expect(failure(() => parseListQuery({ _size: [value] }, FIELDS))).toMatchObject({ statusCode: 400, errorCode: 'bad_parameters_error' });
      expect(failure(() => parseListQuery({ _offset: [value] }, FIELDS))).toMatchObject({ statusCode: 400, errorCode: 'bad_parameters_error' });
    }
    expect(failure(() => parseListQuery({ _size: [String(MAX_PAGE_SIZE + 1)] }, FIELDS)).message).toContain('_offset');
    expect(parseListQuery({ _size: ['0'], _offset: ['5000'] }, FIELDS)).toMatchObject({ size: 0, offset: 5000 });
  });

  it('turns other parameters into filters (repeated = OR), ignores declared non-filters, refuses unknown fields', () => {
    const query = parseListQuery({ blueprint_id: ['a', 'b'], state: ['started'], all_sub_deployments: ['True'], _include_system_workflows: ['false'] }, FIELDS);
    expect(query.filters).toEqual({ blueprint_id: ['a', 'b'], state: ['started'] });
    expect(failure(() => parseListQuery({ colour: ['red'] }, FIELDS))).toMatchObject({ statusCode: 400, errorCode: 'bad_parameters_error' });
  });

  it('parses _search, _range (open ends) and booleans', () => {
    const query = parseListQuery({ _search: ['dep'], _range: ['@timestamp,2024-01-01,', 'created_at,,2025'], _get_all_results: ['True'] }, FIELDS);
    expect(query.search).toBe('dep');
    expect(query.ranges).toEqual([{ field: '@timestamp', from: '2024-01-01' }, { field: 'created_at', to: '2025' }]);
    expect(query.getAllResults).toBe(true);
    expect(failure(() => parseListQuery({ _range: ['nope,1,2'] }, FIELDS))).toMatchObject({ errorCode: 'bad_parameters_error' });
    expect(failure(() => parseListQuery({ _range: ['id,1'] }, FIELDS))).toMatchObject({ errorCode: 'bad_parameters_error' });
    expect(failure(() => parseListQuery({ _all_tenants: ['maybe'] }, FIELDS))).toMatchObject({ errorCode: 'bad_parameters_error' });
  });

  it('reads booleans the way Cloudify clients send them', () => {
    for (const value of [true, 'true', 'True', 'TRUE', '1']) expect(parseBoolean(value, 'x')).toBe(true);
    for (const value of [false, 'false', 'False', '0', '']) expect(parseBoolean(value, 'x')).toBe(false);
    for (const value of [null, 3, 'nah', {}]) expect(() => parseBoolean(value, 'x')).toThrow(ApiError);
  });
});
