/**
 * File downloads (blueprint archives, plugin packages): the bytes in the response when they fit
 * one Lambda response, else a redirect to a short-lived presigned URL of the object (clients
 * following redirects, as python-requests does for GET, fetch it from S3 directly).
 */
import type { ResourceContext } from '../resources/context';
import type { ApiResponse } from './http';

/** Raw bytes above this do not fit a Lambda response once base64-encoded. */
export const MAX_INLINE_DOWNLOAD_BYTES = 4 * 1024 * 1024;
const DOWNLOAD_URL_TTL_SECONDS = 300;

function disposition(fileName: string): string {
  return `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`;
}

export async function downloadResponse(context: ResourceContext, key: string, fileName: string, size: number): Promise<ApiResponse> {
  if (size > MAX_INLINE_DOWNLOAD_BYTES) {
    const url = await context.files.presignedGetUrl(key, { expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS, downloadFileName: fileName });
    return { statusCode: 302, headers: { location: url, 'cache-control': 'no-store' } };
  }
  const bytes = await context.files.get(key);
  if (!bytes) throw new Error(`Stored file ${key} is missing`);
  return { statusCode: 200, headers: { 'content-type': 'application/octet-stream', 'content-disposition': disposition(fileName) }, body: bytes };
}
