/**
 * `stratus plugins upload|list|get|delete`, following `cfy plugins`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../client/errors';
import { MAX_INLINE_BYTES, stageUpload } from '../client/upload';
import { action, clientFor, example, group } from '../context';
import { columns, details, print, printJson } from '../output';
import { listQuery, printList, withListOptions } from './common';
import type { ListOptions } from './common';

export function pluginsCommand(): Command {
  const plugins = group('plugins', 'Upload and manage plugins');

  example(
    plugins
      .command('upload')
      .description('Upload a plugin package: a zip or tar.gz holding plugin.yaml (and its wagon), or a bare plugin.yaml')
      .argument('<path>', 'the package file')
      .option('--title <title>', 'a title shown in lists')
      .option('--visibility <visibility>', 'private, tenant or global', 'tenant')
      .option('--json', 'print the plugin as JSON')
      .action(
        action(async (cmd, file: string, options: { title?: string; visibility: string; json?: boolean }) => {
          if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${file} is not a file`);
          const client = clientFor(cmd);
          const bytes = readFileSync(file);
          const query = { visibility: options.visibility, title: options.title };
          const plugin =
            bytes.length > MAX_INLINE_BYTES
              ? await client.request('POST', '/plugins', { query: { ...query, upload_id: await stageUpload(client, bytes) } })
              : await client.request('POST', '/plugins', { query, body: bytes });
          if (options.json) printJson(plugin);
          else print(`Plugin ${String(plugin.package_name)} ${String(plugin.package_version)} uploaded (id ${String(plugin.id)}).`);
        }),
      ),
    'stratus plugins upload ./my-plugin.zip --title "My plugin"',
  );

  example(
    withListOptions(plugins.command('list').description('List plugins'), 'uploaded_at').action(
      action(async (cmd, options: ListOptions) => {
        await printList(clientFor(cmd), '/plugins', listQuery(options), options, columns(['id', 'package_name', 'package_version', 'distribution', 'supported_platform', 'uploaded_at:time', 'visibility', 'tenant_name', 'created_by']), 'plugins');
      }),
    ),
    'stratus plugins list',
  );

  example(
    plugins
      .command('get')
      .description('Show a plugin')
      .argument('<plugin-id>')
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, id: string, options: { json?: boolean }) => {
          const plugin = await clientFor(cmd).get(`/plugins/${encodeURIComponent(id)}`);
          if (options.json) return printJson(plugin);
          print(
            details([
              ['ID', plugin.id],
              ['Package', `${String(plugin.package_name)} ${String(plugin.package_version)}`],
              ['Title', plugin.title],
              ['Distribution', plugin.distribution],
              ['Platform', plugin.supported_platform],
              ['Uploaded', plugin.uploaded_at, 'time'],
              ['Visibility', plugin.visibility],
              ['Tenant', plugin.tenant_name],
            ]),
          );
        }),
      ),
    'stratus plugins get 6a1f...',
  );

  example(
    plugins
      .command('delete')
      .description('Delete a plugin (refused while blueprints use it, unless --force)')
      .argument('<plugin-id>')
      .option('-f, --force', 'delete even if blueprints use it')
      .action(
        action(async (cmd, id: string, options: { force?: boolean }) => {
          await clientFor(cmd).request('DELETE', `/plugins/${encodeURIComponent(id)}`, { json: { force: options.force === true } });
          print(`Plugin ${id} deleted.`);
        }),
      ),
    'stratus plugins delete 6a1f...',
  );
  return plugins;
}
