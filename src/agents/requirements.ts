/**
 * Which hosts of a deployment need a Stratus agent, and whether their install method allows one.
 *
 * A host needs an agent when an operation runs on it with executor host_agent: an operation of the
 * host itself or of a node contained in it (declared `host_agent`, `auto`, or inherited from a
 * host_agent plugin such as `script`), or the source/target side of a relationship operation whose
 * node lives on it. `agent_config.install_method` defaults to `remote` (SSH/WinRM from the
 * manager), which Stratus does not do, so a `remote` (or `plugin`, or unknown) host that needs an
 * agent is refused at deployment creation; a Compute with only central operations is fine whatever
 * its install method (it never needs an agent). `none` stays allowed (Cloudify's meaning: no agent;
 * its host_agent operations fail at run time saying so). The check runs at deployment creation,
 * not at blueprint upload: the install method may come from an input.
 */
import type { PlanNode, PlanOperation } from '../dsl/plan';
import { unsupportedInstallMethod } from './records';

const AGENT_INTERFACE = 'cloudify.interfaces.cloudify_agent';

type Node = Pick<PlanNode, 'id' | 'properties' | 'interfaces' | 'relationships' | 'plugins' | 'host_id'>;

export interface AgentRequirementProblem {
  /** The Compute node whose install method cannot have a Stratus agent. */
  host: string;
  method: string;
  /** One operation that needs the agent, `node: interface.operation`. */
  operation: string;
  message: string;
}

/** The install method as written: a string, `remote` when absent, undefined when still a function (runtime-only evaluation). */
function declaredInstallMethod(node: Node): string | undefined {
  const props = node.properties ?? {};
  if (props.install_agent === false) return 'none';
  const dict = (value: unknown): Record<string, unknown> | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
  for (const key of ['agent_config', 'cloudify_agent']) {
    const value = props[key];
    if (value === undefined || value === null) continue;
    const config = dict(value);
    if (!config) return undefined;
    // A dict holding an intrinsic function (`{get_input: ...}`) is not an agent config yet.
    if (Object.keys(config).some((k) => k.startsWith('get_') || k === 'concat')) return undefined;
    const method = config.install_method;
    if (method === undefined || method === null || method === '') continue;
    return typeof method === 'string' ? method : undefined;
  }
  return 'remote';
}

function runsOnAgent(node: Node, op: PlanOperation): boolean {
  if (!op.operation) return false;
  const declared = op.executor ?? node.plugins.find((p) => p.name === op.plugin)?.executor ?? 'central_deployment_agent';
  return (declared === 'host_agent' || declared === 'auto') && node.host_id !== null;
}

/** The hosts that need an agent their install method cannot give (first needing operation each). */
export function agentRequirementProblems(nodes: readonly Node[]): AgentRequirementProblem[] {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const needing = new Map<string, string>();
  const need = (host: string | null, what: string) => {
    if (host && !needing.has(host)) needing.set(host, what);
  };
  for (const node of nodes) {
    for (const [iface, ops] of Object.entries(node.interfaces ?? {})) {
      // The agent's own management operations (install_plugins, restart_amqp, ...) are not work for one.
      if (iface === AGENT_INTERFACE) continue;
      for (const [name, op] of Object.entries(ops)) if (runsOnAgent(node, op)) need(node.host_id, `${node.id}: ${iface}.${name}`);
    }
    for (const rel of node.relationships ?? []) {
      for (const [iface, ops] of Object.entries(rel.source_interfaces ?? {})) {
        for (const [name, op] of Object.entries(ops)) if (runsOnAgent(node, op)) need(node.host_id, `${node.id} → ${rel.target_id}: ${iface}.${name}`);
      }
      const target = byId.get(rel.target_id);
      if (!target) continue;
      for (const [iface, ops] of Object.entries(rel.target_interfaces ?? {})) {
        // Target-side operations run in the target instance's context, on its host; the plugin list is the source node's.
        for (const [name, op] of Object.entries(ops)) if (runsOnAgent({ ...target, plugins: [...node.plugins, ...target.plugins] }, op)) need(target.host_id, `${node.id} → ${rel.target_id}: ${iface}.${name} (target side)`);
      }
    }
  }
  const problems: AgentRequirementProblem[] = [];
  for (const [hostId, operation] of needing) {
    const host = byId.get(hostId);
    if (!host) continue;
    const method = declaredInstallMethod(host);
    if (method === undefined || method === 'none') continue;
    const why = unsupportedInstallMethod(method);
    if (!why) continue;
    problems.push({
      host: hostId,
      method,
      operation,
      message: `Node ${hostId} needs a Stratus agent (operation ${operation} runs with executor host_agent on it), but ${why}${method === 'remote' ? ' (remote is also the default of cloudify.nodes.Compute when agent_config does not set install_method)' : ''}`,
    });
  }
  return problems;
}
