import { DslError } from '../errors';
import type { PlanGroup, PlanNode, PlanPolicy, PlanScalingGroup } from '../plan';
import type { ValidationContext } from './context';
import { CONTAINED_IN } from './relationship-types';
import { parseScalableProperties } from './scalable';
import { checkKeys, expectDict, expectString, optionalDict, optionalList, required } from './shape';

const SCALING_POLICY = 'cloudify.policies.scaling';

/**
 * Top-level `policies` (1_3): only cloudify.policies.scaling (204) targeting groups (205, at least
 * one: 206). Each target group becomes a scaling group, validated as Cloudify does: no group
 * cycles (200), a member in one scaling group only (201), members contained in each other or in
 * a shared node (202); a member contained in another member of the same group is dropped.
 */
export function resolvePolicies(ctx: ValidationContext, groups: Record<string, PlanGroup>, nodes: PlanNode[]): { policies: Record<string, PlanPolicy>; scalingGroups: Record<string, PlanScalingGroup> } {
  const { doc, index } = ctx;
  const raw = optionalDict(doc.policies, 'policies', index.ofValue(doc, 'policies'));
  const policies: Record<string, PlanPolicy> = {};
  const scalingGroups: Record<string, PlanScalingGroup> = {};
  for (const name of Object.keys(raw)) {
    const def = expectDict(raw[name], `policy '${name}'`, index.ofValue(raw, name));
    checkKeys(def, ['type', 'properties', 'targets'], `policy '${name}'`, index);
    const type = expectString(required(def, 'type', `policy '${name}'`, index.ofKey(raw, name)), `type of policy '${name}'`, index.ofValue(def, 'type'));
    if (!type.includes(SCALING_POLICY)) {
      throw new DslError(`'${type}' policy type is not implemented. Only '${SCALING_POLICY}' policy type is supported.`, 204, index.ofValue(def, 'type'));
    }
    const targets = optionalList(required(def, 'targets', `policy '${name}'`, index.ofKey(raw, name)), `targets of policy '${name}'`, index.ofValue(def, 'targets'));
    if (targets.length < 1) {
      throw new DslError(`Policy '${name}' has no targets groups defined for it. At least one target group is required.`, 206, index.ofValue(def, 'targets'));
    }
    const targetNames = targets.map((t, i) => {
      const target = expectString(t, `target of policy '${name}'`, index.ofItem(targets, i));
      if (!Object.prototype.hasOwnProperty.call(groups, target)) {
        throw new DslError(`'${target}' is not a valid policy target. Only groups are valid policy targets. Defined groups are [${Object.keys(groups).join(', ')}].`, 205, index.ofItem(targets, i));
      }
      return target;
    });
    const properties = parseScalableProperties(def.properties, index, index.ofValue(def, 'properties'));
    policies[name] = { type, properties: properties as unknown as PlanPolicy['properties'], targets: targetNames };
    for (const target of targetNames) scalingGroups[target] = { members: [...groups[target]!.members], properties };
  }
  validateScalingGroups(scalingGroups, nodes, ctx);
  return { policies, scalingGroups };
}

/** Transitive containers of each node (nearest first), from contained_in relationships. */
function containersOf(nodes: PlanNode[]): Map<string, string[]> {
  const parent = new Map<string, string>();
  for (const n of nodes) {
    const rel = n.relationships.find((r) => r.type_hierarchy.includes(CONTAINED_IN));
    if (rel) parent.set(n.id, rel.target_id);
  }
  const result = new Map<string, string[]>();
  for (const n of nodes) {
    const chain: string[] = [];
    let current = parent.get(n.id);
    while (current !== undefined && !chain.includes(current) && current !== n.id) {
      chain.push(current);
      current = parent.get(current);
    }
    result.set(n.id, chain);
  }
  return result;
}

