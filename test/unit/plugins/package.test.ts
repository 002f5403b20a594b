import { describe, expect, it } from '@jest/globals';
import { PluginPackageError, readPluginPackage, yamlForDsl } from '../../../src/plugins/package';
import { tarGzOf, zipOf } from '../../support/archives/build';

const PLUGIN_YAML = `plugins:
  mock:
    executor: central_deployment_agent
    package_name: cloudify-mock-plugin
    package_version: '1.2.3'
`;

async function wagon(manifest: object): Promise<Buffer> {
  return tarGzOf([
    { name: 'cloudify_mock_plugin/package.json', data: JSON.stringify(manifest) },
    { name: 'cloudify_mock_plugin/wheels/x.whl', data: 'wheel' },
  ]);
}

describe('readPluginPackage', () => {
  it('reads a zip of a wagon and its YAML variants, naming the package from the wagon', async () => {
    const wgn = await wagon({
      package_name: 'cloudify-mock-plugin',
      package_version: '1.2.4',
      supported_platform: 'manylinux',
      build_server_os_properties: { distribution: 'centos', distribution_version: '7', distribution_release: 'core' },
      wheels: ['x.whl'],
    });
    const pkg = await readPluginPackage(zipOf({ 'mock.wgn': wgn, 'plugin.yaml': PLUGIN_YAML, 'plugin_1_5.yaml': PLUGIN_YAML }));
    expect(pkg.packageName).toBe('cloudify-mock-plugin');
    expect(pkg.packageVersion).toBe('1.2.4');
    expect(Object.keys(pkg.yamls).sort()).toEqual(['plugin.yaml', 'plugin_1_5.yaml']);
    expect(pkg.wagon).toMatchObject({ distribution: 'centos', distribution_release: 'core', wheels: ['x.whl'] });
    expect(pkg.wagonName).toBe('mock.wgn');
  });

  it('names the package from plugin.yaml when there is no wagon, also for a bare YAML upload', async () => {
    for (const bytes of [await tarGzOf([{ name: 'pkg/plugin.yaml', data: PLUGIN_YAML }]), Buffer.from(PLUGIN_YAML)]) {
      const pkg = await readPluginPackage(bytes);
      expect([pkg.packageName, pkg.packageVersion, pkg.wagon]).toEqual(['cloudify-mock-plugin', '1.2.3', null]);
    }
  });

  it.each([
    ['no plugin.yaml', async () => zipOf({ 'readme.txt': 'x' }), /no plugin\.yaml/],
    ['no package name', async () => Buffer.from('plugins:\n  a:\n    executor: host_agent\n'), /package name/],
    ['YAML that is not a mapping', async () => Buffer.from('- a\n- b\n'), /mapping/],
    ['broken YAML', async () => Buffer.from('plugins: [\n'), /not valid YAML/],
    ['a wagon without package.json', async () => zipOf({ 'plugin.yaml': PLUGIN_YAML, 'x.wgn': await tarGzOf([{ name: 'w/other', data: 'x' }]) }), /no package\.json/],
    ['a wagon that is no archive', async () => zipOf({ 'plugin.yaml': PLUGIN_YAML, 'x.wgn': Buffer.from([0, 1, 2, 3]) }), /not a valid archive/],
    ['a traversal entry', async () => tarGzOf([{ name: 'plugin.yaml', data: PLUGIN_YAML }, { name: '../evil', data: 'x' }]), /leaves the archive/],
  ])('refuses a package with %s', async (_what, build, message) => {
    const promise = readPluginPackage(await build());
    await expect(promise).rejects.toThrow(PluginPackageError);
    await expect(promise).rejects.toThrow(message);
  });
});

describe('yamlForDsl', () => {
  it('picks the highest variant not above the blueprint DSL version, else plugin.yaml', () => {
    const names = ['plugin.yaml', 'plugin_1_4.yaml', 'plugin_1_5.yaml'];
    expect(yamlForDsl(names, 5)).toBe('plugin_1_5.yaml');
    expect(yamlForDsl(names, 4)).toBe('plugin_1_4.yaml');
    expect(yamlForDsl(names, 3)).toBe('plugin.yaml');
    expect(yamlForDsl(['plugin_1_4.yaml'], 3)).toBeUndefined();
  });
});
