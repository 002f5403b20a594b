/**
 * The S3 FileStore adapter against fauxqs's S3 (the emulator the local runtime uses).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { S3FileStore } from '../../../adapters/s3/file-store';

let server: Awaited<ReturnType<typeof startFauxqs>>;
let client: S3Client;
let store: S3FileStore;

beforeAll(async () => {
  server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    endpoint: `http://127.0.0.1:${server.port}`,
    forcePathStyle: true,
  });
  await client.send(new CreateBucketCommand({ Bucket: 'files' }));
  store = new S3FileStore(client, 'files');
});

afterAll(async () => {
  client.destroy();
  await server.stop();
});

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('S3FileStore', () => {
  it('puts, gets, streams and heads an object', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await store.put('a/b/bin', bytes, { contentType: 'application/x-test', metadata: { origin: 'unit' } });
    expect(await store.get('a/b/bin')).toEqual(bytes);
    expect(await collect((await store.stream('a/b/bin'))!)).toEqual(bytes);
    const info = await store.head('a/b/bin');
    expect(info).toMatchObject({ key: 'a/b/bin', size: 5, contentType: 'application/x-test', metadata: { origin: 'unit' } });
  });

  it('answers undefined for a missing key and deletes missing keys quietly', async () => {
    expect(await store.get('missing/key')).toBeUndefined();
    expect(await store.stream('missing/key')).toBeUndefined();
    expect(await store.head('missing/key')).toBeUndefined();
    await expect(store.delete('missing/key')).resolves.toBeUndefined();
  });

  it('lists and deletes by prefix, leaving other prefixes alone', async () => {
    for (const key of ['p/x/2', 'p/x/1', 'p/x/sub/3', 'p/y/1']) await store.put(key, key);
    expect((await store.list('p/x/')).map((o) => o.key)).toEqual(['p/x/1', 'p/x/2', 'p/x/sub/3']);
    expect(await store.deletePrefix('p/x/')).toBe(3);
    expect(await store.list('p/x/')).toEqual([]);
    expect((await store.list('p/')).map((o) => o.key)).toEqual(['p/y/1']);
  });

  it('lists past one page of results', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, 'x')));
    const listed = await store.list('many/');
    expect(listed).toHaveLength(1005);
    expect(await store.deletePrefix('many/')).toBe(1005);
  });

  it('issues presigned URLs that upload and download without credentials', async () => {
    const putUrl = await store.presignedPutUrl('staged/obj', { expiresInSeconds: 60, contentType: 'application/octet-stream' });
    const upload = await fetch(putUrl, { method: 'PUT', body: 'hello', headers: { 'content-type': 'application/octet-stream' } });
    expect(upload.status).toBe(200);
    const getUrl = await store.presignedGetUrl('staged/obj', { expiresInSeconds: 60, downloadFileName: 'a.tar.gz' });
    const download = await fetch(getUrl);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('hello');
  });
});
