/**
 * Relationship instances for connected_to / depends_on relationships (contained_in ones come
 * from the instance trees). all_to_all connects every source instance to every target instance;
 * all_to_one connects all of them to one target instance: the one chosen before (when modifying a
 * deployment) or else the lexicographically smallest id. When source and target share a scaling
 * group, pairing happens only inside each instance of that group, and all_to_one is refused.
 */
import { DslError } from '../errors';
import type { InstanceRelationship } from '../plan';
import type { Forest, ForestInstance } from './forest';
import { CONNECTED_TO, DEPENDS_ON, type Topology, containingGroups, isContainedIn } from './topology';

export const ALL_TO_ALL = 'all_to_all';
export const ALL_TO_ONE = 'all_to_one';

/**
 * The relationship instances of one source instance, with the position of each one's template
 * relationship (for ordering). Parallel arrays, filled in template order, because there are
 * tens of thousands of them in a large deployment.
 */
export interface PairedRelationships {
  relationships: InstanceRelationship[];
  orders: number[];
}

/** `source node|target node|relationship type` → target instance ids used before (all_to_one memory). */
export type PreviousTargets = Map<string, Set<string>>;

export function allToOneKey(sourceNode: string, targetNode: string, type: string): string {
  return `${sourceNode}|${targetNode}|${type}`;
}

function connectionType(sourceNode: string, properties: Record<string, unknown> | undefined, target: string): string {
  const value = properties?.connection_type;
  if (value !== ALL_TO_ALL && value !== ALL_TO_ONE) {
    throw new DslError(
      `Illegal connection_type ${JSON.stringify(value ?? null)} in the relationship of node ${sourceNode} to ${target}: it must be ${ALL_TO_ALL} or ${ALL_TO_ONE}`,
      null,
    );
  }
  return value;
}

/** Splits sources and targets by the instance of `group` they belong to. */
function partition(forest: Forest, group: string, sources: ForestInstance[], targets: ForestInstance[]): [ForestInstance[], ForestInstance[]][] {
  const parts = new Map<string, [ForestInstance[], ForestInstance[]]>();
  const part = (instance: ForestInstance) => {
    const key = forest.groupInstance(instance, group)?.id ?? '';
    if (!parts.has(key)) parts.set(key, [[], []]);
    return parts.get(key)!;
  };
  for (const s of sources) part(s)[0].push(s);
  for (const t of targets) part(t)[1].push(t);
  return [...parts.values()];
}

function chooseOne(key: string, targets: ForestInstance[], previous: PreviousTargets | undefined): ForestInstance {
  const before = previous?.get(key);
  if (before && before.size > 1) {
    throw new DslError(`Expected exactly one target instance for the all_to_one relationship ${key.replace(/\|/g, ' -> ')}, found ${before.size}`, null);
  }
  if (before && before.size === 1) {
    const [id] = before;
    const kept = targets.find((t) => t.id === id);
    if (kept) return kept;
  }
  return targets.reduce((min, t) => (t.id < min.id ? t : min));
}

/** Relationship instances of every connected_to/depends_on relationship, by source instance id. */
export function pairRelationships(forest: Forest, topology: Topology, previous?: PreviousTargets): Map<string, PairedRelationships> {
  const result = new Map<string, PairedRelationships>();
  for (const nodeId of topology.nodeOrder) {
    const unit = topology.units.get(nodeId)!;
    for (const [order, rel] of unit.node!.relationships.entries()) {
      if (isContainedIn(rel)) continue;
      if (!rel.type_hierarchy.includes(DEPENDS_ON) && !rel.type_hierarchy.includes(CONNECTED_TO)) {
        throw new DslError(
          `Relationship ${rel.type} of node ${nodeId} is not supported: relationship types must derive from cloudify.relationships.depends_on, connected_to or contained_in`,
          null,
        );
      }
      const targetUnit = topology.units.get(rel.target_id);
      if (!targetUnit || targetUnit.group) throw new DslError(`Node ${nodeId} has a relationship to an unknown node ${rel.target_id}`, 25);
      const type = connectionType(nodeId, rel.properties, rel.target_id);
      let sources = forest.instancesOf(nodeId);
      let targets = forest.instancesOf(rel.target_id);
      if (sources.length === 0 || targets.length === 0) continue;
      const theirs = new Set(containingGroups(topology, rel.target_id));
      const sharedGroup = containingGroups(topology, nodeId).find((g) => theirs.has(g));
      if (type === ALL_TO_ONE) {
        if (sharedGroup) {
          throw new DslError(
            `'${ALL_TO_ONE}' connection type is not supported within groups, but the source node '${nodeId}' and target node '${rel.target_id}' are both in group '${sharedGroup}'`,
            null,
          );
        }
        targets = [chooseOne(allToOneKey(nodeId, rel.target_id, rel.type), targets, previous)];
      }
      const parts = sharedGroup ? partition(forest, sharedGroup, sources, targets) : [[sources, targets] as [ForestInstance[], ForestInstance[]]];
      for ([sources, targets] of parts) {
        for (const source of sources) {
          let paired = result.get(source.id);
          if (!paired) result.set(source.id, (paired = { relationships: [], orders: [] }));
          for (const target of targets) {
            paired.relationships.push({ type: rel.type, target_name: rel.target_id, target_id: target.id });
            paired.orders.push(order);
          }
        }
      }
    }
  }
  return result;
}
