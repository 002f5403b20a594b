/**
 * `stratus profiles add|use|list|show|delete` and `stratus status`.
 */
import { Command } from 'commander';
import type { StratusClient } from '../client/client';
import { UsageError } from '../client/errors';
import { wsUrlOf } from '../client/live';
import { DEFAULT_PROFILE, DEFAULT_PROFILE_NAME, DEFAULT_TENANT, profilesPath, readProfiles, resolveConnection, validateManagerUrl, validateWsUrl, writeProfiles } from '../client/profiles';
import type { Profile } from '../client/profiles';
import { action, clientFor, example, group } from '../context';
import { details, paint, print, printJson, statusColour, table } from '../output';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function checkName(name: string): string {
  if (!NAME.test(name)) throw new UsageError(`Profile name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-' (at most 64)`);
  return name;
}

/** A profile as shown: secrets masked. */
interface ShownProfile {
  name: string;
  current: boolean;
  manager: string;
  user: string | null;
  password: string | null;
  token: string | null;
  tenant: string;
  ws_url: string | null;
}

function shown(name: string, profile: Profile, current: boolean): ShownProfile {
  return {
    name,
    current,
    manager: profile.manager,
    user: profile.user ?? null,
    password: profile.password ? '********' : null,
    token: profile.token ? `${profile.token.slice(0, 5)}********` : null,
    tenant: profile.tenant ?? DEFAULT_TENANT,
    ws_url: profile.wsUrl ?? null,
  };
}

interface AddOptions {
  manager: string;
  user?: string;
  password?: string;
  token?: string;
  tenant?: string;
  wsUrl?: string;
  use?: boolean;
}

