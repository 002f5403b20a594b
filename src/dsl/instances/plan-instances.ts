/**
 * Plans the node instances of a new deployment (reference section 5): the containment forest
 * expanded to each unit's count, connected_to/depends_on relationships paired, each instance
 * listing its relationships in template order. Output: nodes in plan order, each node's instances
 * by index.
 */
import type { PlannedNodeInstance } from '../plan';
import { type ForestInstance, Forest, containedRelationship, scalingGroupsOf } from './forest';
import { InstanceIdGenerator, type RandomSource } from './ids';
import { type PairedRelationship, pairRelationships } from './pairing';
import { type PlanningGroup, type PlanningNode, type Topology, buildTopology } from './topology';

export interface PlanInstancesOptions {
  /** Random source for the 6-character id suffixes (Math.random by default). */
  random?: RandomSource;
  /** Ids that must not be used (other deployments' instances, if ids must be unique across them). */
  takenIds?: Iterable<string>;
}

/** A node instance record from the forest and its paired relationships, relationships in template order. */
export function instanceRecord(instance: ForestInstance, paired: PairedRelationship[]): PlannedNodeInstance {
  const relationships: PairedRelationship[] = [];
  const contained = containedRelationship(instance);
  if (contained) relationships.push({ order: instance.unit.contained!.index, relationship: contained });
  relationships.push(...paired);
  // Stable sort: equal orders keep their pairing order.
  relationships.sort((a, b) => a.order - b.order);
  return {
    id: instance.id,
    node_id: instance.unit.name,
    host_id: instance.hostId,
    relationships: relationships.map((r) => r.relationship),
    scaling_groups: scalingGroupsOf(instance),
    index: instance.index,
  };
}

export function forestRecords(forest: Forest, topology: Topology, paired: Map<string, PairedRelationship[]>): PlannedNodeInstance[] {
  return topology.nodeOrder.flatMap((nodeId) =>
    forest
      .instancesOf(nodeId)
      .slice()
      .sort((a, b) => a.index - b.index)
      .map((instance) => instanceRecord(instance, paired.get(instance.id) ?? [])),
  );
}

export function planInstances(nodes: PlanningNode[], scalingGroups: Record<string, PlanningGroup>, options: PlanInstancesOptions = {}): PlannedNodeInstance[] {
  const topology = buildTopology(nodes, scalingGroups);
  const forest = new Forest(topology, new InstanceIdGenerator(options.random, options.takenIds));
  forest.grow((unit) => unit.count);
  return forestRecords(forest, topology, pairRelationships(forest, topology));
}
