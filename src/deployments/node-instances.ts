/**
 * `PATCH /node-instances/{id} {version, state?, runtime_properties?, system_properties?,
 * relationships?, force?}` with Cloudify's optimistic concurrency: a stored version greater than
 * the one sent is 409 `conflict_error` (unless `force`); every update increments the version.
 * The write itself is conditional on the version read, so of two concurrent writers that read the
 * same version exactly one succeeds and the other gets 409: no update is ever lost.
 */
import type { Dict } from '../dsl';
import { badParameters, conflict, entityNotFound } from '../model/errors';
import { KINDS } from '../model/kinds';
import { parseBoolean } from '../api/list/query';
import type { ResourceContext } from '../resources/context';
import { instanceStoreId, NODE_INSTANCE_STATES } from './model';
import type { Entity, NodeInstanceData, NodeInstanceState } from './model';

export interface NodeInstancePatch {
  version: number;
  force: boolean;
  state?: NodeInstanceState;
  runtime_properties?: Dict;
  system_properties?: Dict;
  relationships?: Dict[];
}

const KNOWN = new Set(['version', 'force', 'state', 'runtime_properties', 'system_properties', 'relationships']);

function dict(value: unknown, name: string): Dict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badParameters(`\`${name}\` must be a dict`);
  return value as Dict;
}

export function readNodeInstancePatch(body: Record<string, unknown>): NodeInstancePatch {
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) throw badParameters(`Unknown node instance field \`${key}\``);
  const version = typeof body.version === 'string' && /^\d+$/.test(body.version) ? Number(body.version) : body.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) throw badParameters('`version` is required: the non-negative integer version the update is based on');
  const patch: NodeInstancePatch = { version, force: body.force === undefined || body.force === null ? false : parseBoolean(body.force, 'force') };
  if (body.state !== undefined && body.state !== null) {
    if (typeof body.state !== 'string' || !(NODE_INSTANCE_STATES as readonly string[]).includes(body.state)) {
      throw badParameters(`Invalid node instance state ${JSON.stringify(body.state)}: expected one of ${NODE_INSTANCE_STATES.join(', ')}`);
    }
    patch.state = body.state as NodeInstanceState;
  }
  if (body.runtime_properties !== undefined && body.runtime_properties !== null) patch.runtime_properties = dict(body.runtime_properties, 'runtime_properties');
  if (body.system_properties !== undefined && body.system_properties !== null) patch.system_properties = dict(body.system_properties, 'system_properties');
  if (body.relationships !== undefined && body.relationships !== null) {
    if (!Array.isArray(body.relationships) || body.relationships.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))) {
      throw badParameters('`relationships` must be a list of dicts');
    }
    patch.relationships = body.relationships as Dict[];
  }
  return patch;
}

export function nodeInstanceRef(tenant: string, id: string) {
  return { kind: KINDS.nodeInstance, tenant, id: instanceStoreId(id) };
}

export async function updateNodeInstance(context: ResourceContext, tenant: string, id: string, patch: NodeInstancePatch): Promise<Entity<NodeInstanceData>> {
  const ref = nodeInstanceRef(tenant, id);
  const current = await context.store.get<NodeInstanceData>(ref);
  if (!current) throw entityNotFound('NodeInstance', id);
  if (!patch.force && current.version > patch.version) {
    throw conflict(`Node instance ${id} was updated by another request: the update is based on version ${patch.version}, the stored version is ${current.version}`);
  }
  const { version: _version, force: _force, ...changes } = patch;
  return context.store.update<NodeInstanceData>({ ref, expectedVersion: current.version, data: { ...current.data, ...changes } });
}
