import type { LocationIndex } from '../load/locations';
import type { Dict, Value } from '../plan';
import { functionName, isBuiltinValueType, isDict } from '../values';

/** Sections whose entry names are namespaced by an "ns--" import. */
const NAMED_SECTIONS = [
  'node_types',
  'relationships',
  'data_types',
  'node_templates',
  'plugins',
  'workflows',
  'inputs',
  'outputs',
  'capabilities',
  'groups',
  'policies',
  'policy_types',
  'policy_triggers',
];

const CONTEXT_WORDS = new Set(['SELF', 'SOURCE', 'TARGET']);

/**
 * Applies an import namespace to one file: every name it defines becomes "ns--name" and every
 * reference to such a name follows (types, derived_from, relationship types and targets, group
 * members, policy targets, plugin prefixes of operation mappings, and node / input names inside
 * functions). Names starting with "cloudify." (Cloudify's overridable basic types) are kept.
 * Returns new objects; the loaded ones are left untouched.
 */
export function namespaceDocument(doc: Dict, namespace: string, index: LocationIndex): Dict {
  const plugins = isDict(doc.plugins) ? Object.keys(doc.plugins).filter((p) => !p.startsWith('cloudify.')) : [];
  const n = new Namespacer(namespace, plugins, index);
  const result: Dict = {};
  index.copy(doc, result);
  for (const key of Object.keys(doc)) {
    let value = doc[key]!;
    if (NAMED_SECTIONS.includes(key) && isDict(value)) value = n.section(key, value);
    result[key] = value;
    index.copyKey(doc, key, result, key);
  }
  return result;
}

class Namespacer {
  constructor(
    private readonly ns: string,
    private readonly plugins: string[],
    private readonly index: LocationIndex,
  ) {}

  name(value: Value): Value {
    if (typeof value !== 'string' || value.startsWith('cloudify.') || value.startsWith(`${this.ns}--`)) return value;
    return `${this.ns}--${value}`;
  }

  typeName(value: Value): Value {
    return typeof value === 'string' && isBuiltinValueType(value) ? value : this.name(value);
  }

  implementation(value: Value): Value {
    if (typeof value !== 'string') return value;
    const plugin = this.plugins.find((p) => value.startsWith(`${p}.`));
    return plugin ? `${this.ns}--${value}` : value;
  }

  /** Copies a dict, applying `fn` to each entry (key kept unless fn renames it). */
  map(dict: Dict, fn: (key: string, value: Value) => [string, Value]): Dict {
    const out: Dict = {};
    this.index.copy(dict, out);
    for (const key of Object.keys(dict)) {
      const [newKey, newValue] = fn(key, dict[key]!);
      out[newKey] = newValue;
      this.index.copyKey(dict, key, out, newKey);
    }
    return out;
  }

  section(section: string, dict: Dict): Dict {
    return this.map(dict, (key, value) => [this.name(key) as string, this.entry(section, value)]);
  }

  entry(section: string, value: Value): Value {
    if (!isDict(value)) {
      if (section === 'workflows') return this.implementation(value);
      return value;
    }
    switch (section) {
      case 'node_types':
      case 'relationships':
      case 'data_types':
        return this.map(value, (k, v) => {
          if (k === 'derived_from') return [k, this.name(v)];
          if (k === 'properties') return [k, this.schema(v)];
          if (k === 'interfaces' || k === 'source_interfaces' || k === 'target_interfaces') return [k, this.interfaces(v, true)];
          return [k, v];
        });
      case 'inputs':
        return this.map(value, (k, v) => [k, k === 'type' ? this.typeName(v) : k === 'default' ? this.functions(v) : v]);
      case 'node_templates':
        return this.map(value, (k, v) => {
          if (k === 'type') return [k, this.name(v)];
          if (k === 'interfaces') return [k, this.interfaces(v, false)];
          if (k === 'relationships' && Array.isArray(v)) return [k, v.map((r) => this.relationship(r))];
          return [k, this.functions(v)];
        });
      case 'workflows':
        return this.map(value, (k, v) => [k, k === 'mapping' ? this.implementation(v) : k === 'parameters' ? this.schema(v) : v]);
      case 'groups':
        return this.map(value, (k, v) => {
          if (k === 'members' && Array.isArray(v)) return [k, v.map((m) => this.name(m))];
          if (k === 'policies' && isDict(v)) return [k, this.map(v, (_, p) => [_, this.groupPolicy(p)])];
          return [k, v];
        });
      case 'policies':
        return this.map(value, (k, v) => {
          if (k === 'targets' && Array.isArray(v)) return [k, v.map((t) => this.name(t))];
          if (k === 'type') return [k, this.name(v)];
          return [k, this.functions(v)];
        });
      default:
        return this.functions(value);
    }
  }

