/**
 * Deleting many entities (a deployment's nodes, instances and executions): transactions of a few
 * dozen deletes (each delete also moves a list-block count), a few at a time. An entity already
 * gone is fine; a chunk that fails is retried one entity at a time.
 */
import type { EntityRef, ModelStore } from '../ports/model-store';

const CHUNK = 40;
const PARALLEL = 4;

export async function deleteEntities(store: ModelStore, refs: EntityRef[]): Promise<void> {
  const chunks: EntityRef[][] = [];
  for (let i = 0; i < refs.length; i += CHUNK) chunks.push(refs.slice(i, i + CHUNK));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      try {
        await store.transact(chunk.map((ref) => ({ type: 'delete' as const, ref })));
      } catch {
        for (const ref of chunk) await store.delete(ref).catch(() => undefined);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, chunks.length) }, worker));
}
