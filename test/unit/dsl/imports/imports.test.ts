import { describe, expect, it } from '@jest/globals';
import type { PluginResolver } from '../../../../src/dsl/parse';
import { expectCode, parseFiles, parseText } from '../helpers';

const V = (v: string) => `tosca_definitions_version: cloudify_dsl_${v}\n`;

const plugin = (name: string, executor = 'central_deployment_agent') => `plugins:\n  ${name}:\n    executor: ${executor}\n    package_name: ${name}\n`;

function resolver(files: Record<string, string>, calls: unknown[][] = []): PluginResolver {
  return {
    async resolve(name, versionSpec, dslVersion) {
      calls.push([name, versionSpec, dslVersion]);
      const yaml = files[name];
      return yaml === undefined ? null : { path: `plugins/${name}/plugin.yaml`, yaml };
    },
  };
}

describe('relative imports', () => {
  it('resolves files relative to the importing file and merges them', async () => {
    const plan = await parseFiles({
      'blueprint.yaml': `${V('1_3')}imports: [types/a.yaml]\nnode_templates:\n  n: {type: t_b}\n`,
      'types/a.yaml': 'imports: [b.yaml]\nnode_types:\n  t_a: {}\n',
      'types/b.yaml': 'node_types:\n  t_b: {derived_from: t_a}\n',
    });
    expect(plan.nodes[0]!.type_hierarchy).toEqual(['t_a', 't_b']);
    expect(plan.imported_blueprints).toEqual(['types/a.yaml', 'types/b.yaml']);
  });

  it('rejects ../ escapes and absolute paths (13)', async () => {
    await expectCode(parseFiles({ 'sub/blueprint.yaml': `${V('1_3')}imports: [../../etc/passwd]\n` }, {}, 'sub/blueprint.yaml'), 13);
    await expectCode(parseText(`${V('1_3')}imports: [/etc/passwd]\n`), 13);
    await expectCode(parseText(`${V('1_3')}imports: ['file:///etc/passwd']\n`), 13);
  });

  it('allows ../ that stays inside the archive', async () => {
    const plan = await parseFiles(
      {
        'app/blueprint.yaml': `${V('1_3')}imports: [../common/types.yaml]\nnode_templates:\n  n: {type: t}\n`,
        'common/types.yaml': 'node_types:\n  t: {}\n',
      },
      {},
      'app/blueprint.yaml',
    );
    expect(plan.nodes[0]!.type).toBe('t');
  });

  it('fails with 13 when the file does not exist', async () => {
    const err = await expectCode(parseText(`${V('1_3')}imports: [missing.yaml]\n`), 13);
    expect(err.message).toMatch(/missing\.yaml/);
    expect(err.location).toEqual({ file: 'blueprint.yaml', line: 2, column: 11 });
  });

  it('rejects the same import listed twice in one file (2)', async () => {
    await expectCode(parseFiles({ 'blueprint.yaml': `${V('1_3')}imports: [a.yaml, a.yaml]\n`, 'a.yaml': 'node_types: {t: {}}\n' }), 2);
  });

  it('loads each file once through cycles and diamonds', async () => {
    const plan = await parseFiles({
      'blueprint.yaml': `${V('1_3')}imports: [a.yaml, b.yaml]\nnode_templates:\n  n: {type: t}\n`,
      'a.yaml': 'imports: [blueprint.yaml, c.yaml]\n',
      'b.yaml': 'imports: [c.yaml, a.yaml]\n',
      'c.yaml': 'node_types:\n  t: {}\n',
    });
    expect(plan.imported_blueprints).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
  });

  it('an import may not declare a newer DSL version (28)', async () => {
    await expectCode(parseFiles({ 'blueprint.yaml': `${V('1_3')}imports: [a.yaml]\n`, 'a.yaml': V('1_4') }), 28);
    await parseFiles({ 'blueprint.yaml': `${V('1_4')}imports: [a.yaml]\n`, 'a.yaml': V('1_0') });
  });
});

