/**
 * Deployment modification (scale): recomputes the node instances after the instance count of some
 * nodes or scaling groups changed, keeping every existing instance that stays (same id, index,
 * host and relationships) and planning only what is new.
 *
 * Removal is deterministic: for each parent instance (or group instance) that has too many
 * instances of a modified unit, first the ids named in `removed_ids_include_hint` go, then the
 * newest instances (highest index first) that are not in `removed_ids_exclude_hint`, and only if
 * that is still not enough, the newest excluded ones. A hint may name the instance itself or any
 * instance inside it (a member of a scaling-group instance names that group instance).
 * Everything contained in a removed instance is removed with it.
 */
import { DslError } from '../errors';
import type { InstanceRelationship, PlannedNodeInstance } from '../plan';
import { type ForestInstance, Forest, type RemovalChooser } from './forest';
import { InstanceIdGenerator, type RandomSource } from './ids';
import { ALL_TO_ONE, type PreviousTargets, allToOneKey, pairRelationships } from './pairing';
import { instanceRecord } from './plan-instances';
import { type PlanningGroup, type PlanningNode, type Topology, type Unit, buildTopology, isContainedIn } from './topology';

export interface ModifiedEntity {
  /** The new number of instances (per instance of the parent, like number_of_instances). */
  instances: number;
  removed_ids_include_hint?: string[];
  removed_ids_exclude_hint?: string[];
}

export interface ModifyDeploymentInput {
  nodes: PlanningNode[];
  scalingGroups: Record<string, PlanningGroup>;
  /** The deployment's node instances as they are. */
  instances: PlannedNodeInstance[];
  /** New counts by node id or scaling-group name. */
  modified: Record<string, ModifiedEntity>;
  random?: RandomSource;
}

/** Relationship instances an existing instance gains or loses. */
export interface RelationshipChange {
  id: string;
  node_id: string;
  relationships: InstanceRelationship[];
}

export interface DeploymentModification {
  /** New instances, complete (relationships included). */
  added: PlannedNodeInstance[];
  /** Instances that go, as they were. */
  removed: PlannedNodeInstance[];
  /** Existing instances that gain relationships to added instances (only the new relationships). */
  extended: RelationshipChange[];
  /** Existing instances that lose relationships to removed instances (only the lost relationships). */
  reduced: RelationshipChange[];
  /** All node instances after the modification. */
  node_instances: PlannedNodeInstance[];
}

function modificationError(message: string): DslError {
  return new DslError(message, null, undefined, 'bad_parameters_error');
}

function depthOf(topology: Topology, unit: Unit): number {
  let depth = 0;
  for (let u = unit; u.parent !== null; u = topology.units.get(u.parent)!) depth++;
  return depth;
}

/** Where an existing instance sits: its parent instance id (null for a root). */
interface Placement {
  record?: PlannedNodeInstance;
  unit: Unit;
  id: string;
  parentId: string | null | undefined;
  index: number;
}

function containedTarget(record: PlannedNodeInstance, unit: Unit): string | undefined {
  return record.relationships.find((r) => r.target_name === unit.contained?.target)?.target_id;
}

/** Rebuilds the forest (node and scaling-group instances) from the stored instances. */
function loadForest(topology: Topology, records: PlannedNodeInstance[], ids: InstanceIdGenerator): Forest {
  const forest = new Forest(topology, ids);
  const placements = new Map<string, Placement>();
  for (const record of records) {
    ids.reserve(record.id);
    const unit = topology.units.get(record.node_id);
    if (!unit || unit.group) throw modificationError(`Node instance ${record.id} belongs to an unknown node ${record.node_id}`);
    const chain = record.scaling_groups ?? [];
    chain.forEach((g, k) => {
      const groupUnit = topology.units.get(g.name);
      if (!groupUnit?.group) throw modificationError(`Node instance ${record.id} is in an unknown scaling group ${g.name}`);
      ids.reserve(g.id);
      const known = placements.get(g.id) ?? { unit: groupUnit, id: g.id, parentId: undefined, index: placements.size };
      if (k + 1 < chain.length) known.parentId = chain[k + 1].id;
      else if (groupUnit.parent === null) known.parentId = null;
      else if (unit.contained) known.parentId ??= containedTarget(record, unit);
      placements.set(g.id, known);
    });
    const parentId = unit.parent === null ? null : topology.units.get(unit.parent)!.group ? chain[0]?.id : containedTarget(record, unit);
    placements.set(record.id, { record, unit, id: record.id, parentId, index: record.index ?? placements.size });
  }
  const ordered = [...placements.values()].sort((a, b) => depthOf(topology, a.unit) - depthOf(topology, b.unit) || a.index - b.index);
  for (const p of ordered) {
    if (p.parentId === undefined) throw modificationError(`Cannot find the container of instance ${p.id} (${p.unit.name})`);
    const parent = p.parentId === null ? null : forest.byId.get(p.parentId);
    if (parent === undefined) throw modificationError(`Instance ${p.id} is contained in ${p.parentId}, which does not exist`);
    forest.attach({ id: p.id, unit: p.unit, parent, children: new Map(), hostId: p.record?.host_id ?? parent?.hostId ?? null, index: p.index, previous: p.record });
  }
  return forest;
}

