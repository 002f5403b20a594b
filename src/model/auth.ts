/**
 * Tenants, users and tokens as stored (SYSTEM_SCOPE entities of kinds `tenant`, `user`, `token`).
 * Cloudify's roles: a *system role* per user (`sys_admin` may do everything in every tenant;
 * `default` may act only in the tenants it is a member of) and a *tenant role* per membership
 * (Stratus knows `user`; other names are kept and treated as `user`).
 */

export const DEFAULT_TENANT = 'default_tenant';
export const ADMIN_USERNAME = 'admin';

export type SystemRole = 'sys_admin' | 'default';
export const SYSTEM_ROLES: readonly SystemRole[] = ['sys_admin', 'default'];
export const DEFAULT_TENANT_ROLE = 'user';

export interface TenantData {
  name: string;
  created_by: string;
}

export interface UserData {
  username: string;
  role: SystemRole;
  /** scrypt hash (src/api/auth/passwords.ts). Never leaves the server. */
  password_hash: string;
  /** tenant name → tenant role. */
  tenants: Record<string, string>;
  active: boolean;
  first_name?: string | null;
  last_name?: string | null;
  last_login_at?: string | null;
}

export interface TokenData {
  username: string;
  /** The user's system role when the token was made (Cloudify shows it with the token). */
  role?: SystemRole;
  /** SHA-256 of the token secret (hex). */
  secret_hash: string;
  description: string | null;
  /** ISO timestamp, or null for no expiry. */
  expiration_date: string | null;
  last_used: string | null;
}
