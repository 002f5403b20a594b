/** The bytes of an uploaded archive, wherever the request said they are. */
import { fetchRemoteArchive } from '../blueprints/remote-archive';
import type { Caller, ResourceContext } from '../resources/context';
import { MAX_STAGED_UPLOAD_BYTES, readStagedUpload } from './staged';

export interface ArchiveSource {
  inline?: Buffer;
  url?: string;
  uploadId?: string;
}

/** Well inside API Gateway's 30 s, leaving time to extract, parse and store. */
const DOWNLOAD_TIMEOUT_MS = 15_000;

export async function readArchiveSource(context: ResourceContext, caller: Caller, source: ArchiveSource, what: string): Promise<Buffer> {
  if (source.inline) return source.inline;
  if (source.uploadId) return readStagedUpload(context, caller, source.uploadId);
  if (source.url) {
    return fetchRemoteArchive(source.url, { policy: context.remoteUrls, maxBytes: MAX_STAGED_UPLOAD_BYTES, timeoutMs: DOWNLOAD_TIMEOUT_MS, what });
  }
  throw new Error('readArchiveSource: no source given');
}
