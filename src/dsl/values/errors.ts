import { DslError } from '../errors';
import type { DslRestErrorCode, SourceLocation } from '../errors';

/** What kind of value check failed; callers translate it to their own REST error if needed. */
export type ValueCheckKind = 'type' | 'undefined_property' | 'missing_property' | 'constraint' | 'function_not_permitted';

const CODE_OF_KIND: Record<ValueCheckKind, number | null> = {
  type: 105,
  undefined_property: 106,
  missing_property: 107,
  // Cloudify raises a code-less ConstraintException for a violated constraint.
  constraint: null,
  function_not_permitted: 219,
};

/** A value does not fit its declared type, schema or constraints. */
export class ValueCheckError extends DslError {
  constructor(
    message: string,
    readonly kind: ValueCheckKind,
    location?: SourceLocation,
    errorCode: DslRestErrorCode = 'invalid_blueprint_error',
  ) {
    super(message, CODE_OF_KIND[kind], location, errorCode);
    this.name = 'ValueCheckError';
  }
}
