/**
 * The places of a plan where functions are evaluated at deployment creation (and validated at
 * parse time), with the scope each belongs to: node properties and scalable properties, node and
 * relationship operation inputs, outputs, policy properties, scaling-group properties,
 * capabilities, labels and deployment_settings. Relationship properties, workflow parameters and
 * group policy triggers are deliberately not among them (Cloudify leaves them alone too).
 *
 * Plans are large (every node carries every operation of its type's interfaces), so the walk only
 * stops at values that hold a function, and mapping is copy-on-write: what does not change is
 * shared with the input plan, which is never modified.
 */
import type { Dict, Plan, PlanNode, PlanOperation, PlanRelationship, Value } from '../plan';
import type { Frame } from './context';
import { containsFunction } from './names';

export interface PlanSite {
  frame: Frame;
  node?: PlanNode;
  relationship?: PlanRelationship;
}

/** Replaces a site's value; returning the same value keeps it. */
export type SiteMapper = (value: Value, site: PlanSite) => Promise<Value>;

type Ops = Record<string, PlanOperation>;
type Interfaces = Record<string, Ops>;

/** Maps every site of a plan (sites without functions are skipped), sharing what does not change. */
export class PlanMapper {
  /** Operations are often shared (`interface.op` and `op` keys); keep them shared. */
  private readonly operations = new Map<PlanOperation, PlanOperation>();

  constructor(
    private readonly mapper: SiteMapper,
    /** Which sites to map (by path); the others are left as they are. */
    private readonly include: (path: string) => boolean = () => true,
  ) {}

  private async value(value: Value, site: PlanSite): Promise<Value> {
    if (!containsFunction(value) || !this.include(site.frame.path)) return value;
    return this.mapper(value, site);
  }

  /** An operation with its inputs mapped and has_intrinsic_functions telling whether functions remain. */
  private async operation(op: PlanOperation, site: PlanSite): Promise<PlanOperation> {
    const known = this.operations.get(op);
    if (known) return known;
    const inputs = (await this.value(op.inputs, site)) as Dict;
    const flag = containsFunction(inputs);
    const result = inputs === op.inputs && flag === op.has_intrinsic_functions ? op : { ...op, inputs, has_intrinsic_functions: flag };
    this.operations.set(op, result);
    return result;
  }

  /** Operation maps known to need nothing (the parser shares them between nodes of a type). */
  private readonly untouched = new WeakSet<object>();

  /** Whether an operation may change: it holds a function, or its flag is stale. Most hold neither. */
  private touches(op: PlanOperation): boolean {
    return this.operations.has(op) || op.has_intrinsic_functions !== false || containsFunction(op.inputs);
  }

  private needsNothing(ops: Ops): boolean {
    if (this.untouched.has(ops)) return true;
    for (const key in ops) if (this.touches(ops[key])) return false;
    this.untouched.add(ops);
    return true;
  }

  private async ops(ops: Ops | undefined, base: Omit<PlanSite, 'frame'> & { frame: Omit<Frame, 'path'> }, path: string): Promise<Ops | undefined> {
    if (!ops || this.needsNothing(ops)) return ops;
    let copy: Ops | null = null;
    for (const key of Object.keys(ops)) {
      const op = ops[key];
      if (!this.touches(op)) continue;
      const mapped = await this.operation(op, { ...base, frame: { ...base.frame, path: `${path}.${key}.inputs` } });
      if (mapped !== op) (copy ??= { ...ops })[key] = mapped;
    }
    return copy ?? ops;
  }

  private async interfaces(interfaces: Interfaces | undefined, base: Omit<PlanSite, 'frame'> & { frame: Omit<Frame, 'path'> }, path: string): Promise<Interfaces | undefined> {
    if (!interfaces) return interfaces;
    let copy: Interfaces | null = null;
    for (const name of Object.keys(interfaces)) {
      if (this.needsNothing(interfaces[name])) continue;
      const mapped = await this.ops(interfaces[name], base, `${path}.${name}`);
      if (mapped !== interfaces[name]) (copy ??= { ...interfaces })[name] = mapped!;
    }
    return copy ?? interfaces;
  }

  private async relationship(node: PlanNode, rel: PlanRelationship, index: number): Promise<PlanRelationship> {
    const base = { node, relationship: rel, frame: { scope: 'node_template_relationship' as const, node: node.id, targetNode: rel.target_id } };
    const path = `nodes.${node.id}.relationships[${index}]`;
    const source_operations = await this.ops(rel.source_operations, base, `${path}.source_operations`);
    const target_operations = await this.ops(rel.target_operations, base, `${path}.target_operations`);
    const source_interfaces = await this.interfaces(rel.source_interfaces, base, `${path}.source_interfaces`);
    const target_interfaces = await this.interfaces(rel.target_interfaces, base, `${path}.target_interfaces`);
    const same =
      source_operations === rel.source_operations &&
      target_operations === rel.target_operations &&
      source_interfaces === rel.source_interfaces &&
      target_interfaces === rel.target_interfaces;
    return same ? rel : ({ ...rel, source_operations, target_operations, source_interfaces, target_interfaces } as PlanRelationship);
  }

