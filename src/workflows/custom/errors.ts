/**
 * Why a custom workflow cannot run: its file is missing or not JavaScript, its function threw,
 * timed out or described an invalid graph. POST /executions answers it as
 * `nonexistent_workflow_error` with this message (the workflow, as declared, does not exist on
 * Stratus); the worker fails the execution with it.
 */
export class CustomWorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CustomWorkflowError';
  }
}
