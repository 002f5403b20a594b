/**
 * Key layout of the `model` table (docs/data-model.md explains each access pattern):
 *
 * | item            | pk                         | sk         | gsi1pk / gsi1sk                 | gsi2pk / gsi2sk                    |
 * |-----------------|----------------------------|------------|---------------------------------|------------------------------------|
 * | entity          | `E#<tenant>#<kind>#<id>`   | `E`        | `L#<tenant>#<kind>` / seq       | `P#<tenant>#<kind>#<parent>` / seq |
 * | global marker   | `G#<kind>#<id>`            | `G`        | `GL#<kind>` / `<tenant>#<id>`   |                                    |
 * | name entry      | `N#<kind>#<id>`            | `<tenant>` |                                 |                                    |
 * | sequence        | `C#<tenant>#<kind>`        | `#seq`     |                                 |                                    |
 * | list block      | `C#<tenant>#<kind>`        | `B#<n>`    |                                 |                                    |
 * | parent block    | `C#<tenant>#<kind>#<parent>` | `B#<n>`  |                                 |                                    |
 * | child counts    | the parent's `E#…` pk      | `K#<kind>` |                                 |                                    |
 *
 * `seq` is a per-(tenant, kind) counter allocated at creation together with `createdAt`, so
 * sequence order is creation order; it is zero-padded so that string order is numeric order.
 * Tenant names, kinds and ids never contain `#` (ids are validated; see src/model/ids.ts).
 */

/** Entities per list block: a page read skips at most this many index entries. */
export const BLOCK_SIZE = 100;
const SEQ_WIDTH = 15;

export function padSeq(seq: number): string {
  return String(seq).padStart(SEQ_WIDTH, '0');
}

export function entityKey(tenant: string, kind: string, id: string): { pk: string; sk: string } {
  return { pk: `E#${tenant}#${kind}#${id}`, sk: 'E' };
}

export function listKey(tenant: string, kind: string): string {
  return `L#${tenant}#${kind}`;
}

export function parentKey(tenant: string, kind: string, parent: string): string {
  return `P#${tenant}#${kind}#${parent}`;
}

export function markerKey(kind: string, id: string): { pk: string; sk: string } {
  return { pk: `G#${kind}#${id}`, sk: 'G' };
}

/** One per (kind, id, tenant) of global-capable kinds: who uses an id, checked before it goes global. */
export function nameKey(kind: string, id: string, tenant: string): { pk: string; sk: string } {
  return { pk: `N#${kind}#${id}`, sk: tenant };
}

export function globalListKey(kind: string): string {
  return `GL#${kind}`;
}

export function counterPartition(tenant: string, kind: string): string {
  return `C#${tenant}#${kind}`;
}

export const SEQUENCE_SK = '#seq';
export const BLOCK_PREFIX = 'B#';

export function blockOf(seq: number): number {
  return Math.floor(seq / BLOCK_SIZE);
}

/**
 * The list blocks of one parent's children: the same blocks of `seq` (the children's own sequence
 * in (tenant, kind)) counted only for that parent, so a page of `gsi2` (`P#…`) starts at its block
 * like a page of `gsi1` does. Segment count keeps `C#<tenant>#<kind>#<parent>` apart from `C#<tenant>#<kind>`.
 */
export function parentBlockPartition(tenant: string, kind: string, parent: string): string {
  return `${counterPartition(tenant, kind)}#${parent}`;
}

export function blockKey(tenant: string, kind: string, block: number, parent?: string): { pk: string; sk: string } {
  const pk = parent === undefined ? counterPartition(tenant, kind) : parentBlockPartition(tenant, kind, parent);
  return { pk, sk: `${BLOCK_PREFIX}${String(block).padStart(10, '0')}` };
}

export const CHILD_COUNT_PREFIX = 'K#';

/**
 * The counts of one kind of children of one parent (ModelStore ChildCountRule): in the parent's
 * own partition, so one Query on the parent's pk reads the entity and its counts together. It is
 * not part of the entity: it outlives a deleted parent (its counts return to 0 as the children go)
 * and a parent created again under the same id finds it exact.
 */
export function childCountKey(tenant: string, parentKind: string, parent: string, childKind: string): { pk: string; sk: string } {
  return { pk: entityKey(tenant, parentKind, parent).pk, sk: `${CHILD_COUNT_PREFIX}${childKind}` };
}

export function blockNumber(sk: string): number {
  return Number(sk.slice(BLOCK_PREFIX.length));
}
