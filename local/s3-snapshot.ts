/**
 * fauxqs keeps S3 objects in memory only, so a persistent local runtime saves every object of its
 * buckets to `<dataDir>/s3/` when it stops and puts them back when it starts. Object keys can be
 * up to 1 KB and hold any character, so files are named by the key's hash and a manifest maps them
 * back. A crash (no clean stop) loses the objects written since the last start.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';

interface ManifestEntry {
  key: string;
  file: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

const MANIFEST = 'manifest.json';

function fileName(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

async function listKeys(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Saves all objects of `buckets` under `dir`, replacing the previous snapshot atomically. */
export async function saveBuckets(client: S3Client, buckets: string[], dir: string): Promise<number> {
  const work = `${dir}.saving`;
  await rm(work, { recursive: true, force: true });
  let count = 0;
  for (const bucket of buckets) {
    const bucketDir = path.join(work, bucket);
    await mkdir(bucketDir, { recursive: true });
    const manifest: ManifestEntry[] = [];
    for (const key of await listKeys(client, bucket)) {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await object.Body?.transformToByteArray();
      const file = fileName(key);
      await writeFile(path.join(bucketDir, file), bytes ?? new Uint8Array());
      manifest.push({ key, file, contentType: object.ContentType, metadata: object.Metadata });
      count++;
    }
    await writeFile(path.join(bucketDir, MANIFEST), JSON.stringify(manifest));
  }
  await rm(dir, { recursive: true, force: true });
  await rename(work, dir);
  return count;
}

/** Puts back the objects saved under `dir` for `buckets`; a missing snapshot restores nothing. */
export async function restoreBuckets(client: S3Client, buckets: string[], dir: string): Promise<number> {
  let count = 0;
  for (const bucket of buckets) {
    let manifest: ManifestEntry[];
    try {
      manifest = JSON.parse(await readFile(path.join(dir, bucket, MANIFEST), 'utf8')) as ManifestEntry[];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const entry of manifest) {
      const body = await readFile(path.join(dir, bucket, entry.file));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: entry.key, Body: body, ContentType: entry.contentType, Metadata: entry.metadata }));
      count++;
    }
  }
  return count;
}
