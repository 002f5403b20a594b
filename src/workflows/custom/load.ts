/**
 * Everything a workflow function needs, read from the stores: its source (a file of the
 * deployment's blueprint in the file store) and the deployment's nodes and node instances, both as
 * the graph builders read them and as the function sees them (plain, read-only data).
 */
import { posix } from 'node:path';
import type { BlueprintData } from '../../blueprints/model';
import { resourceKey } from '../../blueprints/model';
import type { DeploymentData, NodeData, NodeInstanceData } from '../../deployments/model';
import { KINDS } from '../../model/kinds';
import type { FileStore } from '../../ports/file-store';
import type { Entity, ModelStore } from '../../ports/model-store';
import type { GraphDeployment, GraphNode } from '../deployment';
import { isNoop } from '../operations';
import { CustomWorkflowError } from './errors';

export interface CustomWorkflowDeps {
  store: ModelStore;
  files?: FileStore;
}

/** The file's text; a missing file (or no file store) is a CustomWorkflowError. */
export async function loadWorkflowSource(deps: CustomWorkflowDeps, deployment: Entity<DeploymentData>, path: string): Promise<string> {
  if (!deps.files) throw new CustomWorkflowError('this worker has no access to blueprint files');
  const { blueprint_id: blueprintId, blueprint_tenant: tenant } = deployment.data;
  const blueprint = await deps.store.get<BlueprintData>({ kind: KINDS.blueprint, tenant: tenant ?? deployment.tenant, id: blueprintId });
  if (!blueprint) throw new CustomWorkflowError(`blueprint ${blueprintId} no longer exists`);
  // Mappings are relative to the main file's directory, as the DSL resolved them.
  const full = posix.normalize(posix.join(posix.dirname(blueprint.data.main_file_name || 'blueprint.yaml'), path.replace(/^\/+/, '')));
  if (full.startsWith('..')) throw new CustomWorkflowError(`${path} is outside the blueprint`);
  const bytes = await deps.files.get(resourceKey(blueprint.tenant, blueprintId, full));
  if (!bytes) throw new CustomWorkflowError(`${path} was not found in blueprint ${blueprintId}`);
  return bytes.toString('utf8');
}

export interface FunctionView {
  nodes: { id: string; type: string; type_hierarchy: string[]; properties: unknown; operations: string[]; host_id: string | null; number_of_instances: number }[];
  instances: { id: string; node_id: string; host_id: string | null; state: string; runtime_properties: unknown; relationships: { type: string; target_id: string; target_name: string }[] }[];
}

export async function loadDeployment(store: ModelStore, deployment: Entity<DeploymentData>): Promise<{ graph: GraphDeployment; view: FunctionView }> {
  const [nodes, instances] = await Promise.all([
    store.all<NodeData>({ tenant: deployment.tenant, kind: KINDS.node, parent: deployment.id }),
    store.all<NodeInstanceData>({ tenant: deployment.tenant, kind: KINDS.nodeInstance, parent: deployment.id }),
  ]);
  const graph: GraphDeployment = {
    nodes: nodes.map((node) => node.data as unknown as GraphNode),
    instances: instances.map(({ data }) => ({ id: data.id, node_id: data.node_id, host_id: data.host_id, relationships: data.relationships as never, state: data.state })),
  };
  const view: FunctionView = {
    nodes: nodes.map(({ data }) => ({
      id: data.id,
      type: data.type,
      type_hierarchy: data.type_hierarchy,
      properties: data.properties,
      operations: Object.keys(data.operations ?? {}).filter((name) => !isNoop((data.operations as unknown as GraphNode['operations'])[name])),
      host_id: data.host_id,
      number_of_instances: data.number_of_instances,
    })),
    instances: instances.map(({ data }) => ({
      id: data.id,
      node_id: data.node_id,
      host_id: data.host_id,
      state: data.state,
      runtime_properties: data.runtime_properties,
      relationships: (data.relationships as { type: string; target_id: string; target_name: string }[]).map((r) => ({ type: r.type, target_id: r.target_id, target_name: r.target_name })),
    })),
  };
  return { graph, view };
}
