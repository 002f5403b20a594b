/** What deployment creation produces from a plan: the deployment's plan, nodes and node instances. */
import type { Dict, Plan, PlanNode, PlannedNodeInstance } from '../plan';

/** A node as the REST API serves it (`GET /nodes`), with the instance counts of the deployment. */
export interface DeploymentNode extends PlanNode {
  number_of_instances: number;
  planned_number_of_instances: number;
  deploy_number_of_instances: number;
  min_number_of_instances: number;
  /** -1 = unbounded. */
  max_number_of_instances: number;
}

/** The plan of one deployment: input values, hybrid functions evaluated, node instances planned. */
export interface DeploymentPlan extends Omit<Plan, 'inputs' | 'nodes'> {
  /** The input values the deployment was created with (defaults filled in). */
  inputs: Dict;
  nodes: DeploymentNode[];
  node_instances: PlannedNodeInstance[];
}
