/**
 * JSON responses that may be large (a blueprint's plan: ~30 MB of JSON for 1,000 node templates).
 * A Lambda response carries at most 6 MB (base64 included), so a large body is gzipped when the
 * client accepts it (python-requests, and so the Cloudify client, always does); a large body for
 * a client that does not is refused with directions rather than failing in the gateway.
 */
import { gzipSync } from 'node:zlib';
import { badParameters } from '../model/errors';
import type { ApiRequest, ApiResponse } from './http';

/** Bodies above this are compressed when the client allows it. */
export const COMPRESS_ABOVE_BYTES = 256 * 1024;
/** The most a response body may be after base64 (6 MB Lambda limit, headroom for headers). */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export function acceptsGzip(request: ApiRequest): boolean {
  return (request.headers['accept-encoding'] ?? '').split(',').some((entry) => {
    const [coding, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export function largeJsonResponse(request: ApiRequest, statusCode: number, value: unknown): ApiResponse {
  const text = JSON.stringify(value);
  if (text.length <= COMPRESS_ABOVE_BYTES) return { statusCode, headers: { 'content-type': 'application/json' }, body: text };
  if (acceptsGzip(request)) {
    const body = gzipSync(text, { level: 1 });
    if (body.length <= MAX_RESPONSE_BYTES) {
      return { statusCode, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', vary: 'accept-encoding' }, body };
    }
  } else if (Buffer.byteLength(text) <= MAX_RESPONSE_BYTES) {
    return { statusCode, headers: { 'content-type': 'application/json' }, body: text };
  }
  throw badParameters(
    `The response would be ${Math.round(text.length / 1e6)} MB, more than one API response can carry: ` +
      'send Accept-Encoding: gzip, or leave large fields out with _include',
  );
}
