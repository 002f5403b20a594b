/**
 * Agent records: one model-store entity of kind `agent` per Compute node instance that has (had) a
 * Stratus agent, listed under its deployment. It holds the credential's hash, what the agent told
 * in `hello`, and the id of its current WebSocket connection (how the manager reaches it).
 *
 * Minting: only for instances of cloudify.nodes.Compute whose install method is `provided` or
 * `init_script`; `none` has no agent, `remote` (SSH from the manager) is not supported by Stratus.
 */
import { instanceStoreId } from '../deployments/model';
import type { NodeData, NodeInstanceData } from '../deployments/model';
import { nodeStoreId } from '../deployments/model';
import { badParameters, entityNotFound } from '../model/errors';
import { KINDS } from '../model/kinds';
import type { Entity, EntityRef, ModelStore } from '../ports/model-store';
import { COMPUTE, installMethod } from '../workflows/deployment';
import { agentTokenValue, hashAgentSecret, newAgentCredential } from './credentials';

export type AgentState = 'created' | 'started' | 'stopped';

export interface AgentData {
  /** Cloudify's agent name; Stratus uses the host node instance id. */
  id: string;
  host_id: string;
  node: string;
  deployment: string;
  install_method: string;
  ip: string | null;
  system: string | null;
  version: string | null;
  hostname: string | null;
  state: AgentState;
  credential_hash: string | null;
  credential_created_at: string | null;
  connection_id: string | null;
  connected_at: string | null;
  created_at: string;
}

export const AGENT_INSTALL_METHODS = ['provided', 'init_script'];

export function agentRef(tenant: string, hostId: string): EntityRef {
  return { kind: KINDS.agent, tenant, id: instanceStoreId(hostId) };
}

/** Why this install method cannot have a Stratus agent, or undefined when it can. */
export function unsupportedInstallMethod(method: string): string | undefined {
  if (AGENT_INSTALL_METHODS.includes(method)) return undefined;
  if (method === 'none') return 'its agent_config.install_method is `none`: it has no agent, so operations with executor host_agent cannot run on it';
  if (method === 'remote') return 'agent_config.install_method `remote` (installing the agent over SSH/WinRM from the manager) is not supported by Stratus: use `provided` (start the agent yourself with the install command) or `init_script` (cloud-init)';
  return `agent_config.install_method \`${method}\` is not supported by Stratus (use provided or init_script)`;
}

export interface MintedCredential {
  token: string;
  agent: Entity<AgentData>;
}

/** The Compute host instance, its node and its install method; clear errors for everything else. */
export async function hostOf(store: ModelStore, tenant: string, instanceId: string): Promise<{ instance: Entity<NodeInstanceData>; node: Entity<NodeData>; method: string }> {
  const instance = await store.get<NodeInstanceData>({ kind: KINDS.nodeInstance, tenant, id: instanceStoreId(instanceId) });
  if (!instance) throw entityNotFound('Node instance', instanceId);
  const node = await store.get<NodeData>({ kind: KINDS.node, tenant, id: nodeStoreId(instance.data.deployment_id, instance.data.node_id) });
  if (!node) throw entityNotFound('Node', instance.data.node_id);
  if (!node.data.type_hierarchy.includes(COMPUTE)) throw badParameters(`Node instance ${instanceId} is not a host: its node ${node.data.id} is not a ${COMPUTE}, so it has no agent`);
  return { instance, node, method: installMethod(node.data as unknown as Parameters<typeof installMethod>[0]) };
}

/** Mints (or rotates: the previous credential stops working) the credential of a host's agent. */
export async function mintAgentCredential(store: ModelStore, tenant: string, instanceId: string, now: Date): Promise<MintedCredential> {
  const { instance, node, method } = await hostOf(store, tenant, instanceId);
  const why = unsupportedInstallMethod(method);
  if (why) throw badParameters(`No agent credential for node instance ${instanceId}: ${why}`);
  const credential = newAgentCredential(tenant, instanceId);
  const fields = { credential_hash: hashAgentSecret(credential.secret), credential_created_at: now.toISOString(), install_method: method };
  const ref = agentRef(tenant, instanceId);
  const existing = await store.get<AgentData>(ref);
  let agent: Entity<AgentData>;
  if (existing) {
    agent = await store.modify<AgentData>(ref, (current) => ({ ...current.data, ...fields }));
  } else {
    const data: AgentData = {
      id: instanceId,
      host_id: instanceId,
      node: instance.data.node_id,
      deployment: instance.data.deployment_id,
      ip: typeof instance.data.runtime_properties.ip === 'string' ? instance.data.runtime_properties.ip : typeof node.data.properties.ip === 'string' && node.data.properties.ip ? node.data.properties.ip : null,
      system: null,
      version: null,
      hostname: null,
      state: 'created',
      connection_id: null,
      connected_at: null,
      created_at: now.toISOString(),
      ...fields,
    };
    try {
      agent = await store.create<AgentData>({ ...ref, parent: instance.data.deployment_id, data });
    } catch (err) {
      // A concurrent mint created it: rotate over it.
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      agent = await store.modify<AgentData>(ref, (current) => ({ ...current.data, ...fields }));
    }
  }
  return { token: agentTokenValue(credential), agent };
}

/** Revokes a host's credential (uninstall): the agent can no longer connect. Answers the connection to close, if any. */
export async function revokeAgentCredential(store: ModelStore, tenant: string, hostId: string): Promise<string | null> {
  const ref = agentRef(tenant, hostId);
  const existing = await store.get<AgentData>(ref);
  if (!existing) return null;
  const connection = existing.data.connection_id;
  await store.modify<AgentData>(ref, (current) => ({ ...current.data, credential_hash: null, credential_created_at: null, connection_id: null, state: 'stopped' }));
  return connection;
}
