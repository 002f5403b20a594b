import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { directorySource, parseBlueprint } from '../../../src/dsl/parse';

let root: string;
let archive: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'stratus-dsl-source-'));
  archive = path.join(root, 'archive');
  mkdirSync(path.join(archive, 'types'), { recursive: true });
  writeFileSync(path.join(root, 'secret.yaml'), 'node_types: {stolen: {}}\n');
  writeFileSync(path.join(archive, 'blueprint.yaml'), 'tosca_definitions_version: cloudify_dsl_1_3\nimports: [types/t.yaml]\nnode_templates: {n: {type: t}}\n');
  writeFileSync(path.join(archive, 'types', 't.yaml'), 'node_types: {t: {}}\n');
  symlinkSync(path.join(root, 'secret.yaml'), path.join(archive, 'link.yaml'));
  symlinkSync(path.join(archive, 'types', 't.yaml'), path.join(archive, 'inside-link.yaml'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('directorySource', () => {
  it('reads files of the directory, nothing outside it', async () => {
    const source = directorySource(archive);
    expect(await source.readFile('types/t.yaml')).toBe('node_types: {t: {}}\n');
    expect(await source.readFile('../secret.yaml')).toBeUndefined();
    expect(await source.readFile(path.join(root, 'secret.yaml'))).toBeUndefined();
    expect(await source.readFile('link.yaml')).toBeUndefined();
    expect(await source.readFile('inside-link.yaml')).toBe('node_types: {t: {}}\n');
    expect(await source.readFile('types')).toBeUndefined();
    expect(await source.readFile('missing.yaml')).toBeUndefined();
    expect(await source.exists!('types/t.yaml')).toBe(true);
    expect(await source.exists!('link.yaml')).toBe(false);
    expect(await source.exists!('../secret.yaml')).toBe(false);
  });

  it('parses a blueprint from a directory', async () => {
    const plan = await parseBlueprint('blueprint.yaml', { source: directorySource(archive) });
    expect(plan.nodes.map((n) => n.type)).toEqual(['t']);
  });

  it('an import through a link that leaves the directory fails like a missing file (13)', async () => {
    writeFileSync(path.join(archive, 'bad.yaml'), 'tosca_definitions_version: cloudify_dsl_1_3\nimports: [link.yaml]\n');
    await expect(parseBlueprint('bad.yaml', { source: directorySource(archive) })).rejects.toMatchObject({ code: 13 });
  });
});
