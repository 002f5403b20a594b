/**
 * Install and uninstall of a set of node instances inside a deployment (Cloudify's
 * LifecycleProcessor): one subgraph per instance of the set, a stub subgraph per "intact"
 * instance (related instances the workflow does not re-run), and edges between them.
 *
 * Edges (reference sections 4 and 7): for every relationship instance, whatever its type, the
 * source's subgraph waits for the whole subgraph of the target on install — the target's own
 * lifecycle and outgoing relationship operations; target-side operations other sources run on it
 * belong to those sources' subgraphs. depends_on_lifecycle_operation makes the source wait only
 * for the step right after the named operation of the target. Uninstall reverses every edge
 * (the target waits for the source), depends_on_lifecycle_operation included: Cloudify applies no
 * uninstall ordering for it at all (it looks for an install operation in the uninstall graph),
 * Stratus orders it as depends_on.
 *
 * Stubs pass ordering through: an intact instance's stub waits for its own targets, so an indirect
 * dependency through an instance outside the set still holds. An intact instance related to an
 * instance of the set gets the relationship operation appended to its stub: establish on install
 * when the intact instance is started; unlink on uninstall (failures ignored) when both it and the
 * target were created.
 */
import type { Subgraph, Step } from './builder';
import type { GraphBuilder } from './builder';
import { DEPENDS_ON_LIFECYCLE_OPERATION, type DeploymentIndex, type GraphInstance, type ResolvedRelationship } from './deployment';
import { WorkflowGraphError } from './errors';
import { INSTALL_LIFECYCLE_OPERATIONS, installSteps } from './install-sequence';
import { LIFECYCLE } from './operations';
import { relationshipDrafts } from './relationships';
import { pastStart, skipsDelete } from './states';
import { uninstallSteps } from './uninstall-sequence';

export interface LifecycleSet {
  /** Instances to install / uninstall, in deployment order. */
  instances: string[];
  /** Related instances left as they are (stubs). */
  intact: string[];
}

export interface LifecycleOptions {
  /** Subgraph name prefix: `<prefix>_<instance id>`, stubs `<prefix>-stub_<instance id>`. */
  prefix: string;
  ignoreFailure?: boolean;
  /** Build the sequences as if every instance of the set were in this state (reinstall's install phase runs after its uninstall). */
  assumeState?: string;
}

/** The operation a depends_on_lifecycle_operation relationship waits for, or null for a whole-subgraph wait. */
export function lifecycleOperationOf(rel: ResolvedRelationship): string | null {
  if (!rel.template.type_hierarchy.includes(DEPENDS_ON_LIFECYCLE_OPERATION)) return null;
  const value = rel.template.properties?.operation;
  if (value === null || value === undefined || value === '') return null;
  const name = typeof value === 'string' && value.startsWith(`${LIFECYCLE}.`) ? value.slice(LIFECYCLE.length + 1) : value;
  if (typeof name !== 'string' || !INSTALL_LIFECYCLE_OPERATIONS.includes(name)) {
    throw new WorkflowGraphError(
      `The ${rel.instance.type} relationship towards ${rel.instance.target_name} names operation ${JSON.stringify(value)}; it must be one of ${INSTALL_LIFECYCLE_OPERATIONS.join(', ')}`,
      'invalid_graph_error',
    );
  }
  return name;
}

function withState(instance: GraphInstance, state: string | undefined): GraphInstance {
  return state === undefined ? instance : { ...instance, state };
}

type Direction = 'install' | 'uninstall';

function placeSubgraphs(builder: GraphBuilder, index: DeploymentIndex, set: LifecycleSet, options: LifecycleOptions, direction: Direction): Map<string, Subgraph> {
  const members = new Set(set.instances);
  const subgraphs = new Map<string, Subgraph>();
  for (const id of set.instances) {
    const instance = withState(index.instance(id), options.assumeState);
    const steps = direction === 'install' ? installSteps(index, instance) : uninstallSteps(index, instance);
    subgraphs.set(id, builder.sequence(`${options.prefix}_${id}`, instance, steps, { ignoreFailure: options.ignoreFailure }));
  }
  for (const id of set.intact) {
    if (members.has(id)) continue;
    const instance = index.instance(id);
    subgraphs.set(id, builder.sequence(`${options.prefix}-stub_${id}`, instance, intactSteps(index, instance, members, direction), { ignoreFailure: direction === 'uninstall', emptyLabel: `stub: ${id} is not part of this workflow` }));
  }
  return subgraphs;
}

/** Establish (install) or unlink (uninstall) of an intact instance's relationships to instances of the set, one operation after the other. */
function intactSteps(index: DeploymentIndex, instance: GraphInstance, members: Set<string>, direction: Direction): Step[] {
  const state = index.state(instance);
  if (direction === 'install' ? !pastStart(state) : skipsDelete(state)) return [];
  // On uninstall, a target never created was never established towards: nothing to unlink.
  const rels = index.relationships(instance).filter((r) => members.has(r.instance.target_id) && (direction === 'install' || !skipsDelete(index.state(index.instance(r.instance.target_id)))));
  if (direction === 'uninstall') rels.reverse();
  return rels.flatMap((rel) => relationshipDrafts(index, instance, rel, direction === 'install' ? 'establish' : 'unlink')).map((draft) => [draft]);
}

function addEdges(builder: GraphBuilder, index: DeploymentIndex, subgraphs: Map<string, Subgraph>, direction: Direction): void {
  for (const [id, source] of subgraphs) {
    for (const rel of index.relationships(index.instance(id))) {
      const target = subgraphs.get(rel.instance.target_id);
      if (!target) continue;
      if (direction === 'uninstall') {
        builder.waitFor(target, source.exit);
        continue;
      }
      const operation = lifecycleOperationOf(rel);
      if (operation === null) builder.waitFor(source, target.exit);
      else {
        // The target already went past the operation (resume) or is a stub: nothing to wait for.
        const after = target.anchors.get(operation);
        if (after) builder.waitFor(source, after);
      }
    }
  }
}

export function addInstall(builder: GraphBuilder, index: DeploymentIndex, set: LifecycleSet, options: LifecycleOptions): Map<string, Subgraph> {
  const subgraphs = placeSubgraphs(builder, index, set, options, 'install');
  addEdges(builder, index, subgraphs, 'install');
  return subgraphs;
}

export function addUninstall(builder: GraphBuilder, index: DeploymentIndex, set: LifecycleSet, options: LifecycleOptions): Map<string, Subgraph> {
  const subgraphs = placeSubgraphs(builder, index, set, options, 'uninstall');
  addEdges(builder, index, subgraphs, 'uninstall');
  return subgraphs;
}

/** Every instance of the deployment not in `instances`, in deployment order. */
export function othersOf(index: DeploymentIndex, instances: Iterable<string>): string[] {
  const set = new Set(instances);
  return index.order.filter((id) => !set.has(id));
}
