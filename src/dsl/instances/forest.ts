/**
 * The instance forest: one instance tree per root unit, each parent instance holding its own
 * instances of every child unit (2 hosts x 3 apps = 6 app instances). Used both to plan a new
 * deployment (grow from nothing) and to modify one (load the existing instances, then grow or
 * shrink the units whose counts changed).
 */
import { DslError } from '../errors';
import type { InstanceRelationship, PlannedNodeInstance } from '../plan';
import type { InstanceIdGenerator } from './ids';
import type { Topology, Unit } from './topology';

export interface ForestInstance {
  id: string;
  unit: Unit;
  parent: ForestInstance | null;
  /** Contained instances by unit name, in creation order. */
  children: Map<string, ForestInstance[]>;
  hostId: string | null;
  /** Nodes: 0-based position among the node's instances (kept for existing ones). */
  index: number;
  /** The record of an instance that existed before a modification. */
  previous?: PlannedNodeInstance;
}

/** Chooses which of a unit's instances under one parent to remove (returns them). */
export type RemovalChooser = (unit: Unit, candidates: ForestInstance[], count: number) => ForestInstance[];

export class Forest {
  /** Root instances by unit name. */
  readonly roots = new Map<string, ForestInstance[]>();
  readonly byId = new Map<string, ForestInstance>();
  private readonly byUnit = new Map<string, ForestInstance[]>();
  private readonly nextIndex = new Map<string, number>();
  readonly removed: ForestInstance[] = [];

  constructor(
    readonly topology: Topology,
    private readonly ids: InstanceIdGenerator,
  ) {}

  instancesOf(unit: string): ForestInstance[] {
    return this.byUnit.get(unit) ?? [];
  }

  /** Adds an instance (new, or loaded from a previous state) to the forest. */
  attach(instance: ForestInstance): void {
    this.byId.set(instance.id, instance);
    const list = this.byUnit.get(instance.unit.name) ?? [];
    list.push(instance);
    this.byUnit.set(instance.unit.name, list);
    this.nextIndex.set(instance.unit.name, Math.max(this.nextIndex.get(instance.unit.name) ?? 0, instance.index + 1));
    const holder = this.holder(instance.parent);
    const siblings = holder.get(instance.unit.name) ?? [];
    siblings.push(instance);
    holder.set(instance.unit.name, siblings);
  }

  private holder(parent: ForestInstance | null): Map<string, ForestInstance[]> {
    return parent ? parent.children : this.roots;
  }

  private siblings(unit: Unit, parent: ForestInstance | null): ForestInstance[] {
    return this.holder(parent).get(unit.name) ?? [];
  }

  /**
   * Makes every unit have `count(unit)` instances under each instance of its parent, creating what
   * is missing. Where there are more, `remove` (if given for that unit) picks the ones to remove;
   * otherwise the extra instances stay (Cloudify never shrinks an unmodified node).
   */
  grow(count: (unit: Unit) => number, remove?: (unit: Unit) => RemovalChooser | undefined): void {
    for (const root of this.topology.roots) this.ensure(this.topology.units.get(root)!, null, count, remove);
  }

  private ensure(unit: Unit, parent: ForestInstance | null, count: (unit: Unit) => number, remove?: (unit: Unit) => RemovalChooser | undefined): void {
    const existing = this.siblings(unit, parent).length;
    const wanted = count(unit);
    if (existing > wanted) {
      const chooser = remove?.(unit);
      if (chooser) for (const gone of chooser(unit, [...this.siblings(unit, parent)], existing - wanted)) this.detach(gone);
    }
    for (let i = existing; i < wanted; i++) this.create(unit, parent);
    for (const instance of [...this.siblings(unit, parent)]) {
      for (const child of unit.children) this.ensure(this.topology.units.get(child)!, instance, count, remove);
    }
  }

  private create(unit: Unit, parent: ForestInstance | null): ForestInstance {
    const id = this.ids.next(unit.name);
    const inherited = parent?.hostId ?? null;
    const hostId = unit.group ? inherited : unit.node!.host_id === unit.name ? id : unit.node!.host_id ? inherited : null;
    const instance: ForestInstance = { id, unit, parent, children: new Map(), hostId, index: this.nextIndex.get(unit.name) ?? 0 };
    this.attach(instance);
    return instance;
  }

  /** Removes an instance and everything contained in it. */
  private detach(instance: ForestInstance): void {
    for (const child of [...instance.children.values()].flat()) this.detach(child);
    this.byId.delete(instance.id);
    const list = this.byUnit.get(instance.unit.name)!;
    list.splice(list.indexOf(instance), 1);
    const siblings = this.siblings(instance.unit, instance.parent);
    siblings.splice(siblings.indexOf(instance), 1);
    this.removed.push(instance);
  }

  /** The instance of scaling group `group` an instance is in (walking up its containers). */
  groupInstance(instance: ForestInstance, group: string): ForestInstance | null {
    for (let p = instance.parent; p; p = p.parent) if (p.unit.name === group) return p;
    return null;
  }
}

/** The nearest containing node instance (skipping scaling-group instances). */
export function containerInstance(instance: ForestInstance): ForestInstance | null {
  let p = instance.parent;
  while (p && p.unit.group) p = p.parent;
  return p;
}

/** `[{name, id}]` of the scaling-group instances a node instance is a direct member of, innermost first. */
export function scalingGroupsOf(instance: ForestInstance): { name: string; id: string }[] {
  const result: { name: string; id: string }[] = [];
  for (let p = instance.parent; p && p.unit.group; p = p.parent) result.push({ name: p.unit.name, id: p.id });
  return result;
}

/** The contained_in relationship instance of a node instance, if its node has one. */
export function containedRelationship(instance: ForestInstance): InstanceRelationship | null {
  const contained = instance.unit.contained;
  if (!contained) return null;
  const target = containerInstance(instance);
  if (!target) throw new DslError(`Node instance ${instance.id} has no container instance of ${contained.target}`, null);
  return { type: contained.type, target_name: contained.target, target_id: target.id };
}
