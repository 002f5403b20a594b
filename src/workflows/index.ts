/**
 * The workflow graph builders: pure functions from a deployment (nodes, node instances with their
 * states) and a workflow's parameters to a WorkflowGraph (graph.ts) the durable engine persists
 * and runs. No storage, no AWS: see docs/workflows.md for the model and the ordering rules.
 */
export type * from './graph';
export { WorkflowGraphError, type WorkflowGraphErrorCode } from './errors';
export { type GraphDeployment, type GraphInstance, type GraphNode, installMethod } from './deployment';
export { NODE_INSTANCE_STATES, type NodeInstanceState } from './states';
export { type InstanceFilters } from './filters';
export { type Parameters } from './params';
export { buildInstallGraph, type InstallParams } from './install';
export { buildUninstallGraph, type UninstallParams } from './uninstall';
export { buildReinstallGraph, type ReinstallParams } from './reinstall';
export { buildExecuteOperationGraph, buildLifecycleOperationGraph, buildRestartGraph, type ExecuteOperationParams, type LifecycleOperationParams, type RestartParams } from './execute-operation';
export { buildHealGraph, healScope, type HealParams, type HealPlan } from './heal';
export { buildScaleGraph, buildScaleRollbackGraph, deploymentAfter, planScale, scaleParamsFrom, type ScaleDeployment, type ScaleParams, type ScalePlan } from './scale';
export { BUILTIN_WORKFLOWS, BUILTIN_WORKFLOW_PLUGIN, builtinWorkflow, isScaleWorkflow, type WorkflowGraphBuilder } from './builtins';
export { assertValidGraph, countOperations, describeGraph, findGraphProblems, formatDryRun, topologicalOrder, waves, type DryRunEntry } from './analysis';
