/**
 * Errors raised while building a workflow's graph. `errorCode` is the REST `error_code` the API
 * answers with when the graph is built before the execution starts (bad parameters), and what the
 * execution's error names when it is built by the worker.
 */
export type WorkflowGraphErrorCode = 'bad_parameters_error' | 'illegal_execution_parameters_error' | 'invalid_graph_error' | 'existing_started_deployment_modification_error';

export class WorkflowGraphError extends Error {
  constructor(
    message: string,
    readonly errorCode: WorkflowGraphErrorCode = 'bad_parameters_error',
  ) {
    super(message);
    this.name = 'WorkflowGraphError';
  }
}