describe('merging', () => {
  it('rejects a type defined twice (4)', async () => {
    await expectCode(parseFiles({ 'blueprint.yaml': `${V('1_3')}imports: [a.yaml]\nnode_types: {t: {}}\n`, 'a.yaml': 'node_types: {t: {}}\n' }), 4);
  });

  it('merges inputs/node templates from several files from 1_3 on, not before (3)', async () => {
    const files = (v: string) => ({ 'blueprint.yaml': `${V(v)}imports: [a.yaml]\ninputs: {x: {default: 1}}\n`, 'a.yaml': 'inputs: {y: {default: 2}}\n' });
    await expectCode(parseFiles(files('1_2')), 3);
    const plan = await parseFiles(files('1_3'));
    expect(Object.keys(plan.inputs)).toEqual(['x', 'y']);
  });

  it('lets a second definition of a node template only add relationships', async () => {
    const common = `node_types: {t: {}}\nrelationships: {r: {}}\n`;
    const plan = await parseFiles({
      'blueprint.yaml': `${V('1_3')}imports: [a.yaml]\n${common}node_templates:\n  a: {type: t, relationships: [{type: r, target: b}]}\n  b: {type: t}\n  c: {type: t}\n`,
      'a.yaml': 'node_templates:\n  a:\n    relationships: [{type: r, target: c}]\n',
    });
    expect(plan.nodes.find((n) => n.id === 'a')!.relationships.map((r) => r.target_id)).toEqual(['b', 'c']);
    // a relationships-only entry first, the full definition from an import
    const plan2 = await parseFiles({
      'blueprint.yaml': `${V('1_3')}imports: [a.yaml]\n${common}node_templates:\n  a: {relationships: [{type: r, target: b}]}\n  b: {type: t}\n`,
      'a.yaml': 'node_templates:\n  a: {type: t, relationships: []}\n',
    });
    expect(plan2.nodes.find((n) => n.id === 'a')).toMatchObject({ type: 't', relationships: [{ target_id: 'b' }] });
    await expectCode(
      parseFiles({
        'blueprint.yaml': `${V('1_3')}imports: [a.yaml]\nnode_types: {t: {}}\nnode_templates:\n  a: {type: t}\n`,
        'a.yaml': 'node_templates:\n  a: {type: t}\n',
      }),
      4,
    );
  });

  it('keeps the first description and lets a later workflow definition only fill gaps', async () => {
    const plan = await parseFiles({
      'blueprint.yaml': `${V('1_3')}description: main\nimports: [a.yaml]\nplugins: {p: {executor: central_deployment_agent, install: false}}\nworkflows: {w: p.main}\n`,
      'a.yaml': 'description: imported\nworkflows: {w: p.other}\n',
    });
    expect(plan.description).toBe('main');
    expect(plan.workflows.w!.operation).toBe('main');
  });
});