  async node(node: PlanNode): Promise<PlanNode> {
    const frame = { scope: 'node_template' as const, node: node.id };
    const path = `nodes.${node.id}`;
    const properties = (await this.value(node.properties, { node, frame: { ...frame, path: `${path}.properties` } })) as Dict;
    const scalable = node.capabilities?.scalable?.properties as unknown as Value | undefined;
    const scalableMapped = scalable && (await this.value(scalable, { node, frame: { ...frame, path: `${path}.capabilities.scalable.properties` } }));
    const operations = await this.ops(node.operations, { node, frame }, `${path}.operations`);
    const interfaces = await this.interfaces(node.interfaces, { node, frame }, `${path}.interfaces`);
    let relationships: PlanRelationship[] | null = null;
    for (const [i, rel] of (node.relationships ?? []).entries()) {
      const mapped = await this.relationship(node, rel, i);
      if (mapped !== rel) (relationships ??= [...node.relationships])[i] = mapped;
    }
    const same = properties === node.properties && scalableMapped === scalable && operations === node.operations && interfaces === node.interfaces && !relationships;
    if (same) return node;
    return {
      ...node,
      properties,
      operations: operations!,
      interfaces: interfaces!,
      relationships: relationships ?? node.relationships,
      capabilities: scalableMapped === scalable ? node.capabilities : { ...node.capabilities, scalable: { ...node.capabilities.scalable, properties: scalableMapped as unknown as PlanNode['capabilities']['scalable']['properties'] } },
    };
  }

  /** Maps each entry of a map section (optionally one field of each entry). */
  private async section<T>(section: Record<string, T> | undefined, scope: Frame['scope'], name: string, field?: keyof T & string): Promise<Record<string, T> | undefined> {
    if (!section) return section;
    let copy: Record<string, T> | null = null;
    for (const key of Object.keys(section)) {
      const entry = section[key] as unknown as Dict;
      const path = field ? `${name}.${key}.${field}` : `${name}.${key}`;
      const current = (field ? entry[field] : entry) as Value;
      if (current === undefined) continue;
      const mapped = await this.value(current, { frame: { scope, path } });
      if (mapped !== current) (copy ??= { ...section })[key] = (field ? { ...entry, [field]: mapped } : mapped) as T;
    }
    return copy ?? section;
  }

  async plan(plan: Plan): Promise<Plan> {
    const nodes: PlanNode[] = [];
    for (const node of plan.nodes) nodes.push(await this.node(node));
    return {
      ...plan,
      nodes,
      outputs: (await this.section(plan.outputs, 'outputs', 'outputs'))!,
      policies: (await this.section(plan.policies, 'policies', 'policies', 'properties'))!,
      scaling_groups: (await this.section(plan.scaling_groups, 'scaling_groups', 'scaling_groups', 'properties'))!,
      capabilities: (await this.section(plan.capabilities, 'capabilities', 'capabilities'))!,
      labels: (await this.section(plan.labels, 'labels', 'labels'))!,
      deployment_settings: (await this.value(plan.deployment_settings ?? {}, { frame: { scope: 'deployment_settings', path: 'deployment_settings' } })) as Dict,
    };
  }
}

/** Visits every site whose value holds a function (synchronously: validation, secret scans). */
export function forEachPlanSite(plan: Plan, visit: (value: Value, site: PlanSite) => void): void {
  const at = (value: Value | undefined, site: () => PlanSite) => {
    if (value !== undefined && containsFunction(value)) visit(value, site());
  };
  // Operation maps without any function, remembered for this walk (the parser shares them).
  const plain = new WeakSet<Ops>();
  const ops = (operations: Ops | undefined, node: PlanNode, frame: Omit<Frame, 'path'>, path: string, relationship?: PlanRelationship) => {
    if (!operations || plain.has(operations)) return;
    let any = false;
    for (const key in operations) {
      if (!containsFunction(operations[key].inputs)) continue;
      any = true;
      visit(operations[key].inputs, { node, relationship, frame: { ...frame, path: `${path}.${key}.inputs` } });
    }
    if (!any) plain.add(operations);
  };
  const ifaces = (interfaces: Interfaces | undefined, node: PlanNode, frame: Omit<Frame, 'path'>, path: string, relationship?: PlanRelationship) => {
    for (const name of Object.keys(interfaces ?? {})) ops(interfaces![name], node, frame, `${path}.${name}`, relationship);
  };
  for (const node of plan.nodes) {
    const frame = { scope: 'node_template' as const, node: node.id };
    const path = `nodes.${node.id}`;
    at(node.properties, () => ({ node, frame: { ...frame, path: `${path}.properties` } }));
    at(node.capabilities?.scalable?.properties as unknown as Value, () => ({ node, frame: { ...frame, path: `${path}.capabilities.scalable.properties` } }));
    ops(node.operations, node, frame, `${path}.operations`);
    ifaces(node.interfaces, node, frame, `${path}.interfaces`);
    for (const [i, rel] of (node.relationships ?? []).entries()) {
      const relFrame = { scope: 'node_template_relationship' as const, node: node.id, targetNode: rel.target_id };
      const relPath = `${path}.relationships[${i}]`;
      ops(rel.source_operations, node, relFrame, `${relPath}.source_operations`, rel);
      ops(rel.target_operations, node, relFrame, `${relPath}.target_operations`, rel);
      ifaces(rel.source_interfaces, node, relFrame, `${relPath}.source_interfaces`, rel);
      ifaces(rel.target_interfaces, node, relFrame, `${relPath}.target_interfaces`, rel);
    }
  }
  const section = (entries: Record<string, unknown> | undefined, scope: Frame['scope'], name: string, field?: string) => {
    for (const key of Object.keys(entries ?? {})) {
      const entry = entries![key] as Dict;
      const path = field ? `${name}.${key}.${field}` : `${name}.${key}`;
      at((field ? entry[field] : entry) as Value, () => ({ frame: { scope, path } }));
    }
  };
  section(plan.outputs, 'outputs', 'outputs');
  section(plan.policies, 'policies', 'policies', 'properties');
  section(plan.scaling_groups, 'scaling_groups', 'scaling_groups', 'properties');
  section(plan.capabilities, 'capabilities', 'capabilities');
  section(plan.labels, 'labels', 'labels');
  at(plan.deployment_settings, () => ({ frame: { scope: 'deployment_settings', path: 'deployment_settings' } }));
}
