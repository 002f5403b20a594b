/**
 * What the graph builders read: the deployment's nodes (plan nodes or stored deployment nodes)
 * and node instances (planned or stored, with their state), indexed once per build.
 */
import type { InstanceRelationship, PlanNode, PlanRelationship } from '../dsl/plan';
import { WorkflowGraphError } from './errors';
import { stateOf } from './states';

export const COMPUTE = 'cloudify.nodes.Compute';
export const CONTAINED_IN = 'cloudify.relationships.contained_in';
export const DEPENDS_ON_LIFECYCLE_OPERATION = 'cloudify.relationships.depends_on_lifecycle_operation';

/** The parts of a node the builders read. */
export type GraphNode = Pick<PlanNode, 'id' | 'type_hierarchy' | 'properties' | 'operations' | 'relationships' | 'plugins' | 'plugins_to_install' | 'host_id'>;

/** A node instance as planned or stored; `state` absent means `uninitialized`. */
export interface GraphInstance {
  id: string;
  node_id: string;
  host_id: string | null;
  /** In template order (the DSL plans them so). */
  relationships: InstanceRelationship[];
  state?: string | null;
}

export interface GraphDeployment {
  nodes: GraphNode[];
  instances: GraphInstance[];
}

/** A relationship instance with its template. */
export interface ResolvedRelationship {
  instance: InstanceRelationship;
  template: PlanRelationship;
  /** The relationship's position among the source instance's relationships. */
  index: number;
}

export class DeploymentIndex {
  readonly nodes = new Map<string, GraphNode>();
  readonly instances = new Map<string, GraphInstance>();
  /** Instance ids in input order (node order, then index, as the DSL plans them). */
  readonly order: string[] = [];
  private readonly relationshipCache = new Map<string, ResolvedRelationship[]>();
  private readonly containedCache = new Map<string, string[]>();
  private readonly pluginExecutors = new Map<string, string>();

  constructor(deployment: GraphDeployment) {
    for (const node of deployment.nodes) {
      if (this.nodes.has(node.id)) throw new WorkflowGraphError(`Node ${node.id} is listed twice`, 'invalid_graph_error');
      this.nodes.set(node.id, node);
      for (const plugin of node.plugins ?? []) this.pluginExecutors.set(plugin.name, plugin.executor);
    }
    for (const instance of deployment.instances) {
      if (this.instances.has(instance.id)) throw new WorkflowGraphError(`Node instance ${instance.id} is listed twice`, 'invalid_graph_error');
      if (!this.nodes.has(instance.node_id)) throw new WorkflowGraphError(`Node instance ${instance.id} belongs to an unknown node ${instance.node_id}`, 'invalid_graph_error');
      this.instances.set(instance.id, instance);
      this.order.push(instance.id);
    }
  }

  instance(id: string): GraphInstance {
    const instance = this.instances.get(id);
    if (!instance) throw new WorkflowGraphError(`Node instance ${id} does not exist in this deployment`);
    return instance;
  }

  nodeOf(instance: GraphInstance): GraphNode {
    return this.nodes.get(instance.node_id)!;
  }

  state(instance: GraphInstance): string {
    return stateOf(instance.state);
  }

  isCompute(instance: GraphInstance): boolean {
    return this.nodeOf(instance).type_hierarchy.includes(COMPUTE);
  }

  /** The executor a plugin declares, for operations whose own executor is unset. */
  pluginExecutor(plugin: string): string | undefined {
    return this.pluginExecutors.get(plugin);
  }

  /**
   * The instance's relationships with their templates, in the instance's (template) order. The
   * template is the node's relationship of the same type towards the same node; Cloudify looks it up
   * by target node alone, which picks the wrong template when a node has two relationships of
   * different types towards one node.
   */
  relationships(instance: GraphInstance): ResolvedRelationship[] {
    const cached = this.relationshipCache.get(instance.id);
    if (cached) return cached;
    const node = this.nodeOf(instance);
    const resolved = instance.relationships.map((rel, index) => {
      const template =
        node.relationships.find((t) => t.target_id === rel.target_name && t.type === rel.type) ?? node.relationships.find((t) => t.target_id === rel.target_name);
      if (!template) {
        throw new WorkflowGraphError(`Node instance ${instance.id} has a ${rel.type} relationship to node ${rel.target_name}, which node ${node.id} does not declare`, 'invalid_graph_error');
      }
      return { instance: rel, template, index };
    });
    this.relationshipCache.set(instance.id, resolved);
    return resolved;
  }

  /** Ids of the instances directly contained in this one. */
  private containedChildren(): Map<string, string[]> {
    if (this.containedCache.size === 0 && this.instances.size > 0) {
      for (const id of this.order) this.containedCache.set(id, []);
      for (const id of this.order) {
        for (const rel of this.relationships(this.instances.get(id)!)) {
          if (rel.template.type_hierarchy.includes(CONTAINED_IN) && this.containedCache.has(rel.instance.target_id)) {
            this.containedCache.get(rel.instance.target_id)!.push(id);
          }
        }
      }
    }
    return this.containedCache;
  }

  /** The instance and every instance contained in it, transitively (Cloudify's get_contained_subgraph). */
  containedSubgraph(id: string): Set<string> {
    const children = this.containedChildren();
    const result = new Set<string>();
    const stack = [id];
    while (stack.length) {
      const current = stack.pop()!;
      if (result.has(current)) continue;
      result.add(current);
      stack.push(...(children.get(current) ?? []));
    }
    return result;
  }
}

/**
 * The agent install method of a Compute node (Cloudify's get_install_method): `install_agent:
 * false` means none; else agent_config.install_method, else the deprecated cloudify_agent's, else
 * `remote`. A value that is not a string (an unevaluated runtime function) counts as `remote`.
 */
export function installMethod(node: GraphNode): string {
  const props = node.properties ?? {};
  if (props.install_agent === false) return 'none';
  const fromDict = (value: unknown): unknown => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>).install_method : undefined);
  const method = fromDict(props.agent_config) ?? fromDict(props.cloudify_agent);
  return typeof method === 'string' && method !== '' ? method : 'remote';
}
