/**
 * What an agent needs to resolve `ctx` locally: the node and instance of the operation (or both
 * ends of a relationship), their properties and runtime properties, and the host IP. Read fresh
 * just before the run message is sent, so get-style reads see the latest runtime properties.
 */
import type { Dict } from '../dsl';
import type { NodeData, NodeInstanceData } from '../deployments/model';
import { instanceStoreId, nodeStoreId } from '../deployments/model';
import { KINDS } from '../model/kinds';
import type { ModelStore } from '../ports/model-store';
import type { ExecutionHeader } from '../ports/operation-store';
import type { OperationTask } from '../workflows/graph';
import type { EndpointContext, InstanceContext, NodeContext, OperationContext } from './protocol';

async function instanceOf(store: ModelStore, tenant: string, id: string): Promise<NodeInstanceData | undefined> {
  return (await store.get<NodeInstanceData>({ kind: KINDS.nodeInstance, tenant, id: instanceStoreId(id) }))?.data;
}

async function nodeOf(store: ModelStore, tenant: string, deploymentId: string, nodeId: string): Promise<NodeContext | null> {
  const node = await store.get<NodeData>({ kind: KINDS.node, tenant, id: nodeStoreId(deploymentId, nodeId) });
  return node ? { id: node.data.id, type: node.data.type, properties: node.data.properties } : null;
}

/** The host's IP: its `ip` runtime property (set by compute plugins), else its node's `ip` property. */
async function hostIp(store: ModelStore, tenant: string, instance: NodeInstanceData): Promise<string | null> {
  const hostId = instance.host_id ?? instance.id;
  const host = hostId === instance.id ? instance : await instanceOf(store, tenant, hostId);
  if (!host) return null;
  const fromRuntime = host.runtime_properties.ip;
  if (typeof fromRuntime === 'string' && fromRuntime) return fromRuntime;
  const node = await nodeOf(store, tenant, host.deployment_id, host.node_id);
  const fromNode = node?.properties.ip;
  return typeof fromNode === 'string' && fromNode ? fromNode : null;
}

async function endpoint(store: ModelStore, tenant: string, instanceId: string): Promise<EndpointContext | null> {
  const instance = await instanceOf(store, tenant, instanceId);
  if (!instance) return null;
  const node = await nodeOf(store, tenant, instance.deployment_id, instance.node_id);
  if (!node) return null;
  const context: InstanceContext = { id: instance.id, node_id: instance.node_id, runtime_properties: instance.runtime_properties as Dict, host_ip: await hostIp(store, tenant, instance) };
  return { node, instance: context };
}

export async function operationContext(store: ModelStore, header: ExecutionHeader, task: OperationTask): Promise<OperationContext> {
  const base = { tenant: header.tenant, deployment_id: header.deploymentId, blueprint_id: header.blueprintId, execution_id: header.executionId, workflow_id: header.workflowId };
  const rel = task.relationship;
  if (rel) {
    const [source, target] = await Promise.all([endpoint(store, header.tenant, rel.source_id), endpoint(store, header.tenant, rel.target_id)]);
    if (!source || !target) throw new Error(`The relationship ${rel.source_id} → ${rel.target_id} no longer has both instances`);
    const own = rel.side === 'source' ? source : target;
    return { ...base, node: own.node, instance: own.instance, relationship: { type: rel.type, side: rel.side, source, target } };
  }
  const own = await endpoint(store, header.tenant, task.context_instance_id);
  if (!own) throw new Error(`Node instance ${task.context_instance_id} no longer exists`);
  return { ...base, node: own.node, instance: own.instance, relationship: null };
}
