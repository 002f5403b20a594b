/**
 * Sending an archive to the manager: inline in the request when it fits (≤ 4 MB, what one API
 * request may carry), else as a staged upload (`POST /uploads`, then PUT to the presigned URL it
 * answers) named by `upload_id` (docs/uploads.md).
 */
import type { StratusClient } from './client';
import { ApiError, ConnectionError, errorFromReply } from './errors';

export const MAX_INLINE_BYTES = 4 * 1024 * 1024;

interface StagedUpload {
  id: string;
  upload_url: string;
  method?: string;
  headers?: Record<string, string>;
  max_size?: number;
}

/** Stages `bytes` in the manager's storage and returns the upload id. */
export async function stageUpload(client: StratusClient, bytes: Buffer): Promise<string> {
  const staged = await client.request<StagedUpload>('POST', '/uploads', { json: {} });
  if (staged.max_size !== undefined && bytes.length > staged.max_size) {
    throw new ApiError(413, 'payload_too_large_error', `The archive is ${bytes.length} bytes; the manager takes at most ${staged.max_size}`);
  }
  let response: Response;
  try {
    response = await fetch(staged.upload_url, { method: staged.method ?? 'PUT', headers: staged.headers ?? {}, body: bytes });
  } catch (err) {
    throw new ConnectionError(staged.upload_url.split('?')[0], err);
  }
  if (!response.ok) throw errorFromReply(response.status, response.statusText, await response.text());
  return staged.id;
}
