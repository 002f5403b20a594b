import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { ArchiveError, DEFAULT_ARCHIVE_LIMITS, extractArchive } from '../../../../src/blueprints/archive';
import type { ArchiveLimits } from '../../../../src/blueprints/archive';
import { bzip2, tarBz2Of, tarGzOf, tarOf, zipOf } from '../../../support/archives/build';
import type { TestEntry } from '../../../support/archives/build';

const YAML = 'tosca_definitions_version: cloudify_dsl_1_3\n';
const extract = (bytes: Buffer, limits?: ArchiveLimits) => extractArchive(bytes, { singleFileName: 'blueprint.yaml', limits });
const names = async (bytes: Buffer) => [...(await extract(bytes)).files.keys()].sort();

async function rejects(bytes: Buffer | Promise<Buffer>, message: RegExp, limits?: ArchiveLimits): Promise<void> {
  const promise = extract(await bytes, limits);
  await expect(promise).rejects.toThrow(ArchiveError);
  await expect(promise).rejects.toThrow(message);
}

const cfyLayout: TestEntry[] = [
  { name: 'demo/', type: 'directory' },
  { name: 'demo/blueprint.yaml', data: YAML },
  { name: 'demo/scripts/start.sh', data: '#!/bin/sh\n' },
];

describe('extractArchive: formats and layout', () => {
  it.each([
    ['tar', () => tarOf(cfyLayout)],
    ['tar.gz', () => tarGzOf(cfyLayout)],
    ['tar.bz2', () => tarBz2Of(cfyLayout)],
    ['zip', async () => zipOf({ 'demo/blueprint.yaml': YAML, 'demo/scripts/start.sh': '#!/bin/sh\n' })],
  ])('reads %s and strips the single top-level folder cfy sends', async (format, build) => {
    const result = await extract(await build());
    expect(result.format).toBe(format);
    expect([...result.files.keys()].sort()).toEqual(['blueprint.yaml', 'scripts/start.sh']);
    expect(result.files.get('blueprint.yaml')!.toString()).toBe(YAML);
  });

  it('keeps files at the root when there is no single top-level folder', async () => {
    expect(await names(await tarGzOf([{ name: 'main.yaml', data: YAML }, { name: 'lib/types.yaml', data: YAML }]))).toEqual(['lib/types.yaml', 'main.yaml']);
  });

  it('does not strip a single folder when a file sits beside it', async () => {
    expect(await names(zipOf({ 'a.yaml': YAML, 'dir/b.yaml': YAML }))).toEqual(['a.yaml', 'dir/b.yaml']);
  });

  it('drops macOS __MACOSX folders before deciding the layout', async () => {
    expect(await names(zipOf({ 'bp/blueprint.yaml': YAML, '__MACOSX/bp/._blueprint.yaml': 'x' }))).toEqual(['blueprint.yaml']);
  });

  it('accepts a single YAML file under the given name', async () => {
    const result = await extract(Buffer.from(YAML));
    expect(result.format).toBe('yaml');
    expect([...result.files.keys()]).toEqual(['blueprint.yaml']);
  });

  it('normalizes ./ prefixes and repeated slashes', async () => {
    expect(await names(await tarOf([{ name: './x//y/./z.yaml', data: YAML }, { name: './x/top.yaml', data: YAML }]))).toEqual(['y/z.yaml', 'top.yaml'].sort());
  });
});

describe('extractArchive: unsafe entries', () => {
  it.each(['../evil.yaml', 'a/../../evil.yaml', '/etc/passwd', 'C:/windows/evil', '..\\evil.yaml'])('rejects the tar entry %s', async (name) => {
    await rejects(tarGzOf([{ name: 'ok/blueprint.yaml', data: YAML }, { name, data: 'x' }]), /absolute|leaves the archive/);
  });

  it.each(['../evil.yaml', 'a/../../evil.yaml', '/abs.yaml'])('rejects the zip entry %s', async (name) => {
    await rejects(zipOf({ 'blueprint.yaml': YAML, [name]: 'x' }), /zip|absolute|leaves/i);
  });

  it('resolves a symlink to a file inside the archive', async () => {
    const result = await extract(await tarOf([
      { name: 'bp/blueprint.yaml', data: YAML },
      { name: 'bp/alias.yaml', type: 'symlink', linkname: 'blueprint.yaml' },
      { name: 'bp/sub/up.yaml', type: 'symlink', linkname: '../blueprint.yaml' },
    ]));
    expect(result.files.get('alias.yaml')!.toString()).toBe(YAML);
    expect(result.files.get('sub/up.yaml')!.toString()).toBe(YAML);
  });

  it('resolves a hard link to an earlier entry', async () => {
    const result = await extract(await tarOf([{ name: 'bp/a.yaml', data: YAML }, { name: 'bp/b.yaml', type: 'link', linkname: 'bp/a.yaml' }]));
    expect(result.files.get('b.yaml')!.toString()).toBe(YAML);
  });

  it.each([
    ['an absolute target', '/etc/passwd', /outside/],
    ['a target above the root', '../../etc/passwd', /outside/],
    ['a missing target', 'nothing.yaml', /missing/],
    ['a folder', 'dir', /folder/],
  ])('rejects a symlink to %s', async (_what, linkname, message) => {
    await rejects(tarOf([
      { name: 'bp/blueprint.yaml', data: YAML },
      { name: 'bp/dir/', type: 'directory' },
      { name: 'bp/link', type: 'symlink', linkname },
    ]), message);
  });

  it('rejects a symlink cycle', async () => {
    await rejects(tarOf([{ name: 'a', type: 'symlink', linkname: 'b' }, { name: 'b', type: 'symlink', linkname: 'a' }]), /cycle/);
  });

  it('rejects a hard link outside the archive', async () => {
    await rejects(tarOf([{ name: 'a.yaml', data: YAML }, { name: 'b', type: 'link', linkname: '../../etc/shadow' }]), /outside/);
  });

  it('rejects zip symlinks pointing outside and resolves those inside', async () => {
    await rejects(zipOf({ 'blueprint.yaml': YAML }, { 'evil.yaml': '../../../etc/passwd' }), /outside/);
    const ok = await extract(zipOf({ 'blueprint.yaml': YAML }, { 'alias.yaml': 'blueprint.yaml' }));
    expect(ok.files.get('alias.yaml')!.toString()).toBe(YAML);
  });

  it('rejects devices and fifos', async () => {
    await rejects(tarOf([{ name: 'a.yaml', data: YAML }, { name: 'dev', type: 'character-device' }]), /unsupported type/);
    await rejects(tarOf([{ name: 'a.yaml', data: YAML }, { name: 'pipe', type: 'fifo' }]), /unsupported type/);
  });

  it('rejects a path that is both a file and a folder', async () => {
    await rejects(tarOf([{ name: 'a', data: 'x' }, { name: 'a/b.yaml', data: YAML }]), /both as a file and as a folder/);
  });

  it('rejects control characters and over-long paths', async () => {
    await rejects(tarOf([{ name: 'a\u0001.yaml', data: YAML }]), /control characters/);
    await rejects(tarOf([{ name: `${'d/'.repeat(400)}x.yaml`, data: YAML }]), /longer than/);
  });
});

