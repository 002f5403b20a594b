/**
 * `stratus.ops.http_request`: one HTTP call made by the manager.
 *
 * Inputs: `url` (http/https, required), `method` (GET), `headers` (dict), `body` (a string is sent
 * as is, anything else as JSON), `expected_status` (a code or a list; default any 2xx),
 * `timeout` (seconds, default 30), `save` (`{runtime_property: response_path}`: `status`,
 * `body` (text), `json.a.b` (a field of the JSON body), `headers.name`).
 * A network error or a 5xx/429 is recoverable (retried); an unexpected status otherwise is not.
 */
import type { Dict, Value } from '../dsl';
import type { OperationFunction } from './context';
import { NonRecoverableError, RecoverableError } from './context';

function expectedStatuses(value: unknown): (status: number) => boolean {
  if (value === undefined || value === null) return (status) => status >= 200 && status < 300;
  const list = Array.isArray(value) ? value : [value];
  const codes = list.map((code) => Number(code));
  if (codes.some((code) => !Number.isInteger(code))) throw new NonRecoverableError(`expected_status must be a status code or a list of them, got ${JSON.stringify(value)}`);
  return (status) => codes.includes(status);
}

function pick(root: unknown, path: string[]): Value {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return null;
    current = Array.isArray(current) ? current[Number(key)] : (current as Record<string, unknown>)[key];
  }
  return (current ?? null) as Value;
}

export const httpRequest: OperationFunction = async (ctx) => {
  const { url, method = 'GET', headers = {}, body, expected_status: expected, timeout = 30, save = {} } = ctx.inputs as Dict;
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new NonRecoverableError(`Input url of ${ctx.name} must be an http(s) URL, got ${JSON.stringify(url)}`);
  if (typeof method !== 'string') throw new NonRecoverableError('Input method must be a string');
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) throw new NonRecoverableError('Input headers must be a dict');
  if (typeof save !== 'object' || save === null || Array.isArray(save)) throw new NonRecoverableError('Input save must be a dict of runtime property → response path');
  const accept = expectedStatuses(expected);
  const sendHeaders: Record<string, string> = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
  let payload: string | undefined;
  if (body !== undefined && body !== null) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (typeof body !== 'string' && !Object.keys(sendHeaders).some((k) => k.toLowerCase() === 'content-type')) sendHeaders['content-type'] = 'application/json';
  }
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(Number(timeout) * 1000)]);
  let response: Response;
  try {
    response = await fetch(url, { method: method.toUpperCase(), headers: sendHeaders, body: payload, signal, redirect: 'follow' });
  } catch (err) {
    throw new RecoverableError(`${method.toUpperCase()} ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await response.text();
  ctx.logger.info(`${method.toUpperCase()} ${url} → ${response.status}`);
  if (!accept(response.status)) {
    const message = `${method.toUpperCase()} ${url} answered ${response.status}, not the expected status: ${text.slice(0, 200)}`;
    if (response.status >= 500 || response.status === 429) throw new RecoverableError(message);
    throw new NonRecoverableError(message);
  }
  let json: unknown;
  const properties: Dict = {};
  for (const [property, path] of Object.entries(save as Dict)) {
    if (typeof path !== 'string') throw new NonRecoverableError(`save.${property} must be a response path string`);
    const [head, ...rest] = path.split('.');
    if (head === 'status') properties[property] = response.status;
    else if (head === 'body') properties[property] = text;
    else if (head === 'headers') properties[property] = response.headers.get(rest.join('.'));
    else if (head === 'json') {
      try {
        json ??= JSON.parse(text);
      } catch {
        throw new NonRecoverableError(`${url} did not answer JSON, so ${path} cannot be saved`);
      }
      properties[property] = pick(json, rest);
    } else throw new NonRecoverableError(`Unknown response path ${path}: use status, body, headers.<name> or json.<path>`);
  }
  if (Object.keys(properties).length > 0) await ctx.setRuntimeProperties(properties);
  return { status: response.status };
};
