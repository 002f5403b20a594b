import type { SourceLocation } from '../errors';

/** Where a file's offsets fall: line starts, to turn an offset into line/column lazily. */
export class SourceFile {
  private lineStarts: number[] | null = null;

  constructor(
    readonly name: string,
    private readonly text: string,
  ) {}

  locate(offset: number): SourceLocation {
    const starts = this.starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { file: this.name, line: low + 1, column: offset - starts[low]! + 1 };
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
    this.lineStarts = starts;
    return starts;
  }
}

/** Where one mapping or sequence (and its keys / items) was written. */
interface NodeInfo {
  source: SourceFile;
  offset: number;
  /** key -> [offset of the key, offset of its value] */
  keys?: Map<string, [number, number]>;
  /** offsets of the items of a sequence */
  items?: number[];
}

/**
 * Maps loaded YAML objects back to file/line/column, so that errors found long after loading
 * (a wrong property type, an unknown node type) can say where the value was written. Objects are
 * keys of a WeakMap: the index costs nothing once the loaded values are dropped.
 */
export class LocationIndex {
  private readonly nodes = new WeakMap<object, NodeInfo>();

  record(target: object, source: SourceFile, offset: number): void {
    this.nodes.set(target, { source, offset });
  }

  recordKey(target: object, key: string, keyOffset: number, valueOffset: number): void {
    const info = this.nodes.get(target);
    if (!info) return;
    (info.keys ??= new Map()).set(key, [keyOffset, valueOffset]);
  }

  recordItem(target: unknown[], index: number, offset: number): void {
    const info = this.nodes.get(target);
    if (!info) return;
    (info.items ??= [])[index] = offset;
  }

  /** Copies what is known about `from` to `to` (for values rebuilt during merging/namespacing). */
  copy(from: object, to: object): void {
    const info = this.nodes.get(from);
    if (info) this.nodes.set(to, { ...info, keys: info.keys ? new Map(info.keys) : undefined, items: info.items ? [...info.items] : undefined });
  }

  /** Copies the location of key `fromKey` of `from` to key `toKey` of `to`. */
  copyKey(from: object, fromKey: string, to: object, toKey: string): void {
    const src = this.nodes.get(from)?.keys?.get(fromKey);
    const dst = this.nodes.get(to);
    if (src && dst) (dst.keys ??= new Map()).set(toKey, src);
  }

  /** Where the mapping / sequence starts. */
  of(target: unknown): SourceLocation | undefined {
    if (typeof target !== 'object' || target === null) return undefined;
    const info = this.nodes.get(target);
    return info ? info.source.locate(info.offset) : undefined;
  }

  /** Where `key` of a mapping is written (falls back to the mapping itself). */
  ofKey(target: unknown, key: string): SourceLocation | undefined {
    if (typeof target !== 'object' || target === null) return undefined;
    const info = this.nodes.get(target);
    if (!info) return undefined;
    const pos = info.keys?.get(key);
    return info.source.locate(pos ? pos[0] : info.offset);
  }

  /** Where the value of `key` starts (falls back to the key, then to the mapping). */
  ofValue(target: unknown, key: string): SourceLocation | undefined {
    if (typeof target !== 'object' || target === null) return undefined;
    const info = this.nodes.get(target);
    if (!info) return undefined;
    const pos = info.keys?.get(key);
    return info.source.locate(pos ? pos[1] : info.offset);
  }

  /** Where item `index` of a sequence starts. */
  ofItem(target: unknown, index: number): SourceLocation | undefined {
    if (!Array.isArray(target)) return undefined;
    const info = this.nodes.get(target);
    if (!info) return undefined;
    const pos = info.items?.[index];
    return info.source.locate(pos ?? info.offset);
  }

  /** The file a mapping / sequence was loaded from. */
  fileOf(target: unknown): string | undefined {
    if (typeof target !== 'object' || target === null) return undefined;
    return this.nodes.get(target)?.source.name;
  }

  /** Locates a path below `root` (keys and indexes), as precisely as recorded. */
  ofPath(root: unknown, path: readonly (string | number)[]): SourceLocation | undefined {
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
