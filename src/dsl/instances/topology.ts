/**
 * The containment forest planning expands: nodes and scaling groups ("units"), each with the unit
 * it is contained in. A scaling group acts as a virtual container: its member nodes are contained
 * in it, and the outermost group takes the place of its members' contained_in target. Members
 * contained (transitively) in another member of the same group are dropped from it, as Cloudify does.
 */
import { DslError } from '../errors';
import type { Dict, Value } from '../plan';

export const CONTAINED_IN = 'cloudify.relationships.contained_in';
export const CONNECTED_TO = 'cloudify.relationships.connected_to';
export const DEPENDS_ON = 'cloudify.relationships.depends_on';

/** The parts of a node planning reads (a plan node, or a stored deployment node). */
export interface PlanningNode {
  id: string;
  host_id: string | null;
  relationships: { type: string; target_id: string; type_hierarchy: string[]; properties?: Dict }[];
  number_of_instances?: number;
  min_number_of_instances?: number;
  max_number_of_instances?: number;
  capabilities?: { scalable?: { properties?: { current_instances?: Value; min_instances?: Value; max_instances?: Value } } };
  instances?: { deploy?: Value };
}

export interface PlanningGroup {
  members: string[];
  properties: { current_instances?: Value; min_instances?: Value; max_instances?: Value };
}

export interface Unit {
  name: string;
  group: boolean;
  /** Instances per instance of the parent unit. */
  count: number;
  parent: string | null;
  children: string[];
  node?: PlanningNode;
  /** Position and value of the node's contained_in relationship. */
  contained?: { index: number; type: string; target: string };
}

export interface Topology {
  units: Map<string, Unit>;
  roots: string[];
  /** Node ids in plan order. */
  nodeOrder: string[];
}

function planningError(message: string, code: number | null = null): DslError {
  return new DslError(message, code);
}

export function isContainedIn(rel: { type_hierarchy: string[] }): boolean {
  return rel.type_hierarchy.includes(CONTAINED_IN);
}

function checkCount(what: string, value: Value | undefined): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw planningError(`The number of instances of ${what} must be a non-negative integer, got ${JSON.stringify(value ?? null)}`, 207);
  }
  return value;
}

/** Instances per parent instance: number_of_instances (a deployment node), else the scalable current_instances, else instances.deploy. */
export function nodeInstanceCount(node: PlanningNode): number {
  const value = node.number_of_instances ?? node.capabilities?.scalable?.properties?.current_instances ?? node.instances?.deploy ?? 1;
  return checkCount(`node ${node.id}`, value);
}

export function groupInstanceCount(name: string, group: PlanningGroup): number {
  return checkCount(`scaling group ${name}`, group.properties.current_instances ?? 1);
}

function containedRelationship(node: PlanningNode): Unit['contained'] {
  const index = node.relationships.findIndex(isContainedIn);
  if (index < 0) return undefined;
  const rel = node.relationships[index];
  return { index, type: rel.type, target: rel.target_id };
}

/** Direct scaling-group membership of nodes and groups, with contained members dropped. */
function memberships(nodes: Map<string, PlanningNode>, groups: Record<string, PlanningGroup>): Map<string, string> {
  const groupOf = new Map<string, string>();
  for (const [name, group] of Object.entries(groups)) {
    for (const member of group.members) {
      if (!nodes.has(member) && !(member in groups)) throw planningError(`Scaling group ${name} has an unknown member ${member}`, 205);
      const other = groupOf.get(member);
      if (other !== undefined && other !== name) throw planningError(`${member} is a member of more than one scaling group: ${other}, ${name}`, 201);
      groupOf.set(member, name);
    }
  }
  const outermost = (group: string): string => {
    const seen = new Set<string>();
    for (let g = group; ; g = groupOf.get(g)!) {
      if (seen.has(g)) throw planningError(`Scaling groups contain each other in a cycle through ${g}`, 200);
      seen.add(g);
      if (!groupOf.has(g)) return g;
    }
  };
  const nodesUnder = new Map<string, Set<string>>();
  for (const [member, group] of groupOf) {
    if (!nodes.has(member)) continue;
    const top = outermost(group);
    if (!nodesUnder.has(top)) nodesUnder.set(top, new Set());
    nodesUnder.get(top)!.add(member);
  }
  for (const [member, group] of [...groupOf]) {
    const node = nodes.get(member);
    if (!node) continue;
    const inGroup = nodesUnder.get(outermost(group))!;
    const seen = new Set<string>([member]);
    for (let c = containedRelationship(node); c && !seen.has(c.target); c = nodes.get(c.target) && containedRelationship(nodes.get(c.target)!)) {
      seen.add(c.target);
      if (inGroup.has(c.target)) {
        groupOf.delete(member);
        break;
      }
    }
  }
  return groupOf;
}

export function buildTopology(nodeList: PlanningNode[], groups: Record<string, PlanningGroup>): Topology {
  const nodes = new Map(nodeList.map((n) => [n.id, n]));
  const groupOf = memberships(nodes, groups);
  const units = new Map<string, Unit>();
  for (const name of Object.keys(groups)) {
    if (nodes.has(name)) throw planningError(`Scaling group ${name} has the name of a node template`, 211);
    units.set(name, { name, group: true, count: groupInstanceCount(name, groups[name]), parent: groupOf.get(name) ?? null, children: [] });
  }
  const topOf = (group: string): Unit => {
    let unit = units.get(group)!;
    while (unit.parent !== null && units.get(unit.parent)?.group) unit = units.get(unit.parent)!;
    return unit;
  };
  for (const node of nodeList) {
    const contained = containedRelationship(node);
    if (contained && !nodes.has(contained.target)) throw planningError(`Node ${node.id} is contained in an unknown node ${contained.target}`, 25);
    const group = groupOf.get(node.id);
    let parent = contained?.target ?? null;
    if (group !== undefined) {
      parent = group;
      if (contained) {
        const top = topOf(group);
        if (top.parent !== null && top.parent !== contained.target) {
          throw planningError(`Members of scaling group ${top.name} are contained in different nodes (${top.parent}, ${contained.target})`, 202);
        }
        top.parent = contained.target;
      }
    }
    units.set(node.id, { name: node.id, group: false, count: nodeInstanceCount(node), parent, children: [], node, contained });
  }
  const roots: string[] = [];
  // Children in plan order: nodes first, then groups, so planning is deterministic.
  for (const unit of [...nodeList.map((n) => units.get(n.id)!), ...Object.keys(groups).map((g) => units.get(g)!)]) {
    if (unit.parent === null) roots.push(unit.name);
    else units.get(unit.parent)!.children.push(unit.name);
  }
  checkAcyclic(units);
  return { units, roots, nodeOrder: nodeList.map((n) => n.id) };
}

function checkAcyclic(units: Map<string, Unit>): void {
  for (const unit of units.values()) {
    const seen = new Set<string>();
    for (let u: Unit | undefined = unit; u && u.parent !== null; u = units.get(u.parent)) {
      if (seen.has(u.name)) throw planningError(`Containment cycle through ${u.name}`, 100);
      seen.add(u.name);
    }
  }
}

/** Scaling groups containing a unit, innermost first. */
export function containingGroups(topology: Topology, name: string): string[] {
  const result: string[] = [];
  for (let u = topology.units.get(name); u && u.parent !== null; u = topology.units.get(u.parent)) {
    const parent = topology.units.get(u.parent)!;
    if (parent.group) result.push(parent.name);
  }
  return result;
}
