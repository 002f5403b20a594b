import { DslError } from '../errors';
import type { Dict, PlanGroup } from '../plan';
import { mergeSchemaAndInstance } from '../values';
import type { SchemaMessages } from '../values';
import type { ValidationContext } from './context';
import { parseSchema } from './schemas';
import type { ParsedSchema } from './schemas';
import { checkKeys, expectDict, expectString, formatError, optionalDict, optionalList, required } from './shape';

interface PolicyDefinition {
  schema: ParsedSchema;
  plan: Dict;
}

/** `policy_types` ({properties, source}) or `policy_triggers` ({parameters, source}). */
function resolvePolicyDefinitions(section: 'policy_types' | 'policy_triggers', ctx: ValidationContext): Map<string, PolicyDefinition> {
  const { doc, index } = ctx;
  const field = section === 'policy_types' ? 'properties' : 'parameters';
  const raw = optionalDict(doc[section], section, index.ofValue(doc, section));
  const result = new Map<string, PolicyDefinition>();
  for (const name of Object.keys(raw)) {
    const def = expectDict(raw[name], `${section} '${name}'`, index.ofValue(raw, name));
    checkKeys(def, [field, 'source'], `${section} '${name}'`, index);
    const source = expectString(required(def, 'source', `${section} '${name}'`, index.ofKey(raw, name)), `source of '${name}'`, index.ofValue(def, 'source'));
    const schema = parseSchema(def[field], name, 'property', ctx);
    result.set(name, { schema, plan: { [field]: schema.schema as unknown as Dict, source } });
  }
  return result;
}

function messages(owner: string, what: string): SchemaMessages {
  return {
    undefinedProperty: (p) => `${owner} '${p}' property is not part of the ${what} schema`,
    missingProperty: (p) => `${owner} does not provide a value for mandatory '${p}' property which is part of its ${what} schema`,
    typeMismatch: (p, type, value) => `Property type validation failed in '${owner}': property '${p}' type is '${type}', yet it was assigned with the value '${JSON.stringify(value)}'`,
  };
}

export interface GroupsResult {
  groups: Record<string, PlanGroup>;
  policyTypes: Dict;
  policyTriggers: Dict;
}

/**
 * `groups`: members (nodes or groups, at least one; unknown: 40), no group named like a node
 * (211), monitoring policies whose type (41) and trigger types (42) exist, properties and trigger
 * parameters merged with their schemas. Trigger parameters are stored, not evaluated.
 */
export function resolveGroups(ctx: ValidationContext, nodeNames: ReadonlySet<string>): GroupsResult {
  const { doc, index } = ctx;
  const policyTypes = resolvePolicyDefinitions('policy_types', ctx);
  const policyTriggers = resolvePolicyDefinitions('policy_triggers', ctx);
  const raw = optionalDict(doc.groups, 'groups', index.ofValue(doc, 'groups'));
  const groups: Record<string, PlanGroup> = {};
  for (const name of Object.keys(raw)) {
    const def = expectDict(raw[name], `group '${name}'`, index.ofValue(raw, name));
    checkKeys(def, ['members', 'policies'], `group '${name}'`, index);
    if (nodeNames.has(name)) throw new DslError(`Both a group and a node template are named '${name}'`, 211, index.ofKey(raw, name));
    const members = optionalList(required(def, 'members', `group '${name}'`, index.ofKey(raw, name)), `members of group '${name}'`, index.ofValue(def, 'members'));
    if (members.length < 1) throw formatError('At least one member should be specified', index.ofValue(def, 'members'));
    const unique: string[] = [];
    members.forEach((m, i) => {
      const member = expectString(m, `member of group '${name}'`, index.ofItem(members, i));
      if (!nodeNames.has(member) && !Object.prototype.hasOwnProperty.call(raw, member)) {
        throw new DslError(`Member '${member}' of group '${name}' does not match any defined node`, 40, index.ofItem(members, i));
      }
      if (!unique.includes(member)) unique.push(member);
    });
    const policies: PlanGroup['policies'] = {};
    const rawPolicies = optionalDict(def.policies, `policies of group '${name}'`, index.ofValue(def, 'policies'));
    for (const policyName of Object.keys(rawPolicies)) {
      const policy = expectDict(rawPolicies[policyName], `policy '${policyName}'`, index.ofValue(rawPolicies, policyName));
      checkKeys(policy, ['type', 'properties', 'triggers'], `policy '${policyName}' of group '${name}'`, index);
      const type = expectString(required(policy, 'type', `policy '${policyName}'`, index.ofKey(rawPolicies, policyName)), `type of policy '${policyName}'`, index.ofValue(policy, 'type'));
      const policyType = policyTypes.get(type);
      if (!policyType) {
        throw new DslError(`Policy '${policyName}' of group '${name}' references a non existent policy type '${type}'`, 41, index.ofValue(policy, 'type'));
      }
      const propsRaw = optionalDict(policy.properties, `properties of policy '${policyName}'`, index.ofValue(policy, 'properties'));
      const properties = mergeSchemaAndInstance(propsRaw, policyType.schema.schema, ctx.dataTypes, messages(`group '${name}', policy '${policyName}'`, 'policy type properties'), {
        locate: (path) => index.ofPath(propsRaw, path) ?? index.ofKey(rawPolicies, policyName),
      });
      const triggers: Record<string, { type: string; parameters: Dict }> = {};
      const rawTriggers = optionalDict(policy.triggers, `triggers of policy '${policyName}'`, index.ofValue(policy, 'triggers'));
      for (const triggerName of Object.keys(rawTriggers)) {
        const trigger = expectDict(rawTriggers[triggerName], `trigger '${triggerName}'`, index.ofValue(rawTriggers, triggerName));
        checkKeys(trigger, ['type', 'parameters'], `trigger '${triggerName}'`, index);
        const triggerType = expectString(required(trigger, 'type', `trigger '${triggerName}'`, index.ofKey(rawTriggers, triggerName)), `type of trigger '${triggerName}'`, index.ofValue(trigger, 'type'));
        const definition = policyTriggers.get(triggerType);
        if (!definition) {
          throw new DslError(`Trigger '${triggerName}' of policy '${policyName}' of group '${name}' references a non existent policy trigger '${triggerType}'`, 42, index.ofValue(trigger, 'type'));
        }
        const paramsRaw = optionalDict(trigger.parameters, `parameters of trigger '${triggerName}'`, index.ofValue(trigger, 'parameters'));
        const parameters = mergeSchemaAndInstance(paramsRaw, definition.schema.schema, ctx.dataTypes, messages(`group '${name}', policy '${policyName}' trigger '${triggerName}'`, 'policy trigger parameters'), {
          locate: (path) => index.ofPath(paramsRaw, path) ?? index.ofKey(rawTriggers, triggerName),
        });
        triggers[triggerName] = { type: triggerType, parameters };
      }
      policies[policyName] = { type, properties, triggers };
    }
    groups[name] = { members: unique, policies };
  }
  const plan = (m: Map<string, PolicyDefinition>): Dict => Object.fromEntries([...m].map(([k, v]) => [k, v.plan]));
  return { groups, policyTypes: plan(policyTypes), policyTriggers: plan(policyTriggers) };
}
