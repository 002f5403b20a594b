/** The durable workflow engine: see docs/engine.md. */
export { Engine, type EngineDeps } from './engine';
export { ExecutionLifecycle } from './lifecycle';
export { EXECUTION_CANCEL_KIND, type CancelMode } from '../../executions/queue';
export { DEFAULT_ENGINE_CONFIG, engineConfigFromEnv, type EngineConfig } from './config';
export { EXECUTION_CHECK_KIND, TASK_RUN_KIND, readExecutionRef, readTaskRun } from './messages';
export { persistGraph, END_TASK, type PersistedTask } from './persisted';
