/**
 * Reads `PUT /blueprints/{id}` (and `/validate`) in the two forms Cloudify clients use:
 * - multipart/form-data with a `params` part (a JSON string) and a `blueprint_archive` part;
 * - the legacy form: the same keys as query parameters and the archive as the raw body (old
 *   clients send it with `Content-Type: application/json`, so the body is never parsed as JSON).
 * The archive may instead come from `blueprint_archive_url` (when the operator allows it) or from a
 * staged upload (`upload_id`, see docs/uploads.md). Giving two sources is `bad_parameters_error`.
 */
import { parseBoolean } from '../api/list/query';
import type { ApiRequest } from '../api/http';
import { isMultipart, MultipartError, parseMultipart } from '../api/multipart';
import { apiError, badParameters, ERROR_CODES, payloadTooLarge } from '../model/errors';
import { isValidId } from '../model/ids';
import { ArchiveError } from './archive';
import { normalizeEntryPath } from './archive/entry-path';
import { detectFormat } from './archive/format';
import { parseLabels } from '../resources/labels';
import type { LabelInput } from '../resources/labels';
import { parseVisibility } from '../resources/visibility';
import type { Visibility } from '../resources/visibility';

/** Largest archive accepted inside the request: Lambda takes 6 MB, base64 makes binary 4/3 bigger. */
export const MAX_INLINE_UPLOAD_BYTES = 4 * 1024 * 1024;
export const DEFAULT_APPLICATION_FILE = 'blueprint.yaml';

export interface BlueprintUploadParams {
  visibility?: Visibility;
  applicationFileName: string;
  asyncUpload: boolean;
  skipExecution: boolean;
  labels: LabelInput[];
  archiveUrl?: string;
  uploadId?: string;
}

export interface BlueprintUploadRequest {
  params: BlueprintUploadParams;
  /** The archive sent in the request, if any. */
  archive?: Buffer;
}

/** Keys Cloudify clients send that Stratus accepts and ignores (snapshot-restore internals). */
const IGNORED_KEYS = new Set(['created_at', 'created_by', 'owner', 'state', 'private_resource', 'plan']);
const KNOWN_KEYS = new Set(['visibility', 'async_upload', 'skip_execution', 'application_file_name', 'labels', 'blueprint_archive_url', 'upload_id']);

export function invalidBlueprint(message: string) {
  return apiError(400, ERROR_CODES.invalidBlueprint, message);
}

export function tooLargeMessage(what: string): string {
  return (
    `The ${what} is larger than ${MAX_INLINE_UPLOAD_BYTES / (1024 * 1024)} MB, the most one API request can carry. ` +
    'Upload large archives in two steps: POST /api/v3.1/uploads to get a presigned upload URL, PUT the archive to that URL, ' +
    'then repeat this request with `upload_id=<the id returned>` instead of the archive (docs/uploads.md).'
  );
}

function applicationFileName(value: unknown): string {
  if (value === undefined || value === null || value === '') return DEFAULT_APPLICATION_FILE;
  if (typeof value !== 'string') throw badParameters('`application_file_name` must be a string');
  let decoded: string;
  try {
    // The Cloudify client URL-quotes it.
    decoded = decodeURIComponent(value);
  } catch {
    throw badParameters(`\`application_file_name\` is not a valid URL-quoted name: ${JSON.stringify(value)}`);
  }
  try {
    const path = normalizeEntryPath(decoded, 512);
    if (path === '') throw new ArchiveError('empty');
    return path;
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    throw badParameters(`\`application_file_name\` must be a relative path inside the archive, got ${JSON.stringify(decoded)}`);
  }
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badParameters(`\`${name}\` must be a string`);
  return value;
}