function validateScalingGroups(scalingGroups: Record<string, PlanScalingGroup>, nodes: PlanNode[], ctx: ValidationContext): void {
  const location = ctx.index.ofValue(ctx.doc, 'policies');
  // member -> the scaling groups it is a direct member of
  const memberOf = new Map<string, string[]>();
  for (const [group, def] of Object.entries(scalingGroups)) {
    for (const member of def.members) memberOf.set(member, [...(memberOf.get(member) ?? []), group]);
  }
  // 200: group cycles (a group that, through memberships, contains itself)
  for (const group of Object.keys(scalingGroups)) {
    const seen = new Set<string>();
    const stack = [...(memberOf.get(group) ?? [])];
    while (stack.length > 0) {
      const g = stack.pop()!;
      if (g === group) throw new DslError(`Illegal group cycles found: group '${group}' contains itself`, 200, location);
      if (seen.has(g)) continue;
      seen.add(g);
      stack.push(...(memberOf.get(g) ?? []));
    }
  }
  // 201: a member of more than one scaling group
  for (const [member, groups] of memberOf) {
    if (groups.length > 1) {
      throw new DslError(`Nodes and groups cannot be members in multiple groups, but member '${member}' belongs to the following multiple groups: [${groups.join(', ')}]`, 201, location);
    }
  }
  const nodeIds = new Set(nodes.map((n) => n.id));
  const containers = containersOf(nodes);
  const groupsOf = (member: string): string[] => {
    const chain: string[] = [];
    let current = memberOf.get(member)?.[0];
    while (current !== undefined && !chain.includes(current)) {
      chain.push(current);
      current = memberOf.get(current)?.[0];
    }
    return chain;
  };
  checkContainment(scalingGroups, nodeIds, containers, location);
  removeContainedMembers(scalingGroups, memberOf, nodeIds, containers, groupsOf);
}

/** Node members of a group, recursively through member groups. */
function nodeMembers(group: string, scalingGroups: Record<string, PlanScalingGroup>, nodeIds: Set<string>, seen = new Set<string>()): Set<string> {
  const result = new Set<string>();
  if (seen.has(group)) return result;
  seen.add(group);
  for (const m of scalingGroups[group]?.members ?? []) {
    if (nodeIds.has(m)) result.add(m);
    else for (const n of nodeMembers(m, scalingGroups, nodeIds, seen)) result.add(n);
  }
  return result;
}

/** 202: nodes sharing a group must be contained in one another or share a container (or an ancestor of theirs does). */
function checkContainment(scalingGroups: Record<string, PlanScalingGroup>, nodeIds: Set<string>, containers: Map<string, string[]>, location?: ReturnType<ValidationContext['index']['of']>): void {
  const ok = new Set<string>();
  const problematic: [string, string][] = [];
  const key = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const pairOk = (a: string, b: string): boolean => {
    if (a === b) return true;
    const ca = new Set(containers.get(a) ?? []);
    const cb = new Set(containers.get(b) ?? []);
    if (ca.size === 0 && cb.size === 0) return true;
    if (ca.has(b) || cb.has(a)) return true;
    for (const c of ca) if (cb.has(c)) return true;
    return false;
  };
  const checked = new Set<string>();
  for (const group of Object.keys(scalingGroups)) {
    const members = [...nodeMembers(group, scalingGroups, nodeIds)];
    for (const a of members) {
      for (const b of members) {
        const k = key(a, b);
        if (checked.has(k)) continue;
        checked.add(k);
        if (pairOk(a, b)) ok.add(k);
        else problematic.push([a, b]);
      }
    }
  }
  for (const [a, b] of problematic) {
    const viaA = [a, ...(containers.get(a) ?? [])].some((c) => ok.has(key(b, c)));
    const viaB = [b, ...(containers.get(b) ?? [])].some((c) => ok.has(key(a, c)));
    if (!viaA && !viaB) {
      throw new DslError(`Node '${a}' and '${b}' belong to some shared group but they are not contained in any shared node, nor is any ancestor node of theirs.`, 202, location);
    }
    ok.add(key(a, b));
  }
}

/**
 * A node contained (transitively) in another member of a shared group: drop the node from its
 * group when that group is the innermost shared one, else drop the intermediate group.
 */
function removeContainedMembers(
  scalingGroups: Record<string, PlanScalingGroup>,
  memberOf: Map<string, string[]>,
  nodeIds: Set<string>,
  containers: Map<string, string[]>,
  groupsOf: (member: string) => string[],
): void {
  for (const member of memberOf.keys()) {
    if (!nodeIds.has(member)) continue;
    const memberGroups = groupsOf(member);
    for (const container of containers.get(member) ?? []) {
      if (!memberOf.has(container)) continue;
      const containerGroups = new Set(groupsOf(container));
      const shared = memberGroups.filter((g) => containerGroups.has(g));
      if (shared.length === 0) continue;
      const innermost = shared[0]!;
      const direct = memberGroups[0]!;
      let removed: string | undefined;
      if (direct === innermost) removed = member;
      else removed = [...memberGroups].reverse().find((g) => !containerGroups.has(g));
      const members = scalingGroups[innermost]!.members;
      const at = removed === undefined ? -1 : members.indexOf(removed);
      if (at >= 0) members.splice(at, 1);
    }
  }
}
