import { Scalar, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Alias, Node as YamlNode, Pair, YAMLMap, YAMLSeq } from 'yaml';

/** Where one mapping / sequence of a file starts, and where its keys and items are. */
export interface NodePositions {
  offset: number;
  /** key -> [offset of the key, offset of its value] */
  keys?: Map<string, [number, number]>;
  items?: number[];
}

/** A position map of a file: path (keys / indexes joined by NUL) -> positions. */
export type PositionMap = Map<string, NodePositions>;

export function pathKey(path: readonly (string | number)[]): string {
  return path.join('\u0000');
}

/** Caps of the position walk (same spirit as the loader's: a hostile file cannot blow it up). */
const MAX_NODES = 1_000_000;
/** Alias expansion stops here (a billion-laughs file must stay cheap to locate errors in). */
const MAX_ALIAS_NODES = 50_000;
const MAX_DEPTH = 512;

interface Walk {
  positions: PositionMap;
  aliasTargets: Map<Alias, YamlNode>;
  resolving: Set<YamlNode>;
  visited: number;
  /** > 0 while below an alias */
  inAlias: number;
  aliasVisited: number;
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

function offsetOf(node: YamlNode | null | undefined): number {
  return node?.range?.[0] ?? 0;
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return (typeof v === 'symbol' && v.description === '<<') || (v === '<<' && (!key.type || key.type === Scalar.PLAIN));
}

const PY_BOOL = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON|no|No|NO|false|False|FALSE|off|Off|OFF)$/;

/** The key as the loader stores it (PyYAML-like resolution of plain scalars). */
function keyString(key: unknown, walk: Walk): string | null {
  let node = key;
  if (isAlias(node)) node = walk.aliasTargets.get(node);
  if (!isScalar(node)) return null;
  const v = node.value;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'symbol') return String(v.description);
  if (typeof v === 'boolean' && node.source !== undefined && !PY_BOOL.test(node.source)) return node.source;
  return String(v);
}

function visit(node: YamlNode | null | undefined, path: (string | number)[], walk: Walk, depth: number): void {
  if (!node || depth > MAX_DEPTH || ++walk.visited > MAX_NODES) return;
  if (walk.inAlias > 0 && ++walk.aliasVisited > MAX_ALIAS_NODES) return;
  if (isAlias(node)) {
    const target = walk.aliasTargets.get(node);
    if (!target || walk.resolving.has(target)) return;
    walk.resolving.add(target);
    walk.inAlias++;
    visit(target, path, walk, depth);
    walk.inAlias--;
    walk.resolving.delete(target);
    return;
  }
  if (isMap(node)) visitMap(node, path, walk, depth);
  else if (isSeq(node)) visitSeq(node, path, walk, depth);
}

function visitMap(node: YAMLMap, path: (string | number)[], walk: Walk, depth: number): void {
  const info: NodePositions = { offset: offsetOf(node), keys: new Map() };
  walk.positions.set(pathKey(path), info);
  const merges: YamlNode[] = [];
  for (const pair of node.items as Pair[]) {
    if (isMergeKey(pair.key)) {
      merges.push(pair.value as YamlNode);
      continue;
    }
    const key = keyString(pair.key, walk);
    if (key === null) continue;
    info.keys!.set(key, [offsetOf(pair.key as YamlNode), offsetOf((pair.value as YamlNode | null) ?? (pair.key as YamlNode))]);
    visit(pair.value as YamlNode | null, [...path, key], walk, depth + 1);
  }
  for (const value of merges) {
    const target = isAlias(value) ? walk.aliasTargets.get(value) : value;
    const sources = isSeq(target) ? ((target as YAMLSeq).items as YamlNode[]) : [value];
    for (const source of sources) {
      const map = isAlias(source) ? walk.aliasTargets.get(source) : source;
      if (!isMap(map)) continue;
      for (const pair of map.items as Pair[]) {
        const key = keyString(pair.key, walk);
        if (key === null || info.keys!.has(key)) continue;
        info.keys!.set(key, [offsetOf(pair.key as YamlNode), offsetOf((pair.value as YamlNode | null) ?? (pair.key as YamlNode))]);
        visit(pair.value as YamlNode | null, [...path, key], walk, depth + 1);
      }
    }
  }
}

function visitSeq(node: YAMLSeq, path: (string | number)[], walk: Walk, depth: number): void {
  walk.positions.set(pathKey(path), { offset: offsetOf(node), items: node.items.map((item) => offsetOf(item as YamlNode)) });
  node.items.forEach((item, i) => visit(item as YamlNode | null, [...path, i], walk, depth + 1));
}

/**
 * Positions of every mapping, key and item of a YAML text, by path. Computed only when an error
 * needs a location (the fast loader does not track positions), with a second, position-keeping
 * YAML parser.
 */
export function positionMap(text: string): PositionMap {
  const positions: PositionMap = new Map();
  try {
    const doc = parseDocument(text, { version: '1.1', merge: true, uniqueKeys: false, strict: false, prettyErrors: false });
    const root = doc.contents as YamlNode | null;
    visit(root, [], { positions, aliasTargets: indexAliases(root), resolving: new Set(), visited: 0, inAlias: 0, aliasVisited: 0 }, 0);
  } catch {
    // Best effort: whatever was recorded before the failure still helps.
  }
  return positions;
}