export function readParams(raw: Record<string, unknown>): BlueprintUploadParams {
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key) && !IGNORED_KEYS.has(key)) throw badParameters(`Unknown blueprint upload parameter \`${key}\``);
  }
  const uploadId = optionalString(raw.upload_id, 'upload_id');
  if (uploadId !== undefined && !isValidId(uploadId)) throw badParameters(`Invalid upload_id ${JSON.stringify(uploadId)}`);
  return {
    visibility: parseVisibility(raw.visibility),
    applicationFileName: applicationFileName(raw.application_file_name),
    asyncUpload: raw.async_upload === undefined || raw.async_upload === null ? false : parseBoolean(raw.async_upload, 'async_upload'),
    skipExecution: raw.skip_execution === undefined || raw.skip_execution === null ? false : parseBoolean(raw.skip_execution, 'skip_execution'),
    labels: parseLabels(raw.labels),
    archiveUrl: optionalString(raw.blueprint_archive_url, 'blueprint_archive_url'),
    uploadId,
  };
}

function paramsFromJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badParameters('The `params` part must be a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badParameters('The `params` part must be a JSON object');
  return value as Record<string, unknown>;
}

async function fromMultipart(request: ApiRequest): Promise<{ raw: Record<string, unknown>; archive?: Buffer }> {
  let parts;
  try {
    parts = await parseMultipart(request.body, request.headers['content-type'] ?? '', { maxParts: 4, maxPartBytes: MAX_INLINE_UPLOAD_BYTES });
  } catch (err) {
    if (err instanceof MultipartError) throw invalidBlueprint(err.message);
    throw err;
  }
  let raw: Record<string, unknown> = {};
  let archive: Buffer | undefined;
  const seen = new Set<string>();
  for (const part of parts) {
    if (seen.has(part.name)) throw invalidBlueprint(`Multipart part \`${part.name}\` appears twice`);
    seen.add(part.name);
    if (part.name === 'params') raw = paramsFromJson(part.data.toString('utf8'));
    else if (part.name === 'blueprint_archive') archive = part.data;
    else throw invalidBlueprint(`Unknown multipart part \`${part.name}\`: expected \`params\` and \`blueprint_archive\``);
  }
  return { raw, archive };
}

/**
 * API Gateway hands text content types (application/json among them) to the function as UTF-8
 * text, so binary bytes sent under them arrive replaced by U+FFFD: say so instead of "bad zip".
 */
function checkNotMangled(request: ApiRequest, archive: Buffer | undefined): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const textual = type.startsWith('text/') || type === 'application/json' || type === 'application/xml' || type === 'application/javascript';
  if (archive && textual && archive.includes(REPLACEMENT) && detectFormat(archive) === 'yaml') {
    throw invalidBlueprint(
      `The archive was sent as text (Content-Type: ${type}) and its binary bytes did not survive; send it as application/octet-stream or as multipart/form-data`,
    );
  }
}

const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

function fromQuery(request: ApiRequest): { raw: Record<string, unknown>; archive?: Buffer } {
  const raw: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(request.query)) {
    if (key.startsWith('_')) continue;
    raw[key] = values[values.length - 1];
  }
  return { raw, archive: request.body.length > 0 ? request.body : undefined };
}

export async function readBlueprintUpload(request: ApiRequest): Promise<BlueprintUploadRequest> {
  if (request.body.length > MAX_INLINE_UPLOAD_BYTES) throw payloadTooLarge(tooLargeMessage('request body'));
  const { raw, archive } = isMultipart(request.headers['content-type']) ? await fromMultipart(request) : fromQuery(request);
  const params = readParams(raw);
  if (!isMultipart(request.headers['content-type'])) checkNotMangled(request, archive);
  const sources = [archive !== undefined && archive.length > 0, params.archiveUrl !== undefined, params.uploadId !== undefined].filter(Boolean).length;
  if (sources > 1) {
    throw badParameters('Give exactly one of `blueprint_archive`, `blueprint_archive_url` and `upload_id`');
  }
  if (sources === 0) {
    throw badParameters('Missing blueprint archive: send a `blueprint_archive` part (or a raw body), `blueprint_archive_url` or `upload_id`');
  }
  return { params, archive: archive && archive.length > 0 ? archive : undefined };
}