describe('the built-in type library', () => {
  it('maps cloudify/types/types.yaml to the variant of the blueprint version', async () => {
    const p15 = await parseText(`${V('1_5')}imports: [cloudify/types/types.yaml]\n`);
    expect(p15.workflows.execute_operation!.parameters.operation).toEqual({ type: 'operation_name' });
    expect(p15.imported_blueprints).toEqual(['stratus:types/1_5']);
    const p13 = await parseText(`${V('1_3')}imports: [cloudify/types/types.yaml]\n`);
    expect(p13.workflows.install!.availability_rules).toBeNull();
    expect(p13.node_types['cloudify.nodes.Root']!).toMatchObject({ properties: { use_external_resource: { type: 'boolean', default: false } } });
  });

  it('maps versioned spec URLs to the closest generation', async () => {
    const ops = async (url: string, v = '1_3') => {
      const plan = await parseText(`${V(v)}imports: ['${url}']\n`);
      return Object.keys((plan.node_types['cloudify.nodes.Root'] as { interfaces: Record<string, object> }).interfaces['cloudify.interfaces.lifecycle']!);
    };
    expect(await ops('http://cloudify.co/spec/cloudify/4.5.5/types.yaml')).toEqual(['create', 'configure', 'start', 'stop', 'delete']);
    expect(await ops('https://www.getcloudify.org/spec/cloudify/5.0.5/types.yaml')).toContain('poststart');
    expect(await ops('https://www.getcloudify.org/spec/cloudify/5.0.5/types.yaml')).not.toContain('heal');
    // 7.1.0.dev1 with a 1_4 blueprint: the 1_4 file (HEAD's would fail the blueprint, INDEX.md §A)
    const plan = await parseText(`${V('1_4')}imports: ['http://www.getcloudify.org/spec/cloudify/7.1.0.dev1/types.yaml']\n`);
    expect(plan.imported_blueprints).toEqual(['stratus:types/1_4']);
    expect(plan.workflows.execute_operation!.parameters.operation).toEqual({});
  });

  it('is basic types: re-importing is allowed, a namespace is not (214)', async () => {
    await parseFiles({ 'blueprint.yaml': `${V('1_4')}imports: [cloudify/types/types.yaml, a.yaml]\n`, 'a.yaml': 'imports: [cloudify/types/types.yaml]\n' });
    await expectCode(parseText(`${V('1_4')}imports: [ns--cloudify/types/types.yaml]\n`), 214);
  });

  it('an archive file that defines cloudify.nodes.Root counts as basic types too', async () => {
    const plan = await parseFiles({
      'blueprint.yaml': `${V('1_3')}imports: [minimal.yaml, again.yaml]\nnode_templates: {n: {type: cloudify.nodes.Root}}\n`,
      'minimal.yaml': 'node_types: {cloudify.nodes.Root: {}}\n',
      'again.yaml': 'imports: [minimal.yaml]\n',
    });
    expect(plan.nodes[0]!.type).toBe('cloudify.nodes.Root');
  });
});

describe('plugin imports', () => {
  it('goes through the resolver with the version spec and the DSL version', async () => {
    const calls: unknown[][] = [];
    const plan = await parseText(`${V('1_4')}imports: ['plugin:my-plugin?version= >=1.2']\nnode_types: {t: {}}\nnode_templates:\n  n:\n    type: t\n    interfaces: {i: {op: mine.tasks.run}}\n`, {
      pluginResolver: resolver({ 'my-plugin': plugin('mine') }, calls),
    });
    expect(calls).toEqual([['my-plugin', '>=1.2', 'cloudify_dsl_1_4']]);
    expect(plan.nodes[0]!.operations['i.op']).toMatchObject({ plugin: 'mine', operation: 'tasks.run', executor: 'central_deployment_agent' });
    expect(plan.imported_blueprints).toEqual(['plugins/my-plugin/plugin.yaml']);
  });

  it('maps spec plugin URLs to the resolver', async () => {
    const calls: unknown[][] = [];
    await parseText(`${V('1_3')}imports: ['http://www.getcloudify.org/spec/diamond-plugin/1.3.17/plugin.yaml']\n`, {
      pluginResolver: resolver({ 'cloudify-diamond-plugin': plugin('diamond', 'host_agent') }, calls),
    });
    expect(calls).toEqual([['cloudify-diamond-plugin', '1.3.17', 'cloudify_dsl_1_3']]);
  });

  it('fails with 13 for an unknown plugin or without a resolver', async () => {
    await expectCode(parseText(`${V('1_4')}imports: ['plugin:nope']\n`, { pluginResolver: resolver({}) }), 13);
    await expectCode(parseText(`${V('1_4')}imports: ['plugin:nope']\n`), 13);
  });

  it('tolerates duplicate keys in plugin files (published plugins have them)', async () => {
    const yaml = `${plugin('p')}node_types:\n  t:\n    properties:\n      a: {default: 1}\n      a: {default: 2}\n`;
    const plan = await parseText(`${V('1_4')}imports: ['plugin:p']\nnode_templates: {n: {type: t}}\n`, { pluginResolver: resolver({ p: yaml }) });
    expect(plan.nodes[0]!.properties).toEqual({ a: 2 });
  });

  it('sets plugin properties given with the import (1_5), rejects unknown ones (221) and older versions (102)', async () => {
    const yaml = `plugins:\n  p:\n    executor: central_deployment_agent\n    package_name: p\n    properties:\n      region: {type: string}\n`;
    const opts = { pluginResolver: resolver({ p: yaml }) };
    const plan = await parseText(`${V('1_5')}imports:\n  - plugin:p: {region: eu-west-1}\n`, opts);
    expect(plan.deployment_plugins_to_install).toEqual([]);
    expect((plan as unknown as { nodes: unknown[] }).nodes).toEqual([]);
    await expectCode(parseText(`${V('1_5')}imports:\n  - plugin:p: {zone: a}\n`, opts), 221);
    await expectCode(parseText(`${V('1_4')}imports:\n  - plugin:p: {region: a}\n`, opts), 102);
    await expectCode(parseText(`${V('1_5')}imports:\n  - {plugin:p: {}, other: {}}\n`, opts), 220);
  });
});

