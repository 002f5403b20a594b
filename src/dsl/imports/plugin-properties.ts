import { DslError } from '../errors';
import type { LocationIndex } from '../load/locations';
import type { Dict, Value } from '../plan';
import { isDict, isFunction } from '../values';

const INVALID_IMPORT_PROPERTIES = 221;
const INVALID_IMPORT_SPECS = 220;

function fits(value: Value, type: Value): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    default:
      throw new DslError('Properties should either be strings, integers, floats, booleans, or lists.', INVALID_IMPORT_SPECS);
  }
}

/**
 * `imports: [{plugin:x: {prop: value}}]` (1_5): each given property must be declared in the
 * plugin's `properties` schema and fit its type (or be a function); the value is stored as the
 * property's `value`.
 */
export function applyPluginProperties(doc: Dict, given: Dict, index: LocationIndex): Dict {
  if (!isDict(doc.plugins)) return doc;
  const redundant = new Set(Object.keys(given));
  const errors: string[] = [];
  let declared = false;
  const plugins: Dict = {};
  index.copy(doc.plugins, plugins);
  for (const [name, plugin] of Object.entries(doc.plugins)) {
    plugins[name] = plugin;
    if (!isDict(plugin) || !isDict(plugin.properties)) continue;
    declared = true;
    const properties: Dict = {};
    for (const [prop, schema] of Object.entries(plugin.properties)) {
      properties[prop] = schema;
      if (!Object.prototype.hasOwnProperty.call(given, prop)) continue;
      redundant.delete(prop);
      const value = given[prop]!;
      const type = isDict(schema) ? schema.type : undefined;
      if (isFunction(value) || fits(value, type ?? 'string')) properties[prop] = { ...(isDict(schema) ? schema : {}), value };
      else errors.push(`Property ${prop}: value '${JSON.stringify(value)}' should be of type ${String(type)}`);
    }
    plugins[name] = { ...plugin, properties };
  }
  if (!declared) return doc;
  if (redundant.size > 0) errors.push(`Properties for imported plugin are redundant: ${[...redundant].join(', ')}, consider updating import lines`);
  if (errors.length > 0) throw new DslError(errors.join('.  '), INVALID_IMPORT_PROPERTIES, index.of(doc));
  const result = { ...doc, plugins };
  index.copy(doc, result);
  return result;
}
