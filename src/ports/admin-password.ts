/**
 * Port for the initial admin password, read once when the manager bootstraps its `admin` user:
 * a Secrets Manager secret in AWS (adapters/secrets-manager/admin-password.ts), the local
 * runtime's STRATUS_ADMIN_PASSWORD or `.stratus/admin-password` locally.
 */
export interface AdminPasswordSource {
  /** The username and password of the first admin. */
  read(): Promise<{ username: string; password: string }>;
}
