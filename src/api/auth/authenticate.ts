/**
 * Who is calling and in which tenant (reference/cloudify-rest-api.md, "Authentication and tenants"):
 * - `Authentication-Token: ctok-<id>-<secret>` or `Authorization: Basic base64(user:pass)`;
 *   missing or wrong credentials, an expired token or an inactive user → 401 `unauthorized_error`;
 * - `Tenant: <name>` (absent: `default_tenant`); a tenant that does not exist, or that a
 *   non-admin user is not a member of → 403 `forbidden_error`. `sys_admin` users may act in every tenant.
 *
 * Cost per request: one read of the user (and one of the token) and one of the tenant, cached for
 * a few seconds. Verified Basic credentials are remembered for a few minutes under a hash of
 * (user, password, stored hash), so scrypt runs once per user and password change, not per request.
 * Credentials never appear in errors or logs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_TENANT } from '../../model/auth';
import type { TenantData, TokenData, UserData } from '../../model/auth';
import { KINDS } from '../../model/kinds';
import { forbidden, unauthorized } from '../../model/errors';
import { SYSTEM_SCOPE } from '../../ports/model-store';
import type { Entity, ModelStore } from '../../ports/model-store';
import type { ApiRequest } from '../http';
import { hashPassword, verifyPassword } from './passwords';
import { parseTokenValue, tokenSecretMatches } from './tokens';
import { TtlCache } from './ttl-cache';

export interface RequestContext {
  username: string;
  user: Entity<UserData>;
  isAdmin: boolean;
  /** The request's tenant, checked: it exists and the user may act in it. */
  tenant: string;
  /** The id of the token the request came with, if any. */
  tokenId?: string;
}

/** How long a verified password stays verified (a password change takes effect at once: the stored hash is in the key). */
const PASSWORD_CACHE_MS = 5 * 60 * 1000;
/** How long a tenant's existence and a user document are reused without reading them again. */
const DIRECTORY_CACHE_MS = 2 * 1000;
/** `last_used` of a token is written at most this often. */
const TOKEN_TOUCH_MS = 60 * 1000;

