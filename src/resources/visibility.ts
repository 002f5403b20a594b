/**
 * Resource visibility (Cloudify's `private | tenant | global`) and the fields every resource
 * carries because of it (reference/cloudify-rest-api.md, "Conventions").
 */
import { badParameters } from '../model/errors';

export type Visibility = 'private' | 'tenant' | 'global';
export const VISIBILITIES: readonly Visibility[] = ['private', 'tenant', 'global'];

export function parseVisibility(value: unknown): Visibility | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (VISIBILITIES as readonly string[]).includes(value)) return value as Visibility;
  throw badParameters(`Invalid visibility ${JSON.stringify(value)}: expected one of ${VISIBILITIES.join(', ')}`);
}

const RANK: Record<Visibility, number> = { private: 0, tenant: 1, global: 2 };

/** Cloudify only lets visibility widen (private → tenant → global), never narrow. */
export function checkWidening(current: Visibility, wanted: Visibility, what: string): void {
  if (RANK[wanted] < RANK[current]) {
    throw badParameters(`Can't set the visibility of ${what} to ${wanted}: it is already ${current} (visibility can only be widened)`);
  }
}

/** The common fields of a resource owned by a tenant. */
export function commonFields(entity: { id: string; tenant: string; createdAt: string }, data: { visibility: Visibility; created_by: string }) {
  return {
    id: entity.id,
    visibility: data.visibility,
    tenant_name: entity.tenant,
    created_by: data.created_by,
    private_resource: data.visibility === 'private',
    resource_availability: data.visibility,
    created_at: entity.createdAt,
  };
}
