import { DslError } from '../errors';
import type { SourceLocation } from '../errors';

export const ERROR_CYCLE = 100;
export const ERROR_UNKNOWN_TYPE = 103;

/**
 * Resolves named definitions that depend on each other (derived_from, data types used by
 * properties), each once, parents first. A dependency on an undefined name is error 103, a cycle
 * error 100.
 */
export class Resolver<T> {
  private readonly done = new Map<string, T>();
  private readonly stack: string[] = [];

  constructor(
    private readonly describe: string,
    private readonly exists: (name: string) => boolean,
    private readonly build: (name: string, resolver: Resolver<T>) => T,
    private readonly locate: (name: string) => SourceLocation | undefined,
  ) {}

  /** Resolves `name`; `from` names the definition that depends on it (for the 103 message). */
  get(name: string, from?: { name: string; location?: SourceLocation }): T {
    const known = this.done.get(name);
    if (known !== undefined) return known;
    if (!this.exists(name)) {
      const by = from ? ` which is declared as derived by ${this.describe} '${from.name}'` : '';
      throw new DslError(`Missing definition for ${this.describe} '${name}'${by}`, ERROR_UNKNOWN_TYPE, from?.location ?? this.locate(name));
    }
    const at = this.stack.indexOf(name);
    if (at >= 0) {
      const cycle = [...this.stack.slice(at), name];
      throw new DslError(`Parsing failed. Circular dependency detected: ${cycle.join(' --> ')}`, ERROR_CYCLE, this.locate(name));
    }
    this.stack.push(name);
    try {
      const value = this.build(name, this);
      this.done.set(name, value);
      return value;
    } finally {
      this.stack.pop();
    }
  }

  resolved(): Map<string, T> {
    return this.done;
  }
}