  groupPolicy(policy: Value): Value {
    if (!isDict(policy)) return policy;
    return this.map(policy, (k, v) => {
      if (k === 'type') return [k, this.name(v)];
      if (k === 'triggers' && isDict(v)) {
        return [k, this.map(v, (t, trig) => [t, isDict(trig) ? this.map(trig, (tk, tv) => [tk, tk === 'type' ? this.name(tv) : tv]) : trig])];
      }
      return [k, v];
    });
  }

  relationship(rel: Value): Value {
    if (!isDict(rel)) return rel;
    return this.map(rel, (k, v) => {
      if (k === 'type' || k === 'target') return [k, this.name(v)];
      if (k === 'source_interfaces' || k === 'target_interfaces') return [k, this.interfaces(v, false)];
      return [k, this.functions(v)];
    });
  }

  schema(schema: Value): Value {
    if (!isDict(schema)) return schema;
    return this.map(schema, (k, prop) => [
      k,
      isDict(prop) ? this.map(prop, (pk, pv) => [pk, pk === 'type' ? this.typeName(pv) : pk === 'default' ? this.functions(pv) : pv]) : prop,
    ]);
  }

  interfaces(interfaces: Value, typeLevel: boolean): Value {
    if (!isDict(interfaces)) return interfaces;
    return this.map(interfaces, (name, ops) => [
      name,
      isDict(ops)
        ? this.map(ops, (op, def) => {
            if (typeof def === 'string') return [op, this.implementation(def)];
            if (!isDict(def)) return [op, def];
            return [
              op,
              this.map(def, (k, v) => {
                if (k === 'implementation') return [k, this.implementation(v)];
                if (k === 'inputs') return [k, typeLevel ? this.schema(v) : this.functions(v)];
                return [k, v];
              }),
            ];
          })
        : ops,
    ]);
  }

  /** Rewrites input and node names inside intrinsic functions. */
  functions(value: Value): Value {
    if (Array.isArray(value)) {
      const out = value.map((v) => this.functions(v));
      this.index.copy(value, out);
      return out;
    }
    if (!isDict(value)) return value;
    const fn = functionName(value);
    if (fn === 'get_input') {
      const args = value[fn]!;
      if (typeof args === 'string') return { ...value, [fn]: this.name(args) };
      if (Array.isArray(args) && args.length > 0) return { ...value, [fn]: [this.name(args[0]!), ...args.slice(1).map((a) => this.functions(a))] };
    }
    if (fn === 'get_property' || fn === 'get_attribute' || fn === 'get_attributes_list' || fn === 'get_attributes_dict') {
      const args = value[fn]!;
      if (Array.isArray(args) && typeof args[0] === 'string' && !CONTEXT_WORDS.has(args[0])) {
        return { ...value, [fn]: [this.name(args[0]), ...args.slice(1).map((a) => this.functions(a))] };
      }
      if (typeof args === 'string' && !CONTEXT_WORDS.has(args)) return { ...value, [fn]: this.name(args) };
    }
    return this.map(value, (k, v) => [k, this.functions(v)]);
  }
}
