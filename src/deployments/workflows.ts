/**
 * A deployment's workflows as `GET /deployments` lists them:
 * `[{name, plugin, operation, parameters, is_cascading, is_available, availability_rules}]`.
 * `is_available` follows the workflow's `availability_rules` (DSL 1_4): `available: false` hides
 * it; `node_types_required` needs a node of one of those types; `node_instances_active`
 * (`all | partial | none`) compares the live instances with all of them, when known.
 */
import type { PlanWorkflow } from '../dsl';
import type { DeploymentData } from './model';

function activeRuleHolds(rule: unknown, counts: { live: number; total: number }): boolean {
  if (rule === 'all') return counts.total > 0 && counts.live === counts.total;
  if (rule === 'none') return counts.live === 0;
  if (rule === 'partial') return counts.live > 0 && counts.live < counts.total;
  return true;
}

export function isAvailable(name: string, workflow: PlanWorkflow, data: Pick<DeploymentData, 'workflow_types_present'>, counts?: { live: number; total: number }): boolean {
  const rules = (workflow.availability_rules ?? {}) as Record<string, unknown>;
  if (rules.available === false) return false;
  if (data.workflow_types_present[name] === false) return false;
  const active = rules.node_instances_active;
  if (counts && active !== undefined && active !== null) {
    const wanted = Array.isArray(active) ? active : [active];
    if (!wanted.some((rule) => activeRuleHolds(rule, counts))) return false;
  }
  return true;
}

export function workflowList(data: Pick<DeploymentData, 'workflows' | 'workflow_types_present'>, counts?: { live: number; total: number }): Record<string, unknown>[] {
  return Object.entries(data.workflows).map(([name, workflow]) => ({
    name,
    plugin: workflow.plugin,
    operation: workflow.operation,
    parameters: workflow.parameters,
    is_cascading: workflow.is_cascading,
    is_available: isAvailable(name, workflow, data, counts),
    availability_rules: workflow.availability_rules,
    created_at: null,
  }));
}

/** Per workflow with `node_types_required`: whether some node's type hierarchy has one of them. */
export function typesPresent(workflows: Record<string, PlanWorkflow>, nodes: { type_hierarchy: string[] }[]): Record<string, boolean> {
  const present: Record<string, boolean> = {};
  for (const [name, workflow] of Object.entries(workflows)) {
    const required = ((workflow.availability_rules ?? {}) as Record<string, unknown>).node_types_required;
    if (!Array.isArray(required) || required.length === 0) continue;
    present[name] = nodes.some((node) => required.some((type) => node.type_hierarchy.includes(String(type))));
  }
  return present;
}
