/**
 * "In use" bookkeeping: a blueprint records which plugins it imported, a deployment which
 * blueprint it was created from, as small usage entities listed under the used resource (its
 * tenant, its id as parent). Deleting a used resource is then one `count`, not a scan of every
 * blueprint or deployment; a user in another tenant (of a global resource) counts too.
 */
import type { EntityRef, ModelStore, NewEntity, WriteOp } from '../ports/model-store';

export const USAGE_KINDS = {
  /** A deployment using a blueprint. */
  blueprint: 'blueprint_use',
  /** A blueprint using a plugin. */
  plugin: 'plugin_use',
} as const;

export type UsageKind = (typeof USAGE_KINDS)[keyof typeof USAGE_KINDS];

export interface Owned {
  tenant: string;
  id: string;
}

export interface UsageData {
  user_tenant: string;
  user_id: string;
}

function usageId(user: Owned): string {
  return `${user.tenant}:${user.id}`;
}

export function usageRef(kind: UsageKind, used: Owned, user: Owned): EntityRef {
  return { kind, tenant: used.tenant, id: `${used.id}:${usageId(user)}` };
}

export function newUsage(kind: UsageKind, used: Owned, user: Owned): NewEntity<UsageData> {
  return { ...usageRef(kind, used, user), parent: used.id, data: { user_tenant: user.tenant, user_id: user.id } };
}

export function createUsageOps(kind: UsageKind, used: Owned[], user: Owned): WriteOp[] {
  return used.map((target) => ({ type: 'create', entity: newUsage(kind, target, user) }));
}

export function deleteUsageOps(kind: UsageKind, used: Owned[], user: Owned): WriteOp[] {
  return used.map((target) => ({ type: 'delete', ref: usageRef(kind, target, user) }));
}

/** Who uses a resource: `tenant:id` of each user. */
export async function usersOf(store: ModelStore, kind: UsageKind, used: Owned): Promise<string[]> {
  const records = await store.all<UsageData>({ tenant: used.tenant, kind, parent: used.id });
  return records.map((record) => `${record.data.user_tenant}:${record.data.user_id}`);
}
