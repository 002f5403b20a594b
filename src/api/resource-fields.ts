/**
 * Fields every Cloudify resource carries (reference/cloudify-rest-api.md, "Conventions"), rendered
 * from a stored entity whose document holds `visibility` and `created_by`, and the visibility rule:
 * a resource is seen by its tenant (the store already scoped the read), by every tenant when
 * global, and when `private` only by its creator and sys_admin users.
 */
import type { Entity } from '../ports/model-store';
import type { RequestContext } from './auth/authenticate';
import type { Visibility } from './body';

export const COMMON_FIELDS = ['id', 'visibility', 'tenant_name', 'created_by', 'private_resource', 'resource_availability', 'created_at'] as const;

export interface Owned {
  visibility?: Visibility;
  created_by?: string;
}

export function commonFields(entity: Entity<Owned>): Record<string, unknown> {
  const visibility = entity.global ? 'global' : (entity.data.visibility ?? 'tenant');
  return {
    id: entity.id,
    visibility,
    tenant_name: entity.tenant,
    created_by: entity.data.created_by ?? null,
    private_resource: visibility === 'private',
    resource_availability: visibility,
    created_at: entity.createdAt,
  };
}

export function canSee(entity: Entity<Owned>, context: RequestContext): boolean {
  if (entity.data.visibility !== 'private') return true;
  return context.isAdmin || entity.data.created_by === context.username;
}