describe('remote and blueprint imports', () => {
  it('does not fetch other URLs unless the caller allows it', async () => {
    await expectCode(parseText(`${V('1_3')}imports: ['https://example.com/types.yaml']\n`), 13);
    const fetched: string[] = [];
    const plan = await parseText(`${V('1_3')}imports: ['https://example.com/types.yaml']\nnode_templates: {n: {type: remote_t}}\n`, {
      fetchRemote: async (url) => {
        fetched.push(url);
        return 'node_types: {remote_t: {}}\n';
      },
    });
    expect(fetched).toEqual(['https://example.com/types.yaml']);
    expect(plan.nodes[0]!.type).toBe('remote_t');
  });

  it('requires a namespace for blueprint: imports (213) and does not support them yet (13)', async () => {
    await expectCode(parseText(`${V('1_4')}imports: ['blueprint:other']\n`), 213);
    await expectCode(parseText(`${V('1_4')}imports: ['ns--blueprint:other']\n`), 13);
  });
});

describe('namespaced imports', () => {
  it('prefixes every name of the file and the references to them', async () => {
    const plan = await parseFiles({
      'blueprint.yaml': `${V('1_4')}imports: [cloudify/types/types.yaml, net--net.yaml]\nnode_templates:\n  app:\n    type: cloudify.nodes.Root\n    relationships: [{type: cloudify.relationships.connected_to, target: net--router}]\n`,
      'net.yaml': [
        'inputs: {cidr: {default: 10.0.0.0/16}}',
        'plugins: {netp: {executor: central_deployment_agent, install: false}}',
        'node_types: {router_t: {derived_from: cloudify.nodes.Root, properties: {cidr: {}}}}',
        'node_templates:',
        '  router:',
        '    type: router_t',
        '    properties: {cidr: {get_input: cidr}}',
        '    interfaces: {cloudify.interfaces.lifecycle: {create: netp.create}}',
        '  port:',
        '    type: router_t',
        '    properties: {cidr: {get_property: [router, cidr]}}',
        '    relationships: [{type: cloudify.relationships.contained_in, target: router}]',
        '',
      ].join('\n'),
    });
    const router = plan.nodes.find((n) => n.id === 'net--router')!;
    expect(router.type).toBe('net--router_t');
    expect(router.properties.cidr).toEqual({ get_input: 'net--cidr' });
    expect(router.operations['cloudify.interfaces.lifecycle.create']).toMatchObject({ plugin: 'net--netp', operation: 'create' });
    const port = plan.nodes.find((n) => n.id === 'net--port')!;
    expect(port.properties.cidr).toEqual({ get_property: ['net--router', 'cidr'] });
    expect(port.relationships[0]!.target_id).toBe('net--router');
    expect(Object.keys(plan.inputs)).toEqual(['net--cidr']);
  });

  it('nests namespaces of imports inside namespaced files', async () => {
    const plan = await parseFiles({
      'blueprint.yaml': `${V('1_4')}imports: [a--a.yaml]\n`,
      'a.yaml': 'imports: [b--b.yaml]\n',
      'b.yaml': 'node_types: {t: {}}\n',
    });
    expect(Object.keys(plan.node_types)).toEqual(['a--b--t']);
  });
});