function removalChooser(forest: Forest, entity: ModifiedEntity): RemovalChooser {
  return (_unit, candidates, count) => {
    const byCandidate = (hint: string): ForestInstance | undefined => {
      for (let i = forest.byId.get(hint); i; i = i.parent ?? undefined) if (candidates.includes(i)) return i;
      return undefined;
    };
    const include = (entity.removed_ids_include_hint ?? []).map(byCandidate).filter((i): i is ForestInstance => i !== undefined);
    const exclude = new Set((entity.removed_ids_exclude_hint ?? []).map(byCandidate));
    const newestFirst = [...candidates].sort((a, b) => b.index - a.index);
    const chosen = new Set<ForestInstance>();
    for (const pool of [include, newestFirst.filter((i) => !exclude.has(i)), newestFirst]) {
      for (const instance of pool) if (chosen.size < count) chosen.add(instance);
    }
    return [...chosen];
  };
}

/** Targets each all_to_one relationship used before, so a scale keeps them. */
function previousAllToOne(nodes: PlanningNode[], records: PlannedNodeInstance[]): PreviousTargets {
  // Only relationships that are the node's one relationship of their type to their target can be
  // told apart in the stored instances (which record type and target, not the template).
  const allToOne = new Set<string>();
  for (const n of nodes) {
    const seen = new Map<string, number>();
    for (const rel of n.relationships) seen.set(allToOneKey(n.id, rel.target_id, rel.type), (seen.get(allToOneKey(n.id, rel.target_id, rel.type)) ?? 0) + 1);
    for (const rel of n.relationships) {
      const key = allToOneKey(n.id, rel.target_id, rel.type);
      if (!isContainedIn(rel) && rel.properties?.connection_type === ALL_TO_ONE && seen.get(key) === 1) allToOne.add(key);
    }
  }
  const result: PreviousTargets = new Map();
  for (const record of records) {
    for (const rel of record.relationships) {
      const key = allToOneKey(record.node_id, rel.target_name, rel.type);
      if (!allToOne.has(key)) continue;
      if (!result.has(key)) result.set(key, new Set());
      result.get(key)!.add(rel.target_id);
    }
  }
  return result;
}

const relKey = (r: InstanceRelationship) => `${r.type}|${r.target_name}|${r.target_id}`;

/** An existing instance's new record: its relationships minus lost targets plus new ones, in template order. */
function updatedRecord(instance: ForestInstance, forest: Forest, fresh: PlannedNodeInstance): { record: PlannedNodeInstance; gained: InstanceRelationship[]; lost: InstanceRelationship[] } {
  const previous = instance.previous!;
  const templates = instance.unit.node!.relationships;
  const orderOf = (r: InstanceRelationship) => {
    const i = templates.findIndex((t) => t.type === r.type && t.target_id === r.target_name);
    return i < 0 ? templates.length : i;
  };
  const kept = previous.relationships.filter((r) => forest.byId.has(r.target_id));
  const lost = previous.relationships.filter((r) => !forest.byId.has(r.target_id));
  const keptKeys = new Set(kept.map(relKey));
  const gained = fresh.relationships.filter((r) => !keptKeys.has(relKey(r)));
  const merged = [...kept, ...gained].map((r, seq) => ({ r, seq, order: orderOf(r) }));
  merged.sort((a, b) => a.order - b.order || a.seq - b.seq);
  return { record: { ...previous, relationships: merged.map((m) => m.r) }, gained, lost };
}

