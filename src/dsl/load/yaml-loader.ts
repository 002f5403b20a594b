import { FAILSAFE_SCHEMA, NOT_RESOLVED, Schema, YAMLException, defineScalarTag, floatYaml11Tag, intYaml11Tag, loadAll, mergeTag, nullYaml11Tag } from 'js-yaml';
import { DslError } from '../errors';
import type { SourceLocation } from '../errors';
import type { Dict, Value } from '../plan';
import type { LoadLimits } from './limits';
import { SourceFile } from './locations';
import type { LocationIndex, NodeInfo } from './locations';

/** Cloudify's loader errors ("Illegal yaml") carry code -1. */
const YAML_ERROR = -1;

/**
 * PyYAML (which Cloudify uses) reads YAML 1.1 but takes only yes/no/on/off/true/false as
 * booleans (not y/n), and a blueprint has no use for timestamps, binary, sets or omaps.
 */
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const pythonBool = defineScalarTag<boolean>('tag:yaml.org,2002:bool', {
  implicit: true,
  implicitFirstChars: ['y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O'],
  resolve: (source) => (PY_TRUE.test(source) ? true : PY_FALSE.test(source) ? false : NOT_RESOLVED),
  identify: (value) => typeof value === 'boolean',
});
const SCHEMA = new Schema([...FAILSAFE_SCHEMA.tags, nullYaml11Tag, pythonBool, intYaml11Tag, floatYaml11Tag, mergeTag]);

export interface LoadOptions {
  /**
   * Accept duplicate keys, the last one winning (PyYAML's behaviour). Only for files the manager
   * already holds (plugin.yaml of uploaded plugins: published plugins contain duplicates).
   */
  allowDuplicateKeys?: boolean;
}

function yamlError(message: string, source: SourceFile, offset?: number, line?: number, column?: number): DslError {
  let location: SourceLocation;
  if (line !== undefined && column !== undefined) location = { file: source.name, line: line + 1, column: column + 1 };
  else location = { file: source.name, ...source.locateOffset(offset ?? 0) };
  return new DslError(`Illegal yaml; ${message}`, YAML_ERROR, location);
}

/**
 * Loads one YAML file into plain JSON-like values and records, for every mapping and sequence,
 * the file and path it came from (line/column are derived from them only when an error needs
 * them). Rejects files over the size cap, syntax errors, duplicate keys, nesting deeper than the
 * cap and alias expansion beyond the cap (a "billion laughs" file fails in milliseconds).
 */
export function loadYaml(text: string, file: string, limits: LoadLimits, index: LocationIndex, options: LoadOptions = {}): Value {
  const source = new SourceFile(file, text);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) throw yamlError(`file '${file}' is ${bytes} bytes, more than the ${limits.maxBytes} allowed`, source, 0);
  let documents: unknown[];
  try {
    documents = loadAll(text, { filename: file, schema: SCHEMA, json: options.allowDuplicateKeys === true, maxDepth: limits.maxDepth, maxTotalMergeKeys: limits.maxAliasExpansion });
  } catch (err) {
    if (err instanceof YAMLException) {
      const mark = err.mark as { line?: number; column?: number; position?: number } | undefined;
      throw yamlError(err.reason, source, mark?.position, mark?.line, mark?.column);
    }
    // js-yaml recurses: absurd nesting may exhaust the stack before its depth check.
    throw yamlError((err as Error).message, source, 0);
  }
  if (documents.length > 1) throw yamlError('a blueprint file must hold a single YAML document', source, 0);
  const copier = new Copier(source, index, limits);
  return copier.copy(documents[0] ?? null, null, null, 0);
}

/**
 * Copies the parsed document into fresh plain objects: anchors/aliases become independent copies
 * (downstream code may then transform values without surprises) up to the expansion cap, and
 * every mapping / sequence is registered in the location index.
 */
class Copier {
  private readonly seen = new WeakSet<object>();
  private expanded = 0;
  /** > 0 while copying a value seen before (an alias). */
  private inAlias = 0;

  constructor(
    private readonly source: SourceFile,
    private readonly index: LocationIndex,
    private readonly limits: LoadLimits,
  ) {}

  copy(value: unknown, parent: NodeInfo | null, step: string | number | null, depth: number): Value {
    if (value === null || value === undefined || typeof value !== 'object') {
      if (this.inAlias > 0) this.count(parent, step);
      return (value ?? null) as Value;
    }
    if (depth > this.limits.maxDepth) {
      throw new DslError(`Illegal yaml; nesting deeper than ${this.limits.maxDepth} levels`, YAML_ERROR, this.location(parent, step));
    }
    const repeated = this.seen.has(value);
    if (repeated) this.inAlias++;
    else this.seen.add(value);
    try {
      if (this.inAlias > 0) this.count(parent, step);
      if (Array.isArray(value)) {
        const out: Value[] = new Array(value.length);
        const info = this.index.record(out, this.source, parent, step);
        for (let i = 0; i < value.length; i++) out[i] = this.copy(value[i], info, i, depth + 1);
        return out;
      }
      const out: Dict = {};
      const info = this.index.record(out, this.source, parent, step);
      for (const key of Object.keys(value)) {
        const item = this.copy((value as Record<string, unknown>)[key], info, key, depth + 1);
        if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, configurable: true, writable: true });
        else out[key] = item;
      }
      return out;
    } finally {
      if (repeated) this.inAlias--;
    }
  }

  /** Counts a node materialised below an alias against the expansion cap. */
  private count(parent: NodeInfo | null, step: string | number | null): void {
    if (++this.expanded > this.limits.maxAliasExpansion) {
      throw new DslError(
        `Illegal yaml; alias expansion exceeds ${this.limits.maxAliasExpansion} nodes (a resource exhaustion attack such as "billion laughs"?)`,
        YAML_ERROR,
        this.location(parent, step),
      );
    }
  }

  private location(parent: NodeInfo | null, step: string | number | null): SourceLocation {
    const path: (string | number)[] = [];
    for (let at = parent; at && at.step !== null; at = at.parent) path.push(at.step);
    path.reverse();
    if (step !== null) path.push(step);
    return { file: this.source.name, ...this.source.locateOffset(this.source.offsetOf(path, 'node')) };
  }
}
