import { DslError } from '../errors';
import type { Dict, InputSchema, PlanPlugin, PlanWorkflow } from '../plan';
import { isDict } from '../values';
import type { ValidationContext } from './context';
import { SCRIPT_PLUGIN, SCRIPT_WORKFLOW_TASK, resolveMapping } from './operations';
import { parseSchema } from './schemas';
import { checkKeys, expectString, formatError, gate, optionalBool, optionalDict, pyType, required } from './shape';

const WORKFLOW_KEYS = ['mapping', 'parameters', 'is_cascading', 'availability_rules'];
const RULE_KEYS = ['available', 'node_instances_active', 'node_types_required'];

function availabilityRules(raw: Dict, name: string, ctx: ValidationContext): Dict | null {
  const { index } = ctx;
  if (raw.availability_rules === undefined || raw.availability_rules === null) return null;
  gate(raw, 'availability_rules', '1_4', ctx.dsl, index);
  const rules = optionalDict(raw.availability_rules, `availability_rules of workflow '${name}'`, index.ofValue(raw, 'availability_rules'));
  checkKeys(rules, RULE_KEYS, `availability_rules of workflow '${name}'`, index);
  optionalBool(rules.available, 'available', index.ofValue(rules, 'available'));
  const active = rules.node_instances_active;
  if (active !== undefined && active !== null) {
    const values = Array.isArray(active) ? active : [active];
    for (const v of values) {
      if (v !== 'all' && v !== 'partial' && v !== 'none') {
        throw formatError(`node_instances_active of workflow '${name}' must be all, partial or none, found '${String(v)}'`, index.ofValue(rules, 'node_instances_active'));
      }
    }
  }
  const types = rules.node_types_required;
  if (types !== undefined && types !== null && !Array.isArray(types)) {
    throw formatError(`node_types_required of workflow '${name}': expected 'list' type but found '${pyType(types)}' type`, index.ofValue(rules, 'node_types_required'));
  }
  return rules;
}

/** Validates `workflows` (short and long forms): mappings resolve to a plugin or a script (21). */
export function resolveWorkflows(ctx: ValidationContext): { workflows: Record<string, PlanWorkflow>; plugins: PlanPlugin[] } {
  const { doc, index } = ctx;
  const raw = optionalDict(doc.workflows, 'workflows', index.ofValue(doc, 'workflows'));
  const workflows: Record<string, PlanWorkflow> = {};
  const plugins = new Map<string, PlanPlugin>();
  for (const name of Object.keys(raw)) {
    const value = raw[name];
    const where = index.ofValue(raw, name);
    let mapping: string;
    let parameters: Record<string, InputSchema> = {};
    let isCascading = false;
    let rules: Dict | null = null;
    if (typeof value === 'string') {
      mapping = value;
    } else if (isDict(value)) {
      checkKeys(value, WORKFLOW_KEYS, `workflow '${name}'`, index);
      mapping = expectString(required(value, 'mapping', `workflow '${name}'`, where), `mapping of workflow '${name}'`, index.ofValue(value, 'mapping'));
      parameters = parseSchema(value.parameters, name, 'parameter', ctx).schema as Record<string, InputSchema>;
      isCascading = optionalBool(value.is_cascading, `is_cascading of workflow '${name}'`, index.ofValue(value, 'is_cascading')) ?? false;
      rules = availabilityRules(value, name, ctx);
    } else {
      throw formatError(`workflow '${name}': expected 'str' or 'dict' type but found '${pyType(value)}' type`, where);
    }
    const location = isDict(value) ? index.ofValue(value, 'mapping') : where;
    const message = `Could not extract plugin from workflow mapping '${mapping}', which is declared for workflow '${name}'. `;
    const resolved = resolveMapping(mapping, name, ctx, () => ({ code: 21, message, location }), false);
    let workflow: PlanWorkflow;
    if (resolved.kind === 'plugin') {
      workflow = { operation: resolved.operation, plugin: resolved.plugin, parameters, is_cascading: isCascading, availability_rules: rules };
    } else if (resolved.kind === 'script') {
      if (Object.prototype.hasOwnProperty.call(parameters, 'script_path')) {
        throw new DslError(`Cannot define 'script_path' property in '${mapping}' for workflow '${name}'`, 60, location);
      }
      if (!ctx.plugins[SCRIPT_PLUGIN]) {
        throw new DslError(`Script plugin is not defined but it is required for mapping '${SCRIPT_WORKFLOW_TASK}' of workflow '${name}'`, 61, location);
      }
      workflow = {
        operation: SCRIPT_WORKFLOW_TASK,
        plugin: SCRIPT_PLUGIN,
        parameters: { ...parameters, script_path: { default: resolved.path, description: 'Workflow script executed by the script plugin' } },
        is_cascading: isCascading,
        availability_rules: rules,
      };
    } else {
      throw new DslError(message, 21, location);
    }
    workflows[name] = workflow;
    if (!plugins.has(workflow.plugin)) plugins.set(workflow.plugin, ctx.plugins[workflow.plugin]!);
  }
  return { workflows, plugins: [...plugins.values()] };
}
