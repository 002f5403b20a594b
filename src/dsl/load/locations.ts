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
    private readonly base: readonly Step[],
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
      const path = this.last === undefined ? this.base : [...this.base, this.last];
      this.#resolved = this.source.locateOffset(this.source.offsetOf(path, this.part));
    }
    return this.#resolved;
  }

  toJSON(): SourceLocation {
    return { file: this.file, line: this.line, column: this.column };
  }
}

interface Origin {
  source: SourceFile;
  path: readonly Step[];
}

interface NodeInfo extends Origin {
  /** Keys renamed or moved here from elsewhere (namespacing, merging): where they really are. */
  keys?: Map<string, Origin>;
}

/**
 * Maps loaded YAML objects back to file/line/column, so that errors found long after loading
 * (a wrong property type, an unknown node type) can say where the value was written. Objects are
 * keys of a WeakMap; positions are only computed when a location is read.
 */
export class LocationIndex {
  private readonly nodes = new WeakMap<object, NodeInfo>();

  record(target: object, source: SourceFile, path: readonly Step[]): void {
    this.nodes.set(target, { source, path });
  }

  /** Copies what is known about `from` to `to` (for values rebuilt during merging/namespacing). */
  copy(from: object, to: object): void {
    const info = this.nodes.get(from);
    if (info) this.nodes.set(to, { ...info, keys: info.keys ? new Map(info.keys) : undefined });
  }

  /** Key `toKey` of `to` was written as key `fromKey` of `from`. */
  copyKey(from: object, fromKey: string, to: object, toKey: string): void {
    const dst = this.nodes.get(to);
    if (!dst) return;
    const srcInfo = this.nodes.get(from);
    if (!srcInfo) return;
    // Same file and same place: nothing to record.
    if (fromKey === toKey && srcInfo.source === dst.source && !srcInfo.keys?.has(fromKey) && samePath(srcInfo.path, dst.path)) return;
    const src = this.keyOrigin(from, fromKey);
    if (src) (dst.keys ??= new Map()).set(toKey, src);
  }

  /** Where key `key` of `target` was written: a recorded override, or the target's path + key. */
  private keyLocation(target: object, key: string, part: 'key' | 'value'): SourceLocation | undefined {
    const info = this.nodes.get(target);
    if (!info) return undefined;
    const moved = info.keys?.get(key);
    return moved ? new LazyLocation(moved.source, moved.path, undefined, part) : new LazyLocation(info.source, info.path, key, part);
  }

  private keyOrigin(target: object, key: string): Origin | undefined {
    const info = this.nodes.get(target);
    if (!info) return undefined;
    return info.keys?.get(key) ?? { source: info.source, path: [...info.path, key] };
  }

  /** Where the mapping / sequence starts. */
  of(target: unknown): SourceLocation | undefined {
    if (typeof target !== 'object' || target === null) return undefined;
    const info = this.nodes.get(target);
    return info ? new LazyLocation(info.source, info.path, undefined, 'node') : undefined;
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
    return info ? new LazyLocation(info.source, info.path, index, 'value') : undefined;
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

function samePath(a: readonly Step[], b: readonly Step[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