export function profilesCommand(): Command {
  const profiles = group('profiles', `Manage connection profiles (kept in ${profilesPath().replace(process.env.HOME ?? '\0', '~')}, mode 0600)`);

  example(
    profiles
      .command('add')
      .description('Add (or replace) a profile; the first profile added becomes the current one')
      .argument('<name>', 'profile name')
      .requiredOption('-m, --manager <url>', 'manager base URL, e.g. http://127.0.0.1:8080')
      .option('-u, --user <user>', 'user name (Basic authentication)')
      .option('-p, --password <password>', 'password of --user')
      .option('--token <token>', 'an API token (ctok-...) instead of a user and password')
      .option('-t, --tenant <tenant>', 'tenant', DEFAULT_TENANT)
      .option('--ws-url <url>', "the manager's WebSocket API, for live events when following (default: the manager URL's /ws; in AWS the stack's WebSocketUrl)")
      .option('--use', 'make it the current profile')
      .action(
        action(async (_cmd, name: string, options: AddOptions) => {
          checkName(name);
          if (options.token && (options.user || options.password)) throw new UsageError('Give either --token or --user/--password, not both');
          if (!options.token && !options.user) throw new UsageError('Give --user (and --password) or --token');
          const file = readProfiles();
          file.profiles[name] = {
            manager: validateManagerUrl(options.manager),
            ...(options.token ? { token: options.token } : { user: options.user, ...(options.password !== undefined ? { password: options.password } : {}) }),
            tenant: options.tenant ?? DEFAULT_TENANT,
            ...(options.wsUrl !== undefined ? { wsUrl: validateWsUrl(options.wsUrl) } : {}),
          };
          if (options.use || !file.current) file.current = name;
          writeProfiles(file);
          print(`Profile ${name} saved${file.current === name ? ' (current)' : ''}.`);
        }),
      ),
    'stratus profiles add prod --manager https://stratus.example.com --user admin --password s3cret --tenant default_tenant',
    'stratus profiles add ci --manager https://stratus.example.com --token ctok-AbC-...',
    'stratus profiles add aws --manager https://abc123.execute-api.eu-west-1.amazonaws.com --ws-url wss://def456.execute-api.eu-west-1.amazonaws.com/dev --user admin --password s3cret',
  );

  example(
    profiles
      .command('use')
      .description('Make a profile the current one')
      .argument('<name>', 'profile name')
      .action(
        action(async (_cmd, name: string) => {
          const file = readProfiles();
          if (!file.profiles[name]) throw new UsageError(`No profile named ${JSON.stringify(name)} (see: stratus profiles list)`, 1);
          file.current = name;
          writeProfiles(file);
          print(`Using profile ${name}.`);
        }),
      ),
    'stratus profiles use prod',
  );

  example(
    profiles
      .command('list')
      .description('List profiles (* marks the current one)')
      .option('--json', 'print JSON')
      .action(
        action(async (_cmd, options: { json?: boolean }) => {
          const file = readProfiles();
          const items = Object.entries(file.profiles).map(([name, p]) => shown(name, p, name === file.current));
          if (options.json) return printJson({ current: file.current ?? null, profiles: items });
          if (items.length === 0) return print(`No profiles yet: the built-in "${DEFAULT_PROFILE_NAME}" one (${DEFAULT_PROFILE.manager}, user ${DEFAULT_PROFILE.user}) is used. Add one with: stratus profiles add NAME --manager URL --user U --password P`);
          print(
            table(items, [
              { header: '', value: (p) => (p.current ? '*' : '') },
              { header: 'NAME', value: (p) => p.name },
              { header: 'MANAGER', value: (p) => p.manager },
              { header: 'USER', value: (p) => p.user ?? (p.token ? '(token)' : '') },
              { header: 'TENANT', value: (p) => p.tenant },
            ]),
          );
        }),
      ),
    'stratus profiles list',
  );

  example(
    profiles
      .command('show')
      .description('Show a profile (default: the one in use) with the environment overrides applied; secrets are masked')
      .argument('[name]', 'profile name')
      .option('--json', 'print JSON')
      .action(
        action(async (cmd, name: string | undefined, options: { json?: boolean }) => {
          const resolved = resolveConnection(name ?? cmd.optsWithGlobals<{ profile?: string }>().profile);
          const c = resolved.credentials;
          const view = { ...shown(resolved.name, { manager: c.manager, user: c.user, password: c.password, token: c.token, tenant: c.tenant, wsUrl: c.wsUrl }, true), built_in: resolved.builtIn };
          if (options.json) return printJson(view);
          print(
            details([
              ['Profile', `${view.name}${resolved.builtIn ? ' (built-in default)' : ''}`],
              ['Manager', view.manager],
              ['User', view.user],
              ['Password', view.password ?? (c.token ? null : '(none found)')],
              ['Token', view.token],
              ['Tenant', view.tenant],
              ['WebSocket', view.ws_url ?? `${wsUrlOf(c)} (default)`],
            ]),
          );
        }),
      ),
    'stratus profiles show',
    'STRATUS_TENANT=team-a stratus profiles show prod',
  );

  example(
    profiles
      .command('delete')
      .description('Delete a profile')
      .argument('<name>', 'profile name')
      .action(
        action(async (_cmd, name: string) => {
          const file = readProfiles();
          if (!file.profiles[name]) throw new UsageError(`No profile named ${JSON.stringify(name)}`, 1);
          delete file.profiles[name];
          if (file.current === name) delete file.current;
          writeProfiles(file);
          print(`Profile ${name} deleted.`);
        }),
      ),
    'stratus profiles delete prod',
  );
  return profiles;
}

export function statusCommand(): Command {
  return example(
    new Command('status')
      .description("Show the manager's status and version")
      .option('--json', 'print JSON: {status, version}')
      .action(
        action(async (cmd, options: { json?: boolean }) => {
          const client: StratusClient = clientFor(cmd);
          const [status, version] = await Promise.all([client.get('/status'), client.get('/api/version')]);
          if (options.json) return printJson({ status, version });
          const services = (status.services ?? {}) as Record<string, { status?: string } | string>;
          const overall = String(status.status ?? '');
          print(
            details([
              ['Manager', client.base],
              ['Tenant', client.credentials.tenant],
              ['Version', `${version.version ?? ''} (${version.edition ?? ''})`],
              ['Status', paint(overall, statusColour(overall) ?? 'bold')],
            ]),
          );
          const rows = Object.entries(services).map(([name, s]) => ({ name, status: typeof s === 'string' ? s : String(s?.status ?? '') }));
          if (rows.length) print(`\n${table(rows, [{ header: 'SERVICE', value: (r) => r.name }, { header: 'STATUS', value: (r) => r.status, kind: 'status' }])}`);
        }),
      ),
    'stratus status',
  );
}
