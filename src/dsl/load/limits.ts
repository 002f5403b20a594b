/** Caps that keep a hostile or broken blueprint from exhausting memory or time. */
export interface LoadLimits {
  /** Largest accepted file, in bytes (UTF-8). */
  maxBytes: number;
  /**
   * Most YAML nodes that alias expansion may materialise in one file (a billion-laughs file hits
   * this after a few milliseconds instead of expanding exponentially).
   */
  maxAliasExpansion: number;
  /** Deepest accepted nesting of mappings and sequences. */
  maxDepth: number;
  /** Most files one blueprint may import (directly and transitively). */
  maxImports: number;
}

export const DEFAULT_LIMITS: Readonly<LoadLimits> = {
  maxBytes: 10 * 1024 * 1024,
  maxAliasExpansion: 200_000,
  maxDepth: 128,
  maxImports: 500,
};

export function resolveLimits(overrides?: Partial<LoadLimits>): LoadLimits {
  return { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
}
