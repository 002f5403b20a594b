/**
 * Errors the REST client raises. A Cloudify-shaped error reply (`{message, error_code}`) becomes an
 * ApiError carrying both, so commands can print them and tests can branch on the code; a manager
 * that cannot be reached becomes a ConnectionError naming the URL.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    const reason = (cause as { cause?: { code?: string; message?: string } })?.cause;
    super(`Cannot reach the manager at ${url}: ${reason?.code ?? reason?.message ?? (cause as Error)?.message ?? String(cause)}`);
    this.name = 'ConnectionError';
  }
}

/** A problem on the user's side found before any request (bad arguments, unreadable files, no profile). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Status codes Cloudify uses when the body holds no error_code (e.g. a gateway's own 5xx). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_parameters_error',
  401: 'unauthorized_error',
  403: 'forbidden_error',
  404: 'not_found_error',
  405: 'method_not_allowed_error',
  409: 'conflict_error',
  413: 'payload_too_large_error',
  415: 'unsupported_content_type_error',
};

/** Builds the ApiError of a non-2xx reply from its raw body. */
export function errorFromReply(status: number, statusText: string, raw: string): ApiError {
  let body: { message?: unknown; error_code?: unknown } = {};
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    // not JSON: fall back to the status line
  }
  const code = typeof body.error_code === 'string' ? body.error_code : (CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_server_error' : `http_${status}`));
  const message = typeof body.message === 'string' && body.message ? body.message : `${status} ${statusText}${raw && !raw.startsWith('{') ? `: ${raw.slice(0, 200)}` : ''}`;
  return new ApiError(status, code, message);
}
