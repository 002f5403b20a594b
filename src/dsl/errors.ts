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
  /** Always a plain {file, line, column} (a location computed lazily is resolved here). */
  readonly location?: SourceLocation;

  constructor(
    message: string,
    readonly code: number | null,
    location?: SourceLocation,
    readonly errorCode: DslRestErrorCode = 'invalid_blueprint_error',
  ) {
    const plain = location ? { file: location.file, line: location.line, column: location.column } : undefined;
    super(plain ? `${message} (${plain.file}:${plain.line}:${plain.column})` : message);
    this.name = 'DslError';
    if (plain) this.location = plain;
  }
}

/** Intrinsic function evaluation failed (bad reference, ambiguous instance, missing secret...). */
export class FunctionEvaluationError extends DslError {
  constructor(message: string, location?: SourceLocation) {
    super(message, null, location, 'function_evaluation_error');
    this.name = 'FunctionEvaluationError';
  }
}
