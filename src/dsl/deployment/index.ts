/** Deployment creation from a plan: inputs, plan-time functions, nodes and node instances. */
export { prepareDeploymentPlan, type PrepareDeploymentOptions } from './prepare';
export { resolveDeploymentInputs, type InputOptions } from './inputs';
export { prepareExecutionParameters, type ExecutionParameterOptions } from './parameters';
export { deploymentNode } from './nodes';
export { collectSecretNames, checkSecretsExist } from './secrets';
export type { DeploymentNode, DeploymentPlan } from './types';
