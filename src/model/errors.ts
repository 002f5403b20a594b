/**
 * Cloudify's error codes (reference/cloudify-rest-api.md, "Errors") as ApiError factories, so every
 * layer raises the exact `error_code` and status the Cloudify client maps to its exception classes.
 * The store raises these too (a duplicate id is `conflict_error`, a missing entity `not_found_error`).
 */
import { ApiError } from '../api/errors';

export const ERROR_CODES = {
  badParameters: 'bad_parameters_error',
  illegalAction: 'illegal_action_error',
  invalidBlueprint: 'invalid_blueprint_error',
  existingRunningExecution: 'existing_running_execution_error',
  illegalExecutionParameters: 'illegal_execution_parameters_error',
  existingStartedDeploymentModification: 'existing_started_deployment_modification_error',
  nonexistentWorkflow: 'nonexistent_workflow_error',
  unavailableWorkflow: 'unavailable_workflow_error',
  dependentExists: 'dependent_exists_error',
  deploymentCreation: 'deployment_creation_error',
  deploymentEnvironmentCreationInProgress: 'deployment_environment_creation_in_progress_error',
  deploymentEnvironmentCreationPending: 'deployment_environment_creation_pending_error',
  missingRequiredDeploymentInput: 'missing_required_deployment_input_error',
  unknownDeploymentInput: 'unknown_deployment_input_error',
  unknownDeploymentSecret: 'unknown_deployment_secret_error',
  deploymentPluginNotFound: 'deployment_plugin_not_found',
  noSuchIncludeField: 'no_such_include_field_error',
  invalidExceptionStatusUpdate: 'invalid_exception_status_update',
  unauthorized: 'unauthorized_error',
  forbidden: 'forbidden_error',
  forbiddenWhileCancelling: 'forbidden_while_cancelling',
  notFound: 'not_found_error',
  methodNotAllowed: 'method_not_allowed_error',
  blueprintInUse: 'blueprint_in_use',
  pluginInUse: 'plugin_in_use',
  conflict: 'conflict_error',
  storage: 'storage_error',
  ambiguousName: 'ambiguous_name',
  unsupportedContentType: 'unsupported_content_type_error',
  payloadTooLarge: 'payload_too_large_error',
  internal: 'internal_server_error',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Any Cloudify error; prefer the named factories below. */
export function apiError(statusCode: number, errorCode: ErrorCode, message: string): ApiError {
  return new ApiError(statusCode, errorCode, message);
}

export const badParameters = (message: string) => apiError(400, ERROR_CODES.badParameters, message);
export const illegalAction = (message: string) => apiError(400, ERROR_CODES.illegalAction, message);
export const noSuchIncludeField = (message: string) => apiError(400, ERROR_CODES.noSuchIncludeField, message);
export const unauthorized = (message = 'User unauthorized') => apiError(401, ERROR_CODES.unauthorized, message);
export const forbidden = (message: string) => apiError(403, ERROR_CODES.forbidden, message);
export const notFoundError = (message: string) => apiError(404, ERROR_CODES.notFound, message);
export const conflict = (message: string) => apiError(409, ERROR_CODES.conflict, message);
export const unsupportedContentType = (message: string) => apiError(415, ERROR_CODES.unsupportedContentType, message);
/**
 * A body over the limit. Cloudify has no code of its own for this (its nginx answers 413 with an
 * HTML page); the status is what clients act on, the code only names it.
 */
export const payloadTooLarge = (message: string) => apiError(413, ERROR_CODES.payloadTooLarge, message);

/** `{kind} {id}` not found, in Cloudify's wording (`Requested `Deployment` with ID `d1` was not found`). */
export function entityNotFound(kindLabel: string, id: string): ApiError {
  return notFoundError(`Requested \`${kindLabel}\` with ID \`${id}\` was not found`);
}

/** A create on an id that is taken: Cloudify's wording is `<kind> with ID `x` already exists`. */
export function alreadyExists(kindLabel: string, id: string): ApiError {
  return conflict(`${kindLabel} with ID \`${id}\` already exists`);
}
