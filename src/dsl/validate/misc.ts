import type { Dict, Value } from '../plan';
import { isDict } from '../values';
import type { ValidationContext } from './context';
import { checkKeys, expectDict, formatError, optionalDict, optionalList, optionalString, required } from './shape';

/** `outputs` / `capabilities`: {description, value (required, any value incl. functions)}. */
export function resolveValues(section: 'outputs' | 'capabilities', ctx: ValidationContext): Record<string, { description?: string; value: Value }> {
  const { doc, index } = ctx;
  const raw = optionalDict(doc[section], section, index.ofValue(doc, section));
  const result: Record<string, { description?: string; value: Value }> = {};
  for (const name of Object.keys(raw)) {
    const def = expectDict(raw[name], `${section} '${name}'`, index.ofValue(raw, name));
    checkKeys(def, ['description', 'value'], `${section} '${name}'`, index);
    if (!Object.prototype.hasOwnProperty.call(def, 'value')) required(def, 'value', `${section} '${name}'`, index.ofKey(raw, name));
    const entry: { description?: string; value: Value } = { value: def.value as Value };
    const description = optionalString(def.description, `description of ${section} '${name}'`, index.ofValue(def, 'description'));
    if (description !== undefined) entry.description = description;
    result[name] = entry;
  }
  return result;
}

/**
 * `labels` (deployment labels: strings or functions other than get_attribute) and
 * `blueprint_labels` (strings only): {key: {values: [...]}}.
 */
export function resolveLabels(section: 'labels' | 'blueprint_labels', ctx: ValidationContext): Record<string, { values: Value[] }> {
  const { doc, index } = ctx;
  const raw = optionalDict(doc[section], section, index.ofValue(doc, section));
  const result: Record<string, { values: Value[] }> = {};
  for (const key of Object.keys(raw)) {
    const def = expectDict(raw[key], `${section} '${key}'`, index.ofValue(raw, key));
    checkKeys(def, ['values'], `${section} '${key}'`, index);
    const values = optionalList(required(def, 'values', `${section} '${key}'`, index.ofKey(raw, key)), `values of label '${key}'`, index.ofValue(def, 'values'));
    values.forEach((v, i) => {
      const where = index.ofItem(values, i);
      if (section === 'blueprint_labels' && typeof v !== 'string') {
        throw formatError(`The blueprint label's value must be a string. Please modify the values of ${key}`, where);
      }
      if (typeof v !== 'string' && !isDict(v)) throw formatError(`The label's value must be a string or an intrinsic function. Please modify the values of ${key}`, where);
      if (isDict(v) && 'get_attribute' in v) {
        throw formatError(`The label's value cannot be a runtime property. Please remove the \`get_attribute\` function from the values of ${key}`, where);
      }
    });
    result[key] = { values };
  }
  return result;
}

/** `deployment_settings`: default_schedules, default_groups, id_template, display_name. */
export function resolveDeploymentSettings(ctx: ValidationContext): Dict {
  const { doc, index } = ctx;
  const raw = optionalDict(doc.deployment_settings, 'deployment_settings', index.ofValue(doc, 'deployment_settings'));
  checkKeys(raw, ['default_schedules', 'default_groups', 'id_template', 'display_name'], 'deployment_settings', index);
  optionalDict(raw.default_schedules, 'default_schedules', index.ofValue(raw, 'default_schedules'));
  optionalList(raw.default_groups, 'default_groups', index.ofValue(raw, 'default_groups'));
  optionalString(raw.id_template, 'id_template', index.ofValue(raw, 'id_template'));
  if (raw.display_name !== undefined && raw.display_name !== null && typeof raw.display_name !== 'string' && !isDict(raw.display_name)) {
    throw formatError("display_name: expected 'str' or 'dict' type", index.ofValue(raw, 'display_name'));
  }
  return raw;
}

/** `resource_tags` (1_3): a dict of plain values or functions. */
export function resolveResourceTags(ctx: ValidationContext): Dict {
  const { doc, index } = ctx;
  return optionalDict(doc.resource_tags, 'resource_tags', index.ofValue(doc, 'resource_tags'));
}
