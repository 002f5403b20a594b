/**
 * Errors raised by the DSL engine. `code` is Cloudify's numeric DSL error code (the reference and
 * the corpus list them; null where Cloudify raises a code-less error such as UnknownInputError);
 * `errorCode` is the REST `error_code` the API answers with.
 */

export interface SourceLocation {
  /** Path of the file inside the blueprint (or the import URL). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type DslRestErrorCode =
  | 'invalid_blueprint_error'
  | 'missing_required_deployment_input_error'
  | 'unknown_deployment_input_error'
  | 'unknown_deployment_secret_error'
  | 'deployment_creation_error'
  | 'bad_parameters_error'
  | 'illegal_execution_parameters_error'
  | 'function_evaluation_error';

export class DslError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly location?: SourceLocation,
    readonly errorCode: DslRestErrorCode = 'invalid_blueprint_error',
  ) {
    super(location ? `${message} (${location.file}:${location.line}:${location.column})` : message);
    this.name = 'DslError';
  }
}

/** Intrinsic function evaluation failed (bad reference, ambiguous instance, missing secret...). */
export class FunctionEvaluationError extends DslError {
  constructor(message: string, location?: SourceLocation) {
    super(message, null, location, 'function_evaluation_error');
    this.name = 'FunctionEvaluationError';
  }
}