describe('extractArchive: bombs and limits', () => {
  const small: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 5, maxTotalBytes: 64 * 1024 };

  it('caps the number of entries', async () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.yaml`, data: YAML }));
    await rejects(tarGzOf(entries), /more than 5 entries/, small);
    await rejects(zipOf(Object.fromEntries(entries.map((e) => [e.name, e.data]))), /more than 5 entries/, small);
  });

  it('caps the total size after decompression', async () => {
    await rejects(tarGzOf([{ name: 'big.yaml', data: Buffer.alloc(100 * 1024, 'a') }]), /expands to more than/, small);
    await rejects(zipOf({ 'big.yaml': Buffer.alloc(100 * 1024, 'a') }), /expands to more than/, small);
    await rejects(Buffer.alloc(100 * 1024, 'a'), /larger than/, small);
  });

  it('stops a gzip bomb quickly by its compression ratio', async () => {
    const bomb = gzipSync(Buffer.alloc(96 * 1024 * 1024), { level: 9 });
    const started = Date.now();
    await rejects(bomb, /likely archive bomb/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops a zip bomb before inflating it', async () => {
    const bomb = Buffer.from(zipSync({ 'a.yaml': [Buffer.alloc(32 * 1024 * 1024), { level: 9 }] }));
    const started = Date.now();
    // The declared size alone is over the cap: nothing is inflated.
    await rejects(bomb, /expands to more than/, { ...DEFAULT_ARCHIVE_LIMITS, maxTotalBytes: 16 * 1024 * 1024, maxRatio: 1e9 });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops a zip bomb that stays under the size cap by its ratio', async () => {
    const bomb = Buffer.from(zipSync({ 'a.yaml': [Buffer.alloc(20 * 1024 * 1024), { level: 9 }] }));
    await rejects(bomb, /likely archive bomb/);
  });

  it('stops a bzip2 bomb mid-stream', async () => {
    // 64 MB of zeros compress to about a hundred bytes of bzip2.
    const bomb = bzip2(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(4096);
    const started = Date.now();
    await rejects(bomb, /likely archive bomb|expands to more than/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('extractArchive: malformed input', () => {
  it('rejects binary data that is no archive', async () => {
    await rejects(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), /neither a zip/);
  });

  it('rejects an empty upload and an empty archive', async () => {
    await rejects(Buffer.alloc(0), /empty/);
    await rejects(tarOf([{ name: 'd/', type: 'directory' }]), /no files/);
  });

  it('rejects truncated archives of every kind', async () => {
    const tgz = await tarGzOf(cfyLayout);
    await rejects(tgz.subarray(0, tgz.length - 10), /gzip|tar/i);
    const zip = zipOf({ 'a.yaml': YAML });
    await rejects(zip.subarray(0, zip.length - 10), /zip/i);
    // The last 10 bytes of a bzip2 stream are only its trailer (every block has its own CRC).
    const bz = await tarBz2Of(cfyLayout);
    await rejects(bz.subarray(0, bz.length - 11), /bzip2|tar/i);
    await rejects(bz.subarray(0, Math.floor(bz.length / 2)), /bzip2|tar/i);
    const tar = await tarOf(cfyLayout);
    await rejects(tar.subarray(0, 700), /tar/i);
  });

  it('rejects garbage behind an archive signature', async () => {
    await rejects(Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100, 7)]), /zip/i);
    await rejects(Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(100, 7)]), /gzip/i);
    await rejects(Buffer.concat([Buffer.from('BZh9'), Buffer.alloc(100, 7)]), /bzip2/i);
  });
});
