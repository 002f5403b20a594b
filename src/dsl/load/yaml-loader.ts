import { Scalar, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Alias, Document, Node as YamlNode, Pair, ParsedNode, Tags, YAMLMap, YAMLSeq } from 'yaml';
import { DslError } from '../errors';
import type { Dict, Value } from '../plan';
import type { LoadLimits } from './limits';
import { SourceFile } from './locations';
import type { LocationIndex } from './locations';

/** Cloudify's loader errors ("Illegal yaml") carry code -1. */
const YAML_ERROR = -1;

/**
 * PyYAML (which Cloudify uses) reads YAML 1.1 but only yes/no/on/off/true/false as booleans, not
 * y/n; and it has no binary/set/omap in its safe loader that a blueprint could use meaningfully.
 */
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const DROPPED_TAGS = new Set(['tag:yaml.org,2002:binary', 'tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs', 'tag:yaml.org,2002:set', 'tag:yaml.org,2002:timestamp']);

function pythonLikeTags(tags: Tags): Tags {
  const result: Tags = [];
  for (const t of tags) {
    if (typeof t === 'string') {
      if (!['binary', 'omap', 'pairs', 'set', 'timestamp'].includes(t)) result.push(t);
      continue;
    }
    if (DROPPED_TAGS.has(t.tag)) continue;
    if (t.tag === 'tag:yaml.org,2002:bool' && 'test' in t && t.test) {
      const isTrue = t.test.test('true');
      result.push({ ...t, test: isTrue ? PY_TRUE : PY_FALSE, resolve: () => new Scalar(isTrue) });
      continue;
    }
    result.push(t);
  }
  return result;
}

interface Context {
  doc: Document.Parsed;
  source: SourceFile;
  index: LocationIndex;
  limits: LoadLimits;
  /** Nodes materialised below an alias so far. */
  expanded: number;
  /** Anchored nodes being converted (an alias to one of them would recurse forever). */
  resolving: Set<YamlNode>;
  /** What each alias refers to (found once: Alias.resolve() searches the whole document). */
  aliasTargets: Map<Alias, YamlNode>;
}

/** Records, in document order, the node each alias points to (the latest anchor of that name). */
function indexAliases(root: YamlNode | null | undefined): Map<Alias, YamlNode> {
  const anchors = new Map<string, YamlNode>();
  const targets = new Map<Alias, YamlNode>();
  const stack: (YamlNode | null | undefined)[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) continue;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target) targets.set(node, target);
      continue;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node);
    if (isMap(node)) {
      const pairs = node.items as Pair[];
      for (let i = pairs.length - 1; i >= 0; i--) {
        stack.push(pairs[i]!.value as YamlNode | null);
        stack.push(pairs[i]!.key as YamlNode | null);
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i] as YamlNode | null);
    }
  }
  return targets;
}

/**
 * Loads one YAML file into plain JSON-like values, recording where every mapping, key and item
 * was written. Rejects files over the size cap, syntax errors, duplicate keys, excessive alias
 * expansion and excessive nesting, each with the file, line and column.
 */
export interface LoadOptions {
  /**
   * Accept duplicate keys, the last one winning (PyYAML's behaviour). Only for files the manager
   * already holds (plugin.yaml of uploaded plugins: published plugins contain duplicates).
   */
  allowDuplicateKeys?: boolean;
}

export function loadYaml(text: string, file: string, limits: LoadLimits, index: LocationIndex, options: LoadOptions = {}): Value {
  const source = new SourceFile(file, text);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new DslError(`Illegal yaml; file '${file}' is ${bytes} bytes, more than the ${limits.maxBytes} allowed`, YAML_ERROR, { file, line: 1, column: 1 });
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      version: '1.1',
      merge: true,
      uniqueKeys: !options.allowDuplicateKeys,
      strict: true,
      prettyErrors: false,
      customTags: pythonLikeTags,
    });
  } catch (err) {
    // The parser recurses: absurd nesting can exhaust the stack before our own depth check.
    throw new DslError(`Illegal yaml; ${(err as Error).message}`, YAML_ERROR, { file, line: 1, column: 1 });
  }
  const firstError = doc.errors[0];
  if (firstError) {
    const message = firstError.code === 'DUPLICATE_KEY' ? 'duplicate key (map keys must be unique)' : firstError.message.split('\n')[0];
    throw new DslError(`Illegal yaml; ${message}`, YAML_ERROR, source.locate(firstError.pos[0]));
  }
  const ctx: Context = { doc, source, index, limits, expanded: 0, resolving: new Set(), aliasTargets: indexAliases(doc.contents as YamlNode | null) };
  try {
    return convert(doc.contents as ParsedNode | null, ctx, 0, false);
  } catch (err) {
    if (err instanceof DslError) throw err;
    throw new DslError(`Illegal yaml; ${(err as Error).message}`, YAML_ERROR, { file, line: 1, column: 1 });
  }
}

function offsetOf(node: YamlNode | null | undefined): number {
  return node?.range?.[0] ?? 0;
}