function header(request: ApiRequest, name: string): string | undefined {
  const value = request.headers[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export class Authentication {
  private readonly verified = new TtlCache<true>(PASSWORD_CACHE_MS, 10000);
  private readonly users = new TtlCache<Entity<UserData>>(DIRECTORY_CACHE_MS, 10000);
  private readonly tenants = new TtlCache<boolean>(DIRECTORY_CACHE_MS, 10000);
  /** Reads in flight: concurrent requests after a cache entry expired share one read (no burst of reads). */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** Bumped by invalidate: a read that started before does not refill the cache. */
  private generation = 0;
  /** Per-process salt for the verified-credentials cache keys. */
  private readonly pepper = randomBytes(16);
  /** A hash to spend scrypt time on when the user does not exist (no user enumeration by timing). */
  private dummyHash?: Promise<string>;

  constructor(
    private readonly store: ModelStore,
    private readonly ready: () => Promise<void>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Authenticates the request and checks its tenant. */
  async authenticate(request: ApiRequest): Promise<RequestContext> {
    await this.ready();
    const token = header(request, 'authentication-token');
    const basic = header(request, 'authorization');
    let identity: { user: Entity<UserData>; tokenId?: string };
    if (token !== undefined) identity = await this.fromToken(token);
    else if (basic !== undefined) identity = { user: await this.fromBasic(basic) };
    else throw unauthorized('No authentication info provided: send Authorization: Basic or an Authentication-Token header');
    const { user } = identity;
    if (!user.data.active) throw unauthorized('User is deactivated');
    const tenant = header(request, 'tenant') ?? DEFAULT_TENANT;
    const isAdmin = user.data.role === 'sys_admin';
    if (!(await this.tenantExists(tenant))) throw forbidden(`Tenant \`${tenant}\` does not exist or is not accessible`);
    if (!isAdmin && user.data.tenants[tenant] === undefined) {
      throw forbidden(`User \`${user.data.username}\` is not a member of tenant \`${tenant}\``);
    }
    return { username: user.data.username, user, isAdmin, tenant, ...(identity.tokenId ? { tokenId: identity.tokenId } : {}) };
  }

  /** Forgets cached facts about a user or tenant (after it changed through this process). */
  invalidate(what: { username?: string; tenant?: string }): void {
    this.generation++;
    if (what.username !== undefined) {
      this.users.delete(what.username);
      this.pending.delete(`u:${what.username}`);
    }
    if (what.tenant !== undefined) {
      this.tenants.delete(what.tenant);
      this.pending.delete(`t:${what.tenant}`);
    }
  }

  /** One read per key at a time; its result is cached (if `keep` says so) unless invalidated meanwhile. */
  private shared<V>(key: string, read: () => Promise<V>, keep: (value: V) => void): Promise<V> {
    const inFlight = this.pending.get(key) as Promise<V> | undefined;
    if (inFlight) return inFlight;
    const generation = this.generation;
    const promise = read()
      .then((value) => {
        if (generation === this.generation) keep(value);
        return value;
      })
      .finally(() => {
        if (this.pending.get(key) === promise) this.pending.delete(key);
      });
    this.pending.set(key, promise);
    return promise;
  }

  // Only what exists is cached: a user or tenant just created by another process works at once.
  private async user(username: string): Promise<Entity<UserData> | undefined> {
    const cached = this.users.get(username);
    if (cached) return cached;
    return this.shared(
      `u:${username}`,
      () => this.store.get<UserData>({ kind: KINDS.user, tenant: SYSTEM_SCOPE, id: username }),
      (user) => user && this.users.set(username, user),
    );
  }

  private async tenantExists(name: string): Promise<boolean> {
    if (this.tenants.get(name)) return true;
    if (name === SYSTEM_SCOPE || name.includes('#')) return false;
    return this.shared(
      `t:${name}`,
      async () => (await this.store.get<TenantData>({ kind: KINDS.tenant, tenant: SYSTEM_SCOPE, id: name })) !== undefined,
      (exists) => exists && this.tenants.set(name, true),
    );
  }

  private async fromBasic(headerValue: string): Promise<Entity<UserData>> {
    const match = /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(headerValue);
    if (!match) throw unauthorized('Unsupported Authorization header: expected Basic credentials');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw unauthorized('Malformed Basic credentials');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = username.length <= 256 && !username.includes('#') ? await this.user(username) : undefined;
    if (!user) {
      await verifyPassword(password, await this.dummy());
      throw unauthorized('Wrong username or password');
    }
    const key = createHash('sha256').update(this.pepper).update(username).update('\0').update(password).update('\0').update(user.data.password_hash).digest('base64');
    if (this.verified.get(key)) return user;
    if (!(await verifyPassword(password, user.data.password_hash))) throw unauthorized('Wrong username or password');
    this.verified.set(key, true);
    return user;
  }

  private async fromToken(value: string): Promise<{ user: Entity<UserData>; tokenId: string }> {
    const parts = parseTokenValue(value);
    if (!parts) throw unauthorized('Malformed authentication token');
    const token = await this.store.get<TokenData>({ kind: KINDS.token, tenant: SYSTEM_SCOPE, id: parts.id });
    if (!token || !tokenSecretMatches(parts.secret, token.data.secret_hash)) throw unauthorized('Invalid authentication token');
    const now = this.now();
    if (token.data.expiration_date !== null && Date.parse(token.data.expiration_date) <= now.getTime()) {
      throw unauthorized('Authentication token has expired');
    }
    const user = await this.user(token.data.username);
    if (!user) throw unauthorized('Invalid authentication token');
    await this.touch(token, now);
    return { user, tokenId: parts.id };
  }

  private async touch(token: Entity<TokenData>, now: Date): Promise<void> {
    const last = token.data.last_used === null ? 0 : Date.parse(token.data.last_used);
    if (now.getTime() - last < TOKEN_TOUCH_MS) return;
    // Best effort: a concurrent touch or a deleted token must not fail the request.
    await this.store
      .update<TokenData>({ ref: token, expectedVersion: token.version, data: { ...token.data, last_used: now.toISOString() } })
      .catch(() => undefined);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
    return this.dummyHash;
  }
}
