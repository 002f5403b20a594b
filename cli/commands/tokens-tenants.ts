/**
 * `stratus tokens create|list|delete` and `stratus tenants list|create|get|delete`.
 */
import type { Command } from 'commander';
import { action, clientFor, example, group } from '../context';
import { columns, details, print, printJson } from '../output';
import { listQuery, printList, withListOptions } from './common';
import type { ListOptions } from './common';

export function tokensCommand(): Command {
  const tokens = group('tokens', 'Manage API tokens (for profiles with --token and for scripts)');

  example(
    tokens
      .command('create')
      .description('Create a token for the current user; its value is shown only once')
      .option('--description <text>', 'what the token is for')
      .option('--expiry <when>', "expiration: an ISO date, or a duration such as '+30d', '+12h'")
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, options: { description?: string; expiry?: string; json?: boolean }) => {
          const body: Record<string, unknown> = {};
          if (options.description !== undefined) body.description = options.description;
          if (options.expiry !== undefined) body.expiration_date = options.expiry;
          const token = await clientFor(cmd).request('POST', '/tokens', { json: body });
          if (options.json) return printJson(token);
          print(details([['ID', token.id], ['Value', token.value], ['Expires', token.expiration_date ?? 'never', 'time'], ['Description', token.description]]));
          print('\nKeep the value now: it cannot be shown again.');
        }),
      ),
    "stratus tokens create --description ci --expiry +30d",
  );

  example(
    withListOptions(tokens.command('list').description('List tokens (admins see every user’s)'), 'id', false).action(
      action(async (cmd, options: ListOptions) => {
        await printList(clientFor(cmd), '/tokens', listQuery(options), options, columns(['id', 'username', 'description', 'expiration_date:time', 'last_used:time']), 'tokens');
      }),
    ),
    'stratus tokens list',
  );

  example(
    tokens
      .command('delete')
      .description('Delete (revoke) a token')
      .argument('<token-id>')
      .action(
        action(async (cmd, id: string) => {
          await clientFor(cmd).request('DELETE', `/tokens/${encodeURIComponent(id)}`);
          print(`Token ${id} deleted.`);
        }),
      ),
    'stratus tokens delete AbC123',
  );
  return tokens;
}

export function tenantsCommand(): Command {
  const tenants = group('tenants', 'Manage tenants (admin)');
  const path = (name: string) => `/tenants/${encodeURIComponent(name)}`;

  example(
    withListOptions(tenants.command('list').description('List tenants'), 'name', false).action(
      action(async (cmd, options: ListOptions) => {
        await printList(clientFor(cmd), '/tenants', listQuery(options), options, columns(['name', 'users', 'created_at:time', 'created_by']), 'tenants');
      }),
    ),
    'stratus tenants list',
  );

  example(
    tenants
      .command('create')
      .description('Create a tenant')
      .argument('<name>')
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, name: string, options: { json?: boolean }) => {
          const tenant = await clientFor(cmd).request('POST', path(name));
          if (options.json) printJson(tenant);
          else print(`Tenant ${name} created.`);
        }),
      ),
    'stratus tenants create team-a',
  );

  example(
    tenants
      .command('get')
      .description('Show a tenant and its users')
      .argument('<name>')
      .option('--json', "print the API's JSON")
      .action(
        action(async (cmd, name: string, options: { json?: boolean }) => {
          const tenant = await clientFor(cmd).get(path(name));
          if (options.json) return printJson(tenant);
          const roles = ((tenant.user_roles as { direct?: Record<string, string> } | undefined)?.direct ?? {}) as Record<string, string>;
          print(
            details([
              ['Name', tenant.name],
              ['Users', Object.entries(roles).map(([user, role]) => `${user} (${role})`).join(', ') || '-'],
              ['Created', tenant.created_at, 'time'],
              ['Created by', tenant.created_by],
            ]),
          );
        }),
      ),
    'stratus tenants get team-a',
  );

  example(
    tenants
      .command('delete')
      .description('Delete a tenant')
      .argument('<name>')
      .action(
        action(async (cmd, name: string) => {
          await clientFor(cmd).request('DELETE', path(name));
          print(`Tenant ${name} deleted.`);
        }),
      ),
    'stratus tenants delete team-a',
  );
  return tenants;
}
