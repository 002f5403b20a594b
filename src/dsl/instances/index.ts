/** Node-instance planning: a new deployment's instances, and modifications (scale) of existing ones. */
export { planInstances, type PlanInstancesOptions } from './plan-instances';
export { modifyDeployment, scaleModification, type DeploymentModification, type ModifiedEntity, type ModifyDeploymentInput, type RelationshipChange } from './modify';
export { InstanceIdGenerator, type RandomSource } from './ids';
export { nodeInstanceCount, groupInstanceCount, type PlanningGroup, type PlanningNode } from './topology';