function convert(node: YamlNode | null | undefined, ctx: Context, depth: number, underAlias: boolean): Value {
  if (depth > ctx.limits.maxDepth) {
    throw new DslError(`Illegal yaml; nesting deeper than ${ctx.limits.maxDepth} levels`, YAML_ERROR, ctx.source.locate(offsetOf(node)));
  }
  if (underAlias && ++ctx.expanded > ctx.limits.maxAliasExpansion) {
    throw new DslError(
      `Illegal yaml; alias expansion exceeds ${ctx.limits.maxAliasExpansion} nodes (a resource exhaustion attack such as "billion laughs"?)`,
      YAML_ERROR,
      ctx.source.locate(offsetOf(node)),
    );
  }
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convertAlias(node, ctx, depth);
  if (isScalar(node)) return scalarValue(node);
  if (isMap(node)) return convertMap(node, ctx, depth, underAlias);
  if (isSeq(node)) return convertSeq(node, ctx, depth, underAlias);
  throw new DslError('Illegal yaml; unsupported node', YAML_ERROR, ctx.source.locate(offsetOf(node)));
}

function convertAlias(alias: Alias, ctx: Context, depth: number): Value {
  const target = ctx.aliasTargets.get(alias);
  if (!target) throw new DslError(`Illegal yaml; unknown alias *${alias.source}`, YAML_ERROR, ctx.source.locate(offsetOf(alias)));
  if (ctx.resolving.has(target)) {
    throw new DslError(`Illegal yaml; alias *${alias.source} refers to a node that contains it`, YAML_ERROR, ctx.source.locate(offsetOf(alias)));
  }
  ctx.resolving.add(target);
  try {
    // A fresh copy per use: nothing downstream can see two places share one object.
    return convert(target, ctx, depth, true);
  } finally {
    ctx.resolving.delete(target);
  }
}

function scalarValue(node: Scalar): Value {
  const v = node.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'symbol') return String(v.description ?? '');
  // Anything else (should not happen with our tag set) is kept as its source text.
  return node.source ?? String(v);
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return (typeof v === 'symbol' && v.description === '<<') || (v === '<<' && (!key.type || key.type === Scalar.PLAIN));
}

function keyString(key: unknown, ctx: Context): string {
  if (isScalar(key)) {
    const v = key.value;
    if (v === null || v === undefined) return 'null';
    return typeof v === 'symbol' ? String(v.description) : String(v);
  }
  if (isAlias(key)) {
    const target = ctx.aliasTargets.get(key);
    if (isScalar(target)) return keyString(target, ctx);
  }
  throw new DslError("Illegal yaml; mapping keys must be strings (found a mapping or sequence used as a key)", 1, ctx.source.locate(offsetOf(key as YamlNode)));
}

function convertMap(node: YAMLMap, ctx: Context, depth: number, underAlias: boolean): Dict {
  const result: Dict = {};
  ctx.index.record(result, ctx.source, offsetOf(node));
  const merges: Pair[] = [];
  for (const pair of node.items as Pair[]) {
    if (isMergeKey(pair.key)) {
      merges.push(pair);
      continue;
    }
    const key = keyString(pair.key, ctx);
    result[key] = convert(pair.value as YamlNode | null, ctx, depth + 1, underAlias);
    ctx.index.recordKey(result, key, offsetOf(pair.key as YamlNode), offsetOf((pair.value as YamlNode | null) ?? (pair.key as YamlNode)));
  }
  // `<<` merge keys: explicit keys win, then earlier merge sources win over later ones.
  for (const pair of merges) {
    const sources = mergeSources(pair.value as YamlNode | null, ctx);
    for (const sourceNode of sources) {
      const merged = convert(sourceNode, ctx, depth, true);
      if (typeof merged !== 'object' || merged === null || Array.isArray(merged)) {
        throw new DslError('Illegal yaml; merge sources (<<) must be mappings', YAML_ERROR, ctx.source.locate(offsetOf(sourceNode)));
      }
      for (const key of Object.keys(merged)) {
        if (Object.prototype.hasOwnProperty.call(result, key)) continue;
        result[key] = merged[key]!;
        ctx.index.copyKey(merged, key, result, key);
      }
    }
  }
  return result;
}

function mergeSources(value: YamlNode | null, ctx: Context): YamlNode[] {
  const target = isAlias(value) ? ctx.aliasTargets.get(value) : value;
  if (isSeq(target)) return (target as YAMLSeq).items as YamlNode[];
  return target ? [value as YamlNode] : [];
}

function convertSeq(node: YAMLSeq, ctx: Context, depth: number, underAlias: boolean): Value[] {
  const result: Value[] = [];
  ctx.index.record(result, ctx.source, offsetOf(node));
  node.items.forEach((item, i) => {
    result.push(convert(item as YamlNode | null, ctx, depth + 1, underAlias));
    ctx.index.recordItem(result, i, offsetOf(item as YamlNode));
  });
  return result;
}
