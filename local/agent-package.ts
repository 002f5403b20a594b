/**
 * The local runtime's agent bundle: built from this checkout with esbuild on the first request
 * (start-up stays fast) and kept in memory; a failed build is retried at the next request.
 */
import type { AgentPackageSource } from '../src/ports/agent-package';

export function lazyAgentPackage(): AgentPackageSource {
  let building: Promise<Buffer> | undefined;
  return {
    get: async () => {
      building ??= import('../scripts/build-agent').then((m) => m.buildAgentBundle());
      try {
        return { body: await building };
      } catch (err) {
        building = undefined;
        throw err;
      }
    },
  };
}
