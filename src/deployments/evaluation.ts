/**
 * Runtime function evaluation against the stored deployment (outputs and capabilities on read,
 * `_evaluate_functions` on node and node-instance reads): an EvaluationContext backed by the model
 * store and the tenant's secrets. Nodes and instances are read once per evaluation.
 */
import { evaluateCapabilities } from '../dsl';
import type { Dict, EvaluationContext, InstanceLike, NodeLike, Value } from '../dsl';
import { KINDS } from '../model/kinds';
import type { ModelStore } from '../ports/model-store';
import type { DeploymentData, Entity, NodeData, NodeInstanceData } from './model';

export interface SecretReader {
  value(key: string): Promise<string | undefined>;
}

export interface EvaluationDeps {
  store: ModelStore;
  /** Secrets of the deployment's tenant (own and global). */
  secrets: SecretReader;
}

/** How deep get_capability may chain through other deployments (a cycle must end). */
const MAX_CAPABILITY_DEPTH = 8;

export function deploymentEvaluationContext(deps: EvaluationDeps, deployment: Entity<DeploymentData>, depth = 0): EvaluationContext {
  const { store } = deps;
  const tenant = deployment.tenant;
  let nodes: Promise<Map<string, NodeLike>> | undefined;
  let instances: Promise<InstanceLike[]> | undefined;
  const loadNodes = () =>
    (nodes ??= store
      .all<NodeData>({ tenant, kind: KINDS.node, parent: deployment.id })
      .then((all) => new Map(all.map((node): [string, NodeLike] => [node.data.id, node.data as unknown as NodeLike]))));
  const loadInstances = () =>
    (instances ??= store.all<NodeInstanceData>({ tenant, kind: KINDS.nodeInstance, parent: deployment.id }).then((all) => all.map((instance) => instance.data as unknown as InstanceLike)));
  return {
    getInput: (name) => (Object.prototype.hasOwnProperty.call(deployment.data.inputs, name) ? deployment.data.inputs[name] : undefined),
    getNode: async (name) => (await loadNodes()).get(name),
    getNodeInstances: async (nodeId) => (await loadInstances()).filter((instance) => instance.node_id === nodeId),
    getNodeInstance: async (id) => (await loadInstances()).find((instance) => instance.id === id),
    getSecret: (name) => deps.secrets.value(name),
    getCapability: async (deploymentId, capability) => {
      if (depth >= MAX_CAPABILITY_DEPTH) return undefined;
      const other = await store.find<DeploymentData>({ kind: KINDS.deployment, tenant, id: deploymentId });
      if (!other) return undefined;
      const values = await evaluateCapabilities(other.data.capabilities, deploymentEvaluationContext(deps, other, depth + 1));
      return Object.prototype.hasOwnProperty.call(values, capability) ? values[capability] : undefined;
    },
    getLabel: (key) => deployment.data.labels.filter((label) => label.key === key).map((label) => label.value),
    getSys: (entity, property): Value | undefined => {
      if (entity === 'tenant' && property === 'name') return tenant;
      if (entity !== 'deployment') return undefined;
      const values: Dict = { id: deployment.id, name: deployment.data.display_name, blueprint: deployment.data.blueprint_id, owner: deployment.data.created_by };
      return values[property];
    },
    getConsumers: () => [],
  };
}
