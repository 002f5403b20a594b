import type { LocationIndex } from '../load/locations';
import type { Dict, DslVersion, Plan, PlanPlugin } from '../plan';
import type { ValidationContext } from './context';
import { resolveDataTypes } from './data-types';
import { resolveGroups } from './groups';
import { assignHosts, assignPlugins } from './hosts';
import { resolveInputs } from './inputs';
import { resolveDeploymentSettings, resolveLabels, resolveResourceTags, resolveValues } from './misc';
import { resolveNodeTemplates } from './node-templates';
import { nodeTypePlan, resolveNodeTypes } from './node-types';
import { resolvePlugins } from './plugins';
import { resolvePolicies } from './policies';
import { relationshipTypePlan, resolveRelationshipTypes } from './relationship-types';
import { checkCombined } from './toplevel';
import { resolveWorkflows } from './workflows';

export interface BuildInput {
  dsl: DslVersion;
  doc: Dict;
  index: LocationIndex;
  resources: ReadonlySet<string>;
  importedFiles: string[];
}

function uniquePlugins(lists: Iterable<PlanPlugin[]>): PlanPlugin[] {
  const result = new Map<string, PlanPlugin>();
  for (const list of lists) for (const p of list) if (!result.has(`${p.name}\u0000${p.executor}`)) result.set(`${p.name}\u0000${p.executor}`, p);
  return [...result.values()];
}

/**
 * Validates the combined blueprint section by section and builds its Plan. Intrinsic functions
 * stay unevaluated (`{fn: args}`); deployment creation evaluates them.
 */
export function buildPlan(input: BuildInput): Plan {
  const { dsl, doc, index } = input;
  checkCombined(doc, index);
  const ctx: ValidationContext = { dsl, index, doc, resources: input.resources, dataTypes: {}, plugins: {} };
  ctx.plugins = resolvePlugins(ctx);
  const dataTypes = resolveDataTypes(ctx);
  ctx.dataTypes = dataTypes.dataTypes;
  const nodeTypes = resolveNodeTypes(ctx);
  const relationshipTypes = resolveRelationshipTypes(ctx);
  const inputs = resolveInputs(ctx);
  const nodes = resolveNodeTemplates(ctx, nodeTypes, relationshipTypes);
  assignHosts(nodes, ctx);
  assignPlugins(nodes, ctx);
  const workflows = resolveWorkflows(ctx);
  const outputs = resolveValues('outputs', ctx);
  const capabilities = resolveValues('capabilities', ctx);
  const groups = resolveGroups(ctx, new Set(nodes.map((n) => n.id)));
  const policies = resolvePolicies(ctx, groups.groups, nodes);
  const labels = resolveLabels('labels', ctx);
  const blueprintLabels = resolveLabels('blueprint_labels', ctx);
  const deploymentSettings = resolveDeploymentSettings(ctx);
  const resourceTags = resolveResourceTags(ctx);
  return {
    tosca_definitions_version: dsl,
    description: typeof doc.description === 'string' ? doc.description : null,
    metadata: (doc.metadata as Dict | undefined) ?? null,
    inputs,
    outputs,
    capabilities,
    nodes,
    node_types: Object.fromEntries([...nodeTypes].map(([name, t]) => [name, nodeTypePlan(t)])),
    relationships: Object.fromEntries([...relationshipTypes].map(([name, t]) => [name, relationshipTypePlan(t)])),
    data_types: dataTypes.plan,
    workflows: workflows.workflows,
    workflow_plugins_to_install: workflows.plugins,
    deployment_plugins_to_install: uniquePlugins(nodes.map((n) => n.deployment_plugins_to_install)),
    host_agent_plugins_to_install: uniquePlugins(nodes.map((n) => n.plugins_to_install)),
    groups: groups.groups,
    scaling_groups: policies.scalingGroups,
    policies: policies.policies,
    policy_types: groups.policyTypes,
    policy_triggers: groups.policyTriggers,
    labels,
    blueprint_labels: blueprintLabels,
    deployment_settings: deploymentSettings,
    resource_tags: resourceTags,
    imported_blueprints: input.importedFiles,
    namespaces_mapping: {},
  };
}
