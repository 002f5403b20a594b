/**
 * An evaluation context over data held in memory: the plan-time context (plan nodes and the
 * deployment's inputs) and a runtime context for callers that already hold a deployment's nodes
 * and instances (the CLI, the local workflow engine, tests).
 */
import type { Dict, Plan, Value } from '../plan';
import type { EvaluationContext, InstanceLike, NodeLike } from './context';

export interface MemoryContextData {
  inputs?: Dict;
  nodes?: NodeLike[];
  instances?: InstanceLike[];
  /** Secret values by name. */
  secrets?: Record<string, string>;
  /** Evaluated capabilities of other deployments: `{deployment_id: {capability: value}}`. */
  capabilities?: Record<string, Dict>;
  /** The deployment's labels: `{key: [values]}`. */
  labels?: Record<string, Value[]>;
  /** `{tenant: {name}, deployment: {id, name, blueprint, owner}}`. */
  sys?: Record<string, Dict>;
  consumers?: { ids: string[]; names: string[] };
}

function own<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  return map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

export function memoryContext(data: MemoryContextData): EvaluationContext {
  const nodes = new Map((data.nodes ?? []).map((n) => [n.id, n]));
  const instances = new Map((data.instances ?? []).map((i) => [i.id, i]));
  const byNode = new Map<string, InstanceLike[]>();
  for (const instance of data.instances ?? []) {
    const list = byNode.get(instance.node_id) ?? [];
    list.push(instance);
    byNode.set(instance.node_id, list);
  }
  return {
    getInput: (name) => own(data.inputs, name),
    getNode: (name) => nodes.get(name),
    getNodeInstances: (nodeId) => byNode.get(nodeId) ?? [],
    getNodeInstance: (id) => instances.get(id),
    getSecret: data.secrets ? (name) => own(data.secrets, name) : undefined,
    getCapability: data.capabilities ? (deployment, capability) => own(own(data.capabilities, deployment), capability) : undefined,
    getLabel: data.labels ? (key) => own(data.labels, key) : undefined,
    getSys: data.sys ? (entity, property) => own(own(data.sys, entity), property) : undefined,
    getConsumers: data.consumers
      ? (property) => (property === 'count' ? data.consumers!.ids.length : data.consumers![property])
      : undefined,
  };
}

/** The deployment-creation context: the plan's nodes and the deployment's input values. */
export function planContext(plan: Plan, inputs: Dict): EvaluationContext {
  const nodes = new Map(plan.nodes.map((n) => [n.id, n]));
  return {
    getInput: (name) => own(inputs, name),
    getNode: (name) => nodes.get(name),
  };
}
