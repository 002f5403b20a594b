/**
 * Which node instance a runtime function means by a node name when the node has several:
 * (a) the one the context instance has its single relationship to, (b) the one sharing the
 * context instance's scaling-group instance; otherwise the reference is ambiguous.
 */
import type { EvaluationContext, Frame, InstanceLike } from './context';
import { evaluationError } from './errors';
import { isNodeKeyword, keywordInstance } from './node-refs';

const CONTAINED_IN = 'cloudify.relationships.contained_in';

type InstanceReader = Required<Pick<EvaluationContext, 'getNodeInstance' | 'getNodeInstances'>> & EvaluationContext;

export function instanceReader(functionName: string, context: EvaluationContext): InstanceReader {
  if (!context.getNodeInstance || !context.getNodeInstances) {
    throw evaluationError(functionName, 'node instances are not available in this context');
  }
  return context as InstanceReader;
}

async function mustGetInstance(functionName: string, ctx: InstanceReader, id: string): Promise<InstanceLike> {
  const instance = await ctx.getNodeInstance(id);
  if (!instance) throw evaluationError(functionName, `Node instance ${id} does not exist.`);
  return instance;
}

/** The node instance a SELF/SOURCE/TARGET keyword or a node name refers to. */
export async function resolveInstance(functionName: string, ref: string, frame: Frame, context: EvaluationContext, attribute: unknown): Promise<InstanceLike> {
  const ctx = instanceReader(functionName, context);
  if (frame.instanceHint) {
    const hinted = await ctx.getNodeInstance(frame.instanceHint);
    if (hinted && hinted.node_id === ref) return hinted;
  }
  if (isNodeKeyword(ref)) {
    const id = keywordInstance(ref, frame);
    if (id) return mustGetInstance(functionName, ctx, id);
    // Evaluating a node's own values without an instance: SELF means "the node's instance".
    if (ref === 'SELF' && frame.node) return resolveByName(functionName, frame.node, frame, ctx);
    throw evaluationError(functionName, `${ref} is missing in request context in ${frame.path} for attribute ${JSON.stringify(attribute)}`);
  }
  return resolveByName(functionName, ref, frame, ctx);
}

async function resolveByName(functionName: string, nodeName: string, frame: Frame, ctx: InstanceReader): Promise<InstanceLike> {
  const instances = await ctx.getNodeInstances(nodeName);
  if (instances.length === 0) throw evaluationError(functionName, `Node ${nodeName} has no instances.`);
  if (instances.length === 1) return instances[0];
  const byRelationship = await resolveByRelationship(nodeName, instances, frame, ctx);
  if (byRelationship) return byRelationship;
  const byGroup = await resolveByScalingGroup(instances, frame, ctx);
  if (byGroup) return byGroup;
  throw evaluationError(functionName, `More than one node instance found for node "${nodeName}". Cannot resolve a node instance unambiguously.`);
}

async function resolveByRelationship(nodeName: string, instances: InstanceLike[], frame: Frame, ctx: InstanceReader): Promise<InstanceLike | null> {
  if (!frame.self) return null;
  const self = await ctx.getNodeInstance(frame.self);
  const targets = new Set((self?.relationships ?? []).filter((r) => r.target_name === nodeName).map((r) => r.target_id));
  if (targets.size !== 1) return null;
  const [targetId] = targets;
  return instances.find((i) => i.id === targetId) ?? null;
}

/** The instance a node instance is contained in, if its node has a contained_in relationship. */
async function parentInstance(instance: InstanceLike, ctx: InstanceReader): Promise<InstanceLike | null> {
  const node = await ctx.getNode(instance.node_id);
  const contained = (node?.relationships ?? []).find((r) => (r.type_hierarchy ?? [r.type]).includes(CONTAINED_IN));
  if (!contained) return null;
  const rel = (instance.relationships ?? []).find((r) => r.target_name === contained.target_id);
  return rel ? ((await ctx.getNodeInstance(rel.target_id)) ?? null) : null;
}

/** Scaling-group names containing an instance, innermost first (its own, then its containers'). */
async function containingGroups(instance: InstanceLike, ctx: InstanceReader): Promise<string[]> {
  const result: string[] = [];
  for (let current: InstanceLike | null = instance; current; current = await parentInstance(current, ctx)) {
    result.push(...(current.scaling_groups ?? []).map((g) => g.name));
  }
  return result;
}

/** The id of the instance of scaling group `group` that contains an instance. */
async function groupInstance(instance: InstanceLike, group: string, ctx: InstanceReader): Promise<string | null> {
  for (let current: InstanceLike | null = instance; current; current = await parentInstance(current, ctx)) {
    const found = (current.scaling_groups ?? []).find((g) => g.name === group);
    if (found) return found.id;
  }
  return null;
}

async function resolveWithin(contextId: string, instances: InstanceLike[], ctx: InstanceReader): Promise<InstanceLike | null> {
  const contextInstance = await ctx.getNodeInstance(contextId);
  if (!contextInstance) return null;
  const mine = await containingGroups(contextInstance, ctx);
  const theirs = new Set(await containingGroups(instances[0], ctx));
  const shared = mine.find((g) => theirs.has(g));
  if (!shared) return null;
  const wanted = await groupInstance(contextInstance, shared, ctx);
  const matches: InstanceLike[] = [];
  for (const candidate of instances) if ((await groupInstance(candidate, shared, ctx)) === wanted) matches.push(candidate);
  return matches.length === 1 ? matches[0] : null;
}

async function resolveByScalingGroup(instances: InstanceLike[], frame: Frame, ctx: InstanceReader): Promise<InstanceLike | null> {
  if (frame.self) return resolveWithin(frame.self, instances, ctx);
  if (frame.source) {
    const bySource = await resolveWithin(frame.source, instances, ctx);
    if (bySource) return bySource;
    if (frame.target) return resolveWithin(frame.target, instances, ctx);
  }
  return null;
}