export function modifyDeployment(input: ModifyDeploymentInput): DeploymentModification {
  const topology = buildTopology(input.nodes, input.scalingGroups);
  for (const [name, entity] of Object.entries(input.modified)) {
    if (!topology.units.has(name)) throw modificationError(`${name} is neither a node nor a scaling group of this deployment`);
    if (!Number.isInteger(entity.instances) || entity.instances < 0) throw modificationError(`The new number of instances of ${name} must be a non-negative integer, got ${entity.instances}`);
  }
  const ids = new InstanceIdGenerator(input.random);
  const forest = loadForest(topology, input.instances, ids);
  forest.grow(
    (unit) => input.modified[unit.name]?.instances ?? unit.count,
    (unit) => (input.modified[unit.name] ? removalChooser(forest, input.modified[unit.name]) : undefined),
  );
  const paired = pairRelationships(forest, topology, previousAllToOne(input.nodes, input.instances));
  const result: DeploymentModification = { added: [], removed: [], extended: [], reduced: [], node_instances: [] };
  for (const nodeId of topology.nodeOrder) {
    for (const instance of [...forest.instancesOf(nodeId)].sort((a, b) => a.index - b.index)) {
      const fresh = instanceRecord(instance, paired.get(instance.id));
      if (!instance.previous) {
        result.added.push(fresh);
        result.node_instances.push(fresh);
        continue;
      }
      const { record, gained, lost } = updatedRecord(instance, forest, fresh);
      if (gained.length) result.extended.push({ id: record.id, node_id: record.node_id, relationships: gained });
      if (lost.length) result.reduced.push({ id: record.id, node_id: record.node_id, relationships: lost });
      result.node_instances.push(record);
    }
  }
  result.removed = forest.removed.filter((i) => i.previous).map((i) => i.previous!);
  return result;
}

/** Bounds of a scalable entity: `[min, max]`, max -1 meaning unbounded. */
function boundsOf(topology: Topology, name: string, nodes: PlanningNode[], groups: Record<string, PlanningGroup>): [number, number] {
  const unit = topology.units.get(name)!;
  if (unit.group) {
    const p = groups[name].properties;
    return [Number(p.min_instances ?? 0), Number(p.max_instances ?? -1)];
  }
  const node = nodes.find((n) => n.id === name)!;
  const scalable = node.capabilities?.scalable?.properties;
  return [Number(node.min_number_of_instances ?? scalable?.min_instances ?? 0), Number(node.max_number_of_instances ?? scalable?.max_instances ?? -1)];
}

/**
 * The `modified` entry of a scale by `delta` of a node or scaling group, checked against the
 * entity's min/max instances.
 */
export function scaleModification(
  nodes: PlanningNode[],
  scalingGroups: Record<string, PlanningGroup>,
  entity: string,
  delta: number,
  hints: { include?: string[]; exclude?: string[] } = {},
): Record<string, ModifiedEntity> {
  if (!Number.isInteger(delta)) throw modificationError(`delta must be an integer, got ${delta}`);
  const topology = buildTopology(nodes, scalingGroups);
  const unit = topology.units.get(entity);
  if (!unit) throw modificationError(`${entity} is neither a node nor a scaling group of this deployment`);
  const current = unit.count;
  const wanted = current + delta;
  const [min, max] = boundsOf(topology, entity, nodes, scalingGroups);
  if (wanted < 0) throw modificationError(`Provided delta: ${delta} is illegal. current number of instances of entity ${entity} is ${current}`);
  if (wanted < min || (max !== -1 && wanted > max)) {
    throw modificationError(`Scaling ${entity} by ${delta} gives ${wanted} instances, outside its bounds [${min}, ${max === -1 ? 'UNBOUNDED' : max}]`);
  }
  return { [entity]: { instances: wanted, removed_ids_include_hint: hints.include, removed_ids_exclude_hint: hints.exclude } };
}
