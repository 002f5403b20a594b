/**
 * Downloads an archive named by `blueprint_archive_url` (or a plugin's URL), only as far as the
 * operator allows (STRATUS_REMOTE_ARCHIVE_URLS): `off` (default) refuses every URL; `public`
 * allows http(s) hosts whose every address is public (no loopback, private, link-local or
 * metadata ranges: the API must not become a proxy into the network it runs in); `any` allows
 * everything (a local manager fetching from the developer's own machine). Redirects are followed
 * by hand, each hop checked again; the size is capped while reading; the whole download has a
 * deadline well inside API Gateway's 30 s.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ApiError } from '../api/errors';
import { badParameters } from '../model/errors';
import { invalidBlueprint } from './upload-request';

export type RemoteUrlPolicy = 'off' | 'public' | 'any';

export interface RemoteFetchOptions {
  policy: RemoteUrlPolicy;
  maxBytes: number;
  timeoutMs: number;
  /** Names the thing in messages (`blueprint archive`, `plugin package`). */
  what: string;
}

const MAX_REDIRECTS = 3;

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

export function parseRemoteUrlPolicy(value: string | undefined): RemoteUrlPolicy {
  return value === 'public' || value === 'any' ? value : 'off';
}

async function checkHost(url: URL, options: RemoteFetchOptions): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badParameters(`Only http and https URLs can be downloaded, got ${url.protocol}`);
  }
  if (options.policy === 'any') return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true }).catch(() => []);
  if (addresses.length === 0) throw invalidBlueprint(`Cannot download the ${options.what}: host ${host} does not resolve`);
  for (const { address, family } of addresses) {
    if (NON_PUBLIC.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
      throw badParameters(`Downloading the ${options.what} from ${host} is not allowed: it resolves to a non-public address`);
    }
  }
}

async function readCapped(response: Response, options: RemoteFetchOptions): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    throw invalidBlueprint(`The ${options.what} at the URL is larger than ${options.maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > options.maxBytes) throw invalidBlueprint(`The ${options.what} at the URL is larger than ${options.maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export async function fetchRemoteArchive(rawUrl: string, options: RemoteFetchOptions): Promise<Buffer> {
  if (options.policy === 'off') {
    throw badParameters(`Uploading a ${options.what} from a URL is disabled on this manager (operators enable it with STRATUS_REMOTE_ARCHIVE_URLS)`);
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw badParameters(`Invalid URL ${JSON.stringify(rawUrl)}`);
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      await checkHost(url, options);
      const response = await fetch(url, { redirect: 'manual', signal });
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        await response.body?.cancel();
        url = new URL(response.headers.get('location')!, url);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw invalidBlueprint(`Cannot download the ${options.what} from ${url.origin}${url.pathname}: HTTP ${response.status}`);
      }
      return await readCapped(response, options);
    }
    throw invalidBlueprint(`Cannot download the ${options.what}: more than ${MAX_REDIRECTS} redirects`);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const { name, message, cause } = err as Error & { cause?: { message?: string } };
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw invalidBlueprint(`Cannot download the ${options.what}: no complete answer within ${options.timeoutMs / 1000} s`);
    }
    // Network failures (refused, reset, DNS, TLS) surface from fetch as "fetch failed" + a cause.
    throw invalidBlueprint(`Cannot download the ${options.what}: ${cause?.message ?? message}`);
  }
}
