/**
 * Relationship operations of one source instance (reference section 4, "Relationship step X";
 * section 7): the instance's relationships, in declaration order, are grouped by consecutive
 * target NODE; inside a group the source-side and target-side operation of every relationship run
 * in parallel (each target-side one in the context of its target instance); groups run one after
 * another, in reverse order for unlink. No-ops are dropped, and so are groups left empty.
 */
import type { PlanOperation } from '../dsl/plan';
import type { Draft, Step } from './builder';
import type { DeploymentIndex, GraphInstance, ResolvedRelationship } from './deployment';
import { WorkflowGraphError } from './errors';
import { RELATIONSHIP_LIFECYCLE, isNoop, resolveOperation } from './operations';

export type RelationshipOp = 'preconfigure' | 'postconfigure' | 'establish' | 'unlink';

function sideDraft(index: DeploymentIndex, source: GraphInstance, rel: ResolvedRelationship, op: RelationshipOp, side: 'source' | 'target'): Draft | null {
  const name = `${RELATIONSHIP_LIFECYCLE}.${op}`;
  const planOp: PlanOperation | undefined = (side === 'source' ? rel.template.source_operations : rel.template.target_operations)?.[name];
  if (isNoop(planOp)) return null;
  const context = side === 'source' ? source : index.instances.get(rel.instance.target_id);
  if (!context) {
    throw new WorkflowGraphError(`Node instance ${source.id} has a relationship to ${rel.instance.target_id}, which does not exist in this deployment`, 'invalid_graph_error');
  }
  return {
    key: `${op}/${rel.index}-${rel.instance.target_id}/${side}`,
    kind: 'operation',
    name,
    context_instance_id: context.id,
    call: resolveOperation(index, planOp!, context, name),
    relationship: {
      type: rel.instance.type,
      source_id: source.id,
      source_node: source.node_id,
      target_id: rel.instance.target_id,
      target_node: rel.instance.target_name,
      side,
    },
    retry_until_true: false,
  };
}

/** The source-side then the target-side operation of one relationship instance (no-ops dropped). */
export function relationshipDrafts(index: DeploymentIndex, source: GraphInstance, rel: ResolvedRelationship, op: RelationshipOp): Draft[] {
  return [sideDraft(index, source, rel, op, 'source'), sideDraft(index, source, rel, op, 'target')].filter((d): d is Draft => d !== null);
}

/** Consecutive relationships towards the same target node. */
export function groupByTargetNode(relationships: ResolvedRelationship[]): ResolvedRelationship[][] {
  const groups: ResolvedRelationship[][] = [];
  for (const rel of relationships) {
    const last = groups[groups.length - 1];
    if (last && last[0].instance.target_name === rel.instance.target_name) last.push(rel);
    else groups.push([rel]);
  }
  return groups;
}

/** The steps of relationship step `op` for one instance: one parallel step per non-empty group. */
export function relationshipGroupSteps(index: DeploymentIndex, instance: GraphInstance, op: RelationshipOp, reverse = false): Step[] {
  const steps = groupByTargetNode(index.relationships(instance))
    .map((group) => group.flatMap((rel) => relationshipDrafts(index, instance, rel, op)))
    .filter((step) => step.length > 0);
  return reverse ? steps.reverse() : steps;
}
