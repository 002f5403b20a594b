/**
 * Deleting many entities (a deployment's nodes, instances and executions): transactions of a few
 * dozen deletes (each delete also moves a list-block count), several at a time, until an optional
 * deadline. An entity already gone is fine; a chunk that fails is retried one entity at a time.
 */
import type { EntityRef, ModelStore } from '../ports/model-store';

const CHUNK = 25;
const PARALLEL = 8;

/**
 * Returns false when the deadline passed before every entity was deleted. With `progress`, each
 * worker deletes at least one chunk even past the deadline, so a caller that goes on in slices (the
 * workflow engine) never stalls on a slice that started late.
 */
export async function deleteEntities(store: ModelStore, refs: EntityRef[], deadline = Number.POSITIVE_INFINITY, progress = false): Promise<boolean> {
  const chunks: EntityRef[][] = [];
  for (let i = 0; i < refs.length; i += CHUNK) chunks.push(refs.slice(i, i + CHUNK));
  let next = 0;
  const worker = async () => {
    let first = progress;
    while (next < chunks.length && (first || Date.now() < deadline)) {
      first = false;
      const chunk = chunks[next++];
      try {
        await store.transact(chunk.map((ref) => ({ type: 'delete' as const, ref })));
      } catch {
        for (const ref of chunk) await store.delete(ref).catch(() => undefined);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, chunks.length) }, worker));
  return next >= chunks.length;
}
