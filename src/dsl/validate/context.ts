import type { SourceLocation } from '../errors';
import type { LocationIndex } from '../load/locations';
import type { Dict, DslVersion, PlanPlugin } from '../plan';
import type { DataTypes } from '../values';

/** What every section validator needs: the combined blueprint and what earlier steps resolved. */
export interface ValidationContext {
  dsl: DslVersion;
  index: LocationIndex;
  /** The merged blueprint (all imports combined). */
  doc: Dict;
  /** Operation / workflow mappings that name an existing file of the blueprint (scripts). */
  resources: ReadonlySet<string>;
  dataTypes: DataTypes;
  plugins: Record<string, PlanPlugin>;
}

/** Locates `path` (keys / indexes) below the combined blueprint. */
export function locate(ctx: ValidationContext, path: readonly (string | number)[]): SourceLocation | undefined {
  return ctx.index.ofPath(ctx.doc, path);
}
