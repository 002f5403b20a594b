/**
 * First start: the `default_tenant` tenant and the `admin` user (system role `sys_admin`, member
 * of `default_tenant`) are created when missing, the password read from the AdminPasswordSource
 * (Secrets Manager in AWS, STRATUS_ADMIN_PASSWORD or `.stratus/admin-password` locally). What
 * exists is never touched, so a password changed through the API stays changed. Safe to run from
 * many processes at once (creates are conditional; losing a race is fine).
 */
import { ADMIN_USERNAME, DEFAULT_TENANT, DEFAULT_TENANT_ROLE } from '../../model/auth';
import type { TenantData, UserData } from '../../model/auth';
import { KINDS } from '../../model/kinds';
import type { AdminPasswordSource } from '../../ports/admin-password';
import { SYSTEM_SCOPE } from '../../ports/model-store';
import type { ModelStore } from '../../ports/model-store';
import { ApiError } from '../errors';
import { hashPassword } from './passwords';

async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!(err instanceof ApiError && err.statusCode === 409)) throw err;
  }
}

export async function bootstrapManager(store: ModelStore, admin: AdminPasswordSource): Promise<void> {
  const tenantRef = { kind: KINDS.tenant, tenant: SYSTEM_SCOPE, id: DEFAULT_TENANT };
  if (!(await store.get(tenantRef))) {
    await createIfMissing(() => store.create<TenantData>({ ...tenantRef, data: { name: DEFAULT_TENANT, created_by: ADMIN_USERNAME } }));
  }
  const { username, password } = await admin.read();
  const userRef = { kind: KINDS.user, tenant: SYSTEM_SCOPE, id: username || ADMIN_USERNAME };
  if (await store.get(userRef)) return;
  if (!password) throw new Error('The initial admin password is empty');
  const user: UserData = {
    username: userRef.id,
    role: 'sys_admin',
    password_hash: await hashPassword(password),
    tenants: { [DEFAULT_TENANT]: DEFAULT_TENANT_ROLE },
    active: true,
    first_name: null,
    last_name: null,
    last_login_at: null,
  };
  await createIfMissing(() => store.create<UserData>({ ...userRef, data: user }));
}

/** Runs the bootstrap once per process; a failure is retried on the next call. */
export function onceBootstrap(store: ModelStore, admin: AdminPasswordSource): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= bootstrapManager(store, admin).catch((err: unknown) => {
      done = undefined;
      throw err;
    });
    return done;
  };
}
