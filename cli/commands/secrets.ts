/**
 * `stratus secrets create|get|list|update|delete`, following `cfy secrets`.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../client/errors';
import { action, clientFor, example, group } from '../context';
import { columns, details, print, printJson } from '../output';
import { listQuery, printList, withListOptions } from './common';
import type { ListOptions } from './common';

interface ValueOptions {
  secretString?: string;
  secretFile?: string;
  hiddenValue?: boolean;
  visibility?: string;
  updateIfExists?: boolean;
  json?: boolean;
}

function valueOf(options: ValueOptions, required: boolean): string | undefined {
  if (options.secretString !== undefined && options.secretFile !== undefined) throw new UsageError('Give either -s/--secret-string or -f/--secret-file, not both');
  if (options.secretFile !== undefined) {
    try {
      return readFileSync(options.secretFile, 'utf8');
    } catch (err) {
      throw new UsageError(`Cannot read ${options.secretFile}: ${(err as Error).message}`);
    }
  }
  if (options.secretString === undefined && required) throw new UsageError('Give the value with -s/--secret-string or -f/--secret-file');
  return options.secretString;
}

function secretDetails(secret: Record<string, unknown>): string {
  return details([
    ['Key', secret.key],
    ['Value', secret.value],
    ['Hidden value', secret.is_hidden_value],
    ['Visibility', secret.visibility],
    ['Tenant', secret.tenant_name],
    ['Created', secret.created_at, 'time'],
    ['Updated', secret.updated_at, 'time'],
    ['Created by', secret.created_by],
  ]);
}

function valueOptions(command: Command): Command {
  return command
    .option('-s, --secret-string <value>', 'the value')
    .option('-f, --secret-file <file>', 'read the value from a file')
    .option('--hidden-value', 'hide the value from users other than its creator and admins')
    .option('--visibility <visibility>', 'private, tenant or global');
}

export function secretsCommand(): Command {
  const secrets = group('secrets', 'Manage secrets (values used by blueprints through get_secret)');
  const path = (key: string) => `/secrets/${encodeURIComponent(key)}`;

  example(
    valueOptions(secrets.command('create').description('Create a secret').argument('<key>'))
      .option('-u, --update-if-exists', 'replace the value of an existing secret')
      .option('--json', 'print the created secret as JSON')
      .action(
        action(async (cmd, key: string, options: ValueOptions) => {
          const body = { value: valueOf(options, true), update_if_exists: options.updateIfExists === true, is_hidden_value: options.hiddenValue === true, visibility: options.visibility ?? 'tenant' };
          const secret = await clientFor(cmd).request('PUT', path(key), { json: body });
          if (options.json) printJson(secret);
          else print(`Secret ${key} created.`);
        }),
      ),
    'stratus secrets create db_password -s s3cret',
    'stratus secrets create ssh_key -f ~/.ssh/id_ed25519 --hidden-value',
  );

  example(
    secrets
      .command('get')
      .description('Show a secret with its value')
      .argument('<key>')
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, key: string, options: { json?: boolean }) => {
          const secret = await clientFor(cmd).get(path(key));
          if (options.json) printJson(secret);
          else print(secretDetails(secret));
        }),
      ),
    'stratus secrets get db_password',
  );

  example(
    withListOptions(secrets.command('list').description('List secrets (without values)'), 'key').action(
      action(async (cmd, options: ListOptions) => {
        await printList(clientFor(cmd), '/secrets', listQuery(options), options, columns(['key', 'created_at:time', 'updated_at:time', 'visibility', 'tenant_name', 'created_by', 'is_hidden_value']), 'secrets');
      }),
    ),
    'stratus secrets list',
  );

  example(
    valueOptions(secrets.command('update').description("Change a secret's value, hidden flag or visibility").argument('<key>'))
      .option('--json', 'print the updated secret as JSON')
      .action(
        action(async (cmd, key: string, options: ValueOptions) => {
          const body: Record<string, unknown> = {};
          const value = valueOf(options, false);
          if (value !== undefined) body.value = value;
          if (options.hiddenValue !== undefined) body.is_hidden_value = options.hiddenValue;
          if (options.visibility !== undefined) body.visibility = options.visibility;
          if (Object.keys(body).length === 0) throw new UsageError('Nothing to update: give -s/--secret-string, -f/--secret-file, --hidden-value or --visibility');
          const secret = await clientFor(cmd).request('PATCH', path(key), { json: body });
          if (options.json) printJson(secret);
          else print(`Secret ${key} updated.`);
        }),
      ),
    'stratus secrets update db_password -s n3w-s3cret',
  );

  example(
    secrets
      .command('delete')
      .description('Delete a secret')
      .argument('<key>')
      .action(
        action(async (cmd, key: string) => {
          await clientFor(cmd).request('DELETE', path(key));
          print(`Secret ${key} deleted.`);
        }),
      ),
    'stratus secrets delete db_password',
  );
  return secrets;
}
