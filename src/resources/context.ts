/**
 * What the REST resources of blueprints, plugins, deployments, nodes and node instances need:
 * the ports, the operator's settings, and who is calling in which tenant (authentication and the
 * `Tenant` header are checked before a resource runs; see src/api/auth).
 */
import type { RemoteUrlPolicy } from '../blueprints/remote-archive';
import type { StartResend } from '../executions/queue';
import type { FileStore } from '../ports/file-store';
import type { ModelStore } from '../ports/model-store';
import type { QueueSender } from '../ports/queues';

export interface ResourceContext {
  store: ModelStore;
  files: FileStore;
  queues: QueueSender;
  /** Whether `blueprint_archive_url` / `plugin_archive_url` may be fetched (default off). */
  remoteUrls: RemoteUrlPolicy;
  /** The wake-up that re-sends a lost start of a `pending` execution (absent: no operation store, none). */
  startResend?: StartResend;
  now(): Date;
}

/** The authenticated caller and the tenant the request acts in. */
export interface Caller {
  username: string;
  tenant: string;
  /** `sys_admin`: may see other users' private resources. */
  isAdmin: boolean;
}

export function nowIso(context: Pick<ResourceContext, 'now'>): string {
  return context.now().toISOString();
}
