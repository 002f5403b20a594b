import { DslError } from '../errors';
import type { PlanNode, PlanOperation, PlanPlugin } from '../plan';
import type { ValidationContext } from './context';
import { ERROR_CYCLE } from './inheritance';
import { templateLocation } from './node-templates';
import { CONTAINED_IN } from './relationship-types';

export const HOST_TYPE = 'cloudify.nodes.Compute';

function isHost(node: PlanNode): boolean {
  // Substring match, as Cloudify's: a namespaced Compute ("ns--cloudify.nodes.Compute") counts too.
  return node.type_hierarchy.some((t) => t.includes(HOST_TYPE));
}

/**
 * host_id: a Compute is its own host; a node contained (transitively) in one inherits its host.
 * A contained_in cycle is error 100.
 */
export function assignHosts(nodes: PlanNode[], ctx: ValidationContext): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const done = new Map<string, string | null>();
  const visiting = new Set<string>();
  const hostOf = (node: PlanNode): string | null => {
    if (done.has(node.id)) return done.get(node.id)!;
    if (visiting.has(node.id)) {
      throw new DslError(`Parsing failed. Circular dependency detected: contained_in cycle through '${node.id}'`, ERROR_CYCLE, templateLocation(ctx, node.id));
    }
    visiting.add(node.id);
    let host: string | null = null;
    const container = node.relationships.find((r) => r.type_hierarchy.includes(CONTAINED_IN));
    if (isHost(node)) {
      host = node.id;
      if (container) hostOf(byId.get(container.target_id)!);
    } else if (container) {
      host = hostOf(byId.get(container.target_id)!);
    }
    visiting.delete(node.id);
    done.set(node.id, host);
    return host;
  };
  for (const node of nodes) node.host_id = hostOf(node);
}

/** A script operation's 'auto' executor, as dispatch will resolve it for this node. */
function effectiveExecutor(op: PlanOperation, node: PlanNode): PlanPlugin['executor'] {
  if (op.executor === 'auto' || op.executor === null) return node.host_id ? 'host_agent' : 'central_deployment_agent';
  return op.executor;
}

function collectPlugins(ops: Iterable<[PlanOperation, PlanNode]>, ctx: ValidationContext, into: Map<string, PlanPlugin>): void {
  for (const [op, runsOn] of ops) {
    if (!op.plugin) continue;
    const executor = effectiveExecutor(op, runsOn);
    const key = `${op.plugin}\u0000${executor}`;
    if (!into.has(key)) into.set(key, { ...ctx.plugins[op.plugin]!, executor });
  }
}

function* pairs(ops: Iterable<PlanOperation>, node: PlanNode): Iterable<[PlanOperation, PlanNode]> {
  for (const op of ops) yield [op, node];
}

/** Each operation once (the `operations` maps key every operation twice). */
function* distinctOperations(interfaces: Record<string, Record<string, PlanOperation>>): Iterable<PlanOperation> {
  for (const iface in interfaces) {
    const ops = interfaces[iface]!;
    for (const name in ops) yield ops[name]!;
  }
}

/**
 * Each node's plugins (from its operations, its relationships' source operations and the target
 * operations of relationships that point at it), plugins_to_install for hosts (host_agent plugins
 * of everything they host), deployment_plugins_to_install (central ones). A node without a host
 * may not use a host_agent plugin (24).
 */
export function assignPlugins(nodes: PlanNode[], ctx: ValidationContext): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const used = new Map<string, Map<string, PlanPlugin>>(nodes.map((n) => [n.id, new Map()]));
  for (const node of nodes) {
    const own = used.get(node.id)!;
    collectPlugins(pairs(distinctOperations(node.interfaces), node), ctx, own);
    for (const rel of node.relationships) {
      collectPlugins(pairs(distinctOperations(rel.source_interfaces), node), ctx, own);
      const target = byId.get(rel.target_id)!;
      collectPlugins(pairs(distinctOperations(rel.target_interfaces), target), ctx, used.get(target.id)!);
    }
  }
  for (const node of nodes) {
    node.plugins = [...used.get(node.id)!.values()];
    node.deployment_plugins_to_install = node.plugins.filter((p) => p.executor === 'central_deployment_agent');
  }
  const hosted = new Map<string, Map<string, PlanPlugin>>();
  for (const other of nodes) {
    if (!other.host_id) continue;
    let toInstall = hosted.get(other.host_id);
    if (!toInstall) hosted.set(other.host_id, (toInstall = new Map()));
    for (const p of other.plugins) if (p.executor === 'host_agent') toInstall.set(p.name, p);
  }
  for (const node of nodes) {
    if (isHost(node)) node.plugins_to_install = [...(hosted.get(node.id)?.values() ?? [])];
  }
  for (const node of nodes) {
    if (node.host_id) continue;
    const agentPlugin = node.plugins.find((p) => p.executor === 'host_agent');
    if (agentPlugin) {
      throw new DslError(
        `node '${node.id}' has no relationship which makes it contained within a host and it has a plugin '${agentPlugin.name}' with 'host_agent' as an executor. These types of plugins must be installed on a host`,
        24,
        templateLocation(ctx, node.id),
      );
    }
  }
}
