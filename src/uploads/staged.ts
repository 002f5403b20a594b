/**
 * Staged uploads: how archives larger than one API request (MAX_INLINE_UPLOAD_BYTES) reach the
 * manager. `POST /api/v3.1/uploads` answers a presigned URL; the client PUTs the bytes straight to
 * S3; then `PUT /blueprints/{id}` or `POST /plugins` names the upload with `upload_id`. The object
 * lives under `staging/<tenant>/<id>`, so one tenant cannot consume another's upload, and it is
 * deleted once used (docs/uploads.md).
 */
import { randomUUID } from 'node:crypto';
import { badParameters, payloadTooLarge } from '../model/errors';
import type { Caller, ResourceContext } from '../resources/context';

/** Largest staged archive: it is extracted in the API function's memory. */
export const MAX_STAGED_UPLOAD_BYTES = 64 * 1024 * 1024;
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

export function stagedKey(tenant: string, uploadId: string): string {
  return `staging/${tenant}/${uploadId}`;
}

export interface StagedUpload {
  id: string;
  upload_url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expires_at: string;
  max_size: number;
}

export async function createStagedUpload(context: ResourceContext, caller: Caller): Promise<StagedUpload> {
  const id = randomUUID();
  const contentType = 'application/octet-stream';
  const url = await context.files.presignedPutUrl(stagedKey(caller.tenant, id), { expiresInSeconds: UPLOAD_URL_TTL_SECONDS, contentType });
  return {
    id,
    upload_url: url,
    method: 'PUT',
    headers: { 'content-type': contentType },
    expires_at: new Date(context.now().getTime() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString(),
    max_size: MAX_STAGED_UPLOAD_BYTES,
  };
}

/** The bytes of a staged upload of the caller's tenant; 400 when there is none. */
export async function readStagedUpload(context: ResourceContext, caller: Caller, uploadId: string): Promise<Buffer> {
  const key = stagedKey(caller.tenant, uploadId);
  const info = await context.files.head(key);
  if (!info) throw badParameters(`No staged upload \`${uploadId}\` in this tenant (it may have expired or been used already)`);
  if (info.size > MAX_STAGED_UPLOAD_BYTES) {
    await context.files.delete(key);
    throw payloadTooLarge(`The staged upload is larger than ${MAX_STAGED_UPLOAD_BYTES / (1024 * 1024)} MB`);
  }
  const bytes = await context.files.get(key);
  if (!bytes) throw badParameters(`No staged upload \`${uploadId}\` in this tenant`);
  return bytes;
}

export async function discardStagedUpload(context: ResourceContext, caller: Caller, uploadId: string): Promise<void> {
  await context.files.delete(stagedKey(caller.tenant, uploadId));
}
