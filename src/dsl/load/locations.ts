import type { SourceLocation } from '../errors';
import { pathKey, positionMap } from './yaml-positions';
import type { PositionMap } from './yaml-positions';

type Step = string | number;

/**
 * One loaded file. Line/column positions are computed on demand (only errors need them), from
 * the text kept here.
 */
export class SourceFile {
  private lineStarts: number[] | null = null;
  private positions: PositionMap | null = null;

  constructor(
    readonly name: string,
    private readonly text: string,
  ) {}

  /** 1-based line and column of an offset. */
  locateOffset(offset: number): { line: number; column: number } {
    const starts = (this.lineStarts ??= lineStarts(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }

  /**
   * Offset of a node (`part` 'node'), or of a key / its value ('key' / 'value': the last step
   * of `path` is the key). Falls back to the nearest ancestor that is known.
   */
  offsetOf(path: readonly Step[], part: 'node' | 'key' | 'value'): number {
    const positions = (this.positions ??= positionMap(this.text));
    if (part !== 'node' && path.length > 0) {
      const parent = positions.get(pathKey(path.slice(0, -1)));
      const last = path[path.length - 1]!;
      if (parent) {
        if (typeof last === 'number' && parent.items?.[last] !== undefined) return parent.items[last]!;
        const pos = parent.keys?.get(String(last));
        if (pos) return part === 'key' ? pos[0] : pos[1];
      }
    } else {
      const own = positions.get(pathKey(path));
      if (own) return own.offset;
    }
    for (let n = path.length - 1; n >= 0; n--) {
      const p = this.offsetOf(path.slice(0, n), n === 0 ? 'node' : 'value');
      if (p >= 0) return p;
    }
    return 0;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/**
 * A location whose line and column are computed when first read (only errors read them; the
 * validators create many locations that are never used). DslError turns it into a plain object.
 */
class LazyLocation implements SourceLocation {
  #resolved: { line: number; column: number } | null = null;

  constructor(
    private readonly source: SourceFile,
    private readonly base: NodeInfo | readonly Step[],
    private readonly last: Step | undefined,
    private readonly part: 'node' | 'key' | 'value',
  ) {}

  get file(): string {
    return this.source.name;
  }

  get line(): number {
    return this.resolve().line;
  }

  get column(): number {
    return this.resolve().column;
  }

  private resolve(): { line: number; column: number } {
    if (!this.#resolved) {
      const base = Array.isArray(this.base) ? (this.base as readonly Step[]) : pathOf(this.base as NodeInfo);
      const path = this.last === undefined ? base : [...base, this.last];
      this.#resolved = this.source.locateOffset(this.source.offsetOf(path, this.part));
    }
    return this.#resolved;
  }

  toJSON(): SourceLocation {
    return { file: this.file, line: this.line, column: this.column };
  }
}

/**
 * Where a mapping / sequence was loaded from: its file, and its parent and key there (the path is
 * rebuilt from the parents only when a location is read: no path array per loaded object).
 */
export interface NodeInfo {
  source: SourceFile;
  parent: NodeInfo | null;
  step: Step | null;
  /** Keys renamed or moved here from elsewhere (namespacing, merging): where they really are. */
  keys?: Map<string, { source: SourceFile; path: readonly Step[] }>;
}

function pathOf(info: NodeInfo): Step[] {
  const path: Step[] = [];
  for (let at: NodeInfo | null = info; at && at.step !== null; at = at.parent) path.push(at.step);
  return path.reverse();
}

/**
 * Maps loaded YAML objects back to file/line/column, so that errors found long after loading
 * (a wrong property type, an unknown node type) can say where the value was written. Objects are
 * keys of a WeakMap; positions are only computed when a location is read.
 */
export class LocationIndex {
  private readonly nodes = new WeakMap<object, NodeInfo>();

  /** Records a loaded object; returns its info (the parent of its children). */
  record(target: object, source: SourceFile, parent: NodeInfo | null, step: Step | null): NodeInfo {
    const info: NodeInfo = { source, parent, step };
    this.nodes.set(target, info);
    return info;
  }

  /** Copies what is known about `from` to `to` (for values rebuilt during merging/namespacing). */
  copy(from: object, to: object): void {
    const info = this.nodes.get(from);
    if (info) this.nodes.set(to, info.keys ? { ...info, keys: new Map(info.keys) } : { ...info });
  }

  /** Key `toKey` of `to` was written as key `fromKey` of `from`. */
  copyKey(from: object, fromKey: string, to: object, toKey: string): void {
    const dst = this.nodes.get(to);
    const src = this.nodes.get(from);
    if (!dst || !src) return;
    const moved = src.keys?.get(fromKey);
    // Same file and same place: nothing to record.
    if (!moved && fromKey === toKey && src.source === dst.source && src.parent === dst.parent && src.step === dst.step) return;
    (dst.keys ??= new Map()).set(toKey, moved ?? { source: src.source, path: [...pathOf(src), fromKey] });
  }

  private keyLocation(target: object, key: string, part: 'key' | 'value'): SourceLocation | undefined {
    const info = this.nodes.get(target);
    if (!info) return undefined;
    const moved = info.keys?.get(key);
    return moved ? new LazyLocation(moved.source, moved.path, undefined, part) : new LazyLocation(info.source, info, key, part);
  }

  /** Where the mapping / sequence starts. */
  of(target: unknown): SourceLocation | undefined {
    if (typeof target !== 'object' || target === null) return undefined;
    const info = this.nodes.get(target);
    return info ? new LazyLocation(info.source, info, undefined, 'node') : undefined;
  }

  /** Where `key` of a mapping is written (falls back to the mapping itself). */
  ofKey(target: unknown, key: string): SourceLocation | undefined {
    if (typeof target !== 'object' || target === null) return undefined;
    return this.keyLocation(target, key, 'key');
  }

  /** Where the value of `key` starts (falls back to the key, then to the mapping). */
  ofValue(target: unknown, key: string): SourceLocation | undefined {
    if (typeof target !== 'object' || target === null) return undefined;
    return this.keyLocation(target, key, 'value');
  }

  /** Where item `index` of a sequence starts. */
  ofItem(target: unknown, index: number): SourceLocation | undefined {
    if (!Array.isArray(target)) return undefined;
    const info = this.nodes.get(target);
    return info ? new LazyLocation(info.source, info, index, 'value') : undefined;
  }

  /** The file a mapping / sequence was loaded from. */
  fileOf(target: unknown): string | undefined {
    if (typeof target !== 'object' || target === null) return undefined;
    return this.nodes.get(target)?.source.name;
  }

  /** Locates a path below `root` (keys and indexes), as precisely as recorded. */
  ofPath(root: unknown, path: readonly Step[]): SourceLocation | undefined {
    let current: unknown = root;
    let best = this.of(root);
    for (const step of path) {
      if (typeof current !== 'object' || current === null) break;
      const here = typeof step === 'number' ? this.ofItem(current, step) : this.ofValue(current, step);
      if (here) best = here;
      current = (current as Record<string | number, unknown>)[step];
    }
    return best;
  }
}
