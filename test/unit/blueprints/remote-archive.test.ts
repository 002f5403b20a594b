import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../../../src/api/errors';
import { fetchRemoteArchive } from '../../../src/blueprints/remote-archive';
import type { RemoteFetchOptions } from '../../../src/blueprints/remote-archive';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/bp.tar.gz') return res.writeHead(200, { 'content-type': 'application/gzip' }).end('archive-bytes');
    if (req.url === '/big') return res.writeHead(200).end(Buffer.alloc(2048));
    if (req.url === '/redirect') return res.writeHead(302, { location: '/bp.tar.gz' }).end();
    if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const any: RemoteFetchOptions = { policy: 'any', maxBytes: 1024, timeoutMs: 5000, what: 'blueprint archive' };

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('fetchRemoteArchive', () => {
  it('downloads, following redirects', async () => {
    expect((await fetchRemoteArchive(`${base}/bp.tar.gz`, any)).toString()).toBe('archive-bytes');
    expect((await fetchRemoteArchive(`${base}/redirect`, any)).toString()).toBe('archive-bytes');
  });

  it('is off unless the operator allows it', async () => {
    const err = await failure(fetchRemoteArchive(`${base}/bp.tar.gz`, { ...any, policy: 'off' }));
    expect([err.statusCode, err.errorCode]).toEqual([400, 'bad_parameters_error']);
    expect(err.message).toMatch(/disabled/);
  });

  it('refuses loopback and private hosts under the public policy', async () => {
    for (const url of [`${base}/bp.tar.gz`, 'http://10.1.2.3/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x', 'http://localhost/x']) {
      const err = await failure(fetchRemoteArchive(url, { ...any, policy: 'public' }));
      expect(err.errorCode).toBe('bad_parameters_error');
      expect(err.message).toMatch(/non-public/);
    }
  });

  it('refuses other schemes and bad URLs', async () => {
    expect((await failure(fetchRemoteArchive('file:///etc/passwd', any))).errorCode).toBe('bad_parameters_error');
    expect((await failure(fetchRemoteArchive('not a url', any))).errorCode).toBe('bad_parameters_error');
  });

  it('fails cleanly on errors, size, redirect loops and dead hosts', async () => {
    expect((await failure(fetchRemoteArchive(`${base}/missing`, any))).message).toMatch(/HTTP 404/);
    expect((await failure(fetchRemoteArchive(`${base}/big`, any))).message).toMatch(/larger than 1024/);
    expect((await failure(fetchRemoteArchive(`${base}/loop`, any))).message).toMatch(/redirects/);
    const dead = await failure(fetchRemoteArchive('http://127.0.0.1:1/x', any));
    expect(dead.errorCode).toBe('invalid_blueprint_error');
  });
});
