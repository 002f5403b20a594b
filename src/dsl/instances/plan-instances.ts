/**
 * Plans the node instances of a new deployment (reference section 5): the containment forest
 * expanded to each unit's count, connected_to/depends_on relationships paired, each instance
 * listing its relationships in template order. Output: nodes in plan order, each node's instances
 * by index.
 */
import type { PlannedNodeInstance } from '../plan';
import { type ForestInstance, Forest, containedRelationship, scalingGroupsOf } from './forest';
import { InstanceIdGenerator, type RandomSource } from './ids';
import { type PairedRelationships, pairRelationships } from './pairing';
import { type PlanningGroup, type PlanningNode, type Topology, buildTopology } from './topology';

export interface PlanInstancesOptions {
  /** Random source for the 6-character id suffixes (Math.random by default). */
  random?: RandomSource;
  /** Ids that must not be used (other deployments' instances, if ids must be unique across them). */
  takenIds?: Iterable<string>;
}

const NONE: PairedRelationships = { relationships: [], orders: [] };

/** A node instance record from the forest and its paired relationships, relationships in template order. */
export function instanceRecord(instance: ForestInstance, paired: PairedRelationships = NONE): PlannedNodeInstance {
  // Paired relationships come in template order; the contained_in one goes in at its own position.
  let relationships = paired.relationships.slice();
  const contained = containedRelationship(instance);
  if (contained) {
    const at = paired.orders.findIndex((order) => order > instance.unit.contained!.index);
    if (at < 0) relationships.push(contained);
    else relationships = [...relationships.slice(0, at), contained, ...relationships.slice(at)];
  }
  return {
    id: instance.id,
    node_id: instance.unit.name,
    host_id: instance.hostId,
    relationships,
    scaling_groups: scalingGroupsOf(instance),
    index: instance.index,
  };
}

function byIndex(instances: ForestInstance[]): ForestInstance[] {
  for (let i = 1; i < instances.length; i++) if (instances[i - 1].index > instances[i].index) return [...instances].sort((a, b) => a.index - b.index);
  return instances;
}

export function forestRecords(forest: Forest, topology: Topology, paired: Map<string, PairedRelationships>): PlannedNodeInstance[] {
  const records: PlannedNodeInstance[] = [];
  for (const nodeId of topology.nodeOrder) for (const instance of byIndex(forest.instancesOf(nodeId))) records.push(instanceRecord(instance, paired.get(instance.id)));
  return records;
}

export function planInstances(nodes: PlanningNode[], scalingGroups: Record<string, PlanningGroup>, options: PlanInstancesOptions = {}): PlannedNodeInstance[] {
  const topology = buildTopology(nodes, scalingGroups);
  const forest = new Forest(topology, new InstanceIdGenerator(options.random, options.takenIds));
  forest.grow((unit) => unit.count);
  return forestRecords(forest, topology, pairRelationships(forest, topology));
}
