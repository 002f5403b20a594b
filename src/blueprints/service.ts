/**
 * Blueprint use cases besides upload: read (with a large plan fetched from the file store),
 * delete (refused while deployments use the blueprint, unless forced), visibility, labels, and
 * the stored archive.
 */
import { gunzipSync } from 'node:zlib';
import type { Plan } from '../dsl';
import { apiError, entityNotFound, ERROR_CODES } from '../model/errors';
import { KINDS } from '../model/kinds';
import type { Entity } from '../ports/model-store';
import type { Caller, ResourceContext } from '../resources/context';
import { nowIso } from '../resources/context';
import { stampLabels } from '../resources/labels';
import type { LabelInput } from '../resources/labels';
import { deleteUsageOps, USAGE_KINDS, usersOf } from '../resources/usage';
import { checkWidening } from '../resources/visibility';
import type { Visibility } from '../resources/visibility';
import { blueprintPrefix } from './model';
import type { BlueprintData } from './model';

/** Parsed large plans by file key: a stored plan never changes (a re-upload gets a new entity). */
const planCache = new Map<string, Plan>();
const PLAN_CACHE_ENTRIES = 8;

/** A blueprint the caller can see: of its tenant, or global. */
export async function findBlueprint(context: ResourceContext, caller: Caller, id: string): Promise<Entity<BlueprintData>> {
  const blueprint = await context.store.find<BlueprintData>({ kind: KINDS.blueprint, tenant: caller.tenant, id });
  if (!blueprint) throw entityNotFound('Blueprint', id);
  return blueprint;
}

/** A blueprint of the caller's own tenant (others' global blueprints are read-only). */
export async function ownBlueprint(context: ResourceContext, caller: Caller, id: string): Promise<Entity<BlueprintData>> {
  const blueprint = await context.store.get<BlueprintData>({ kind: KINDS.blueprint, tenant: caller.tenant, id });
  if (!blueprint) throw entityNotFound('Blueprint', id);
  return blueprint;
}

/** The blueprint's plan, inline or from the file store; null for a blueprint without one. */
export async function blueprintPlan(context: ResourceContext, blueprint: Entity<BlueprintData>): Promise<Plan | null> {
  if (blueprint.data.plan) return blueprint.data.plan;
  const key = blueprint.data.plan_key;
  if (!key) return null;
  const cacheKey = `${key}@${blueprint.createdAt}`;
  const cached = planCache.get(cacheKey);
  if (cached) return cached;
  const bytes = await context.files.get(key);
  if (!bytes) throw new Error(`The plan of blueprint ${blueprint.id} is missing from the file store (${key})`);
  const plan = JSON.parse(gunzipSync(bytes).toString('utf8')) as Plan;
  if (planCache.size >= PLAN_CACHE_ENTRIES) planCache.delete(planCache.keys().next().value!);
  planCache.set(cacheKey, plan);
  return plan;
}

export async function deleteBlueprint(context: ResourceContext, caller: Caller, id: string, force: boolean): Promise<void> {
  const blueprint = await ownBlueprint(context, caller, id);
  const users = await usersOf(context.store, USAGE_KINDS.blueprint, blueprint);
  if (users.length > 0 && !force) {
    const names = users.map((user) => user.split(':').slice(1).join(':'));
    throw apiError(405, ERROR_CODES.blueprintInUse, `Can't delete blueprint ${id} - There exist deployments for this blueprint; Deployments ids: ${names.join(',')}`);
  }
  await context.store.transact([
    { type: 'delete', ref: blueprint, expectedVersion: blueprint.version },
    ...deleteUsageOps(USAGE_KINDS.plugin, blueprint.data.plugins, { tenant: caller.tenant, id }),
  ]);
  await context.files.deletePrefix(blueprintPrefix(caller.tenant, id));
}

export async function setBlueprintVisibility(context: ResourceContext, caller: Caller, id: string, visibility: Visibility): Promise<Entity<BlueprintData>> {
  const blueprint = await ownBlueprint(context, caller, id);
  checkWidening(blueprint.data.visibility, visibility, `blueprint \`${id}\``);
  return context.store.update<BlueprintData>({
    ref: blueprint,
    expectedVersion: blueprint.version,
    data: { ...blueprint.data, visibility, updated_at: nowIso(context) },
    global: visibility === 'global',
    restricted: visibility === 'private',
  });
}

export async function setBlueprintLabels(context: ResourceContext, caller: Caller, id: string, labels: LabelInput[]): Promise<Entity<BlueprintData>> {
  const now = nowIso(context);
  await ownBlueprint(context, caller, id);
  return context.store.modify<BlueprintData>({ kind: KINDS.blueprint, tenant: caller.tenant, id }, (current) => {
    // Labels that stay keep their creation stamp.
    const kept = current.data.labels.filter((old) => labels.some((label) => label.key === old.key && label.value === old.value));
    const added = labels.filter((label) => !kept.some((old) => old.key === label.key && old.value === label.value));
    return { ...current.data, labels: [...kept, ...stampLabels(added, caller.username, now)], updated_at: now };
  });
}
