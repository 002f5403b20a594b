/**
 * Connection profiles: named managers with their credentials and tenant, kept in
 * `$XDG_CONFIG_HOME/stratus/profiles.json` (default `~/.config/stratus/profiles.json`), a file only
 * its owner can read (0600, folder 0700) because it may hold passwords and tokens.
 *
 * The connection a command uses: the profile named by --profile or STRATUS_PROFILE, else the
 * current one, else the built-in `local` default (http://127.0.0.1:8080, user admin); then each of
 * STRATUS_MANAGER, STRATUS_USER, STRATUS_PASSWORD, STRATUS_TOKEN, STRATUS_TENANT, STRATUS_WS_URL overrides
 * its field.
 * A user without a password, talking to a manager on this machine, gets the local runtime's
 * generated admin password from `$STRATUS_DATA_DIR/admin-password` or `./.stratus/admin-password`.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { Credentials } from './client';
import { UsageError } from './errors';

export interface Profile {
  manager: string;
  user?: string;
  password?: string;
  token?: string;
  tenant?: string;
  /** The manager's WebSocket API (live events when following), when it is not the manager's `/ws`. */
  wsUrl?: string;
}

export interface ProfilesFile {
  current?: string;
  profiles: Record<string, Profile>;
}

export type Env = Record<string, string | undefined>;

export const DEFAULT_TENANT = 'default_tenant';
export const DEFAULT_PROFILE_NAME = 'local';
export const DEFAULT_PROFILE: Profile = { manager: 'http://127.0.0.1:8080', user: 'admin', tenant: DEFAULT_TENANT };

export function configDir(env: Env = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'stratus');
}

export function profilesPath(env: Env = process.env): string {
  return path.join(configDir(env), 'profiles.json');
}

export function readProfiles(env: Env = process.env): ProfilesFile {
  const file = profilesPath(env);
  if (!existsSync(file)) return { profiles: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`The profiles file ${file} is not valid JSON (${(err as Error).message}); fix or delete it`, 1);
  }
  const data = parsed as Partial<ProfilesFile>;
  if (typeof data !== 'object' || data === null || typeof data.profiles !== 'object' || data.profiles === null) {
    throw new UsageError(`The profiles file ${file} has no "profiles" object; fix or delete it`, 1);
  }
  return { current: data.current, profiles: data.profiles };
}

/** Writes the file atomically, readable by its owner only (also tightening an existing folder/file). */
export function writeProfiles(data: ProfilesFile, env: Env = process.env): void {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = profilesPath(env);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

export function validateManagerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`Manager URL ${JSON.stringify(value)} is not a URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`Manager URL must be http or https, got ${url.protocol}`);
  return value.replace(/\/+$/, '').replace(/\/api\/v3\.1$/, '');
}

export function validateWsUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`WebSocket URL ${JSON.stringify(value)} is not a URL (expected e.g. wss://abc123.execute-api.eu-west-1.amazonaws.com/dev)`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError(`WebSocket URL must be ws or wss, got ${url.protocol}`);
  return value;
}

export function isLocalManager(manager: string): boolean {
  try {
    const host = new URL(manager).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}

/** The local runtime's generated admin password, when `npm start` wrote one here. */
export function localAdminPassword(env: Env = process.env, cwd = process.cwd()): string | undefined {
  const dataDir = env.STRATUS_DATA_DIR || path.join(cwd, '.stratus');
  try {
    return readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface ResolvedConnection {
  name: string;
  /** Whether the profile was the built-in default (no profiles file entry). */
  builtIn: boolean;
  credentials: Credentials;
}

export function resolveConnection(requested: string | undefined, env: Env = process.env, cwd = process.cwd()): ResolvedConnection {
  const file = readProfiles(env);
  const name = requested || env.STRATUS_PROFILE || file.current;
  let profile: Profile;
  let builtIn = false;
  if (name) {
    const found = file.profiles[name];
    if (!found) throw new UsageError(`No profile named ${JSON.stringify(name)} (see: stratus profiles list)`, 1);
    profile = found;
  } else {
    profile = DEFAULT_PROFILE;
    builtIn = true;
  }
  const manager = validateManagerUrl(env.STRATUS_MANAGER || profile.manager);
  const token = env.STRATUS_TOKEN || (env.STRATUS_USER || env.STRATUS_PASSWORD ? undefined : profile.token);
  const user = env.STRATUS_USER || (token ? undefined : profile.user);
  let password = env.STRATUS_PASSWORD || (env.STRATUS_USER ? undefined : profile.password);
  if (!token && user && password === undefined && isLocalManager(manager)) password = localAdminPassword(env, cwd);
  const wsUrl = env.STRATUS_WS_URL || profile.wsUrl;
  return { name: name ?? DEFAULT_PROFILE_NAME, builtIn, credentials: { manager, user, password, token, tenant: env.STRATUS_TENANT || profile.tenant || DEFAULT_TENANT, ...(wsUrl ? { wsUrl } : {}) } };
}
