/**
 * What function evaluation reads from (the context) and where a value sits (the frame).
 *
 * The same evaluator serves deployment creation (a context backed by the plan and the deployment's
 * inputs) and runtime reads (a context backed by the store: node instances, secrets, other
 * deployments' capabilities). Context methods may answer synchronously or with a promise.
 */
import type { Dict, InstanceRelationship, Value } from '../plan';

export type MaybePromise<T> = T | Promise<T>;

/** Where a value lives in the plan; decides what SELF, SOURCE and TARGET may mean. */
export type Scope =
  | 'node_template'
  | 'node_template_relationship'
  | 'outputs'
  | 'policies'
  | 'scaling_groups'
  | 'capabilities'
  | 'labels'
  | 'deployment_settings'
  | 'other';

export interface Frame {
  scope: Scope;
  /** Dotted path of the value, for error messages (`nodes.vm.properties.ip`). */
  path: string;
  /** Node scope: the node template; relationship scope: the relationship's source node. */
  node?: string;
  /** Relationship scope: the relationship's target node. */
  targetNode?: string;
  /** Runtime: the node instance an operation runs on (`SELF`). */
  self?: string;
  /** Runtime, relationship operations: the source and target node instances. */
  source?: string;
  target?: string;
  /** Runtime: the node instance whose node's properties are being read (picks that instance). */
  instanceHint?: string;
  /** Outputs: a function that fails renders as "<ERROR: ...>" instead of failing the read. */
  renderErrors?: boolean;
}

/** The parts of a node (plan node or stored node) that functions read. */
export interface NodeLike {
  id: string;
  properties?: Dict | null;
  relationships?: { type: string; target_id: string; type_hierarchy?: string[] }[] | null;
}

/** The parts of a node instance that functions read. */
export interface InstanceLike {
  id: string;
  node_id: string;
  index?: number;
  runtime_properties?: Dict | null;
  relationships?: InstanceRelationship[] | null;
  scaling_groups?: { name: string; id: string }[] | null;
}

/**
 * Data access for evaluation. Lookups answer `undefined` for "does not exist"; the functions turn
 * that into their own error messages. Optional methods are absent where the data is not available
 * (deployment creation has no runtime properties and reads no secret values).
 */
export interface EvaluationContext {
  getInput(name: string): MaybePromise<Value | undefined>;
  getNode(name: string): MaybePromise<NodeLike | undefined>;
  getNodeInstances?(nodeId: string): MaybePromise<InstanceLike[]>;
  getNodeInstance?(id: string): MaybePromise<InstanceLike | undefined>;
  /** The secret's value as stored (a string). */
  getSecret?(name: string): MaybePromise<string | undefined>;
  /** The evaluated capability of another deployment. */
  getCapability?(deploymentId: string, capability: string): MaybePromise<Value | undefined>;
  /** The values of the deployment's label `key` (empty or undefined when it has none). */
  getLabel?(key: string): MaybePromise<Value[] | undefined>;
  /** `tenant.name`, `deployment.id|name|blueprint|owner`. */
  getSys?(entity: string, property: string): MaybePromise<Value | undefined>;
  getConsumers?(property: 'ids' | 'names' | 'count'): MaybePromise<Value>;
  getEnvironmentCapability?(path: Value[]): MaybePromise<Value | undefined>;
  getGroupCapability?(path: Value[]): MaybePromise<Value | undefined>;
}

export type EvaluationMode = 'plan' | 'runtime';

/** What a function's evaluate() receives besides its (fully evaluated) arguments. */
export interface FunctionEnv {
  mode: EvaluationMode;
  frame: Frame;
  context: EvaluationContext;
}
