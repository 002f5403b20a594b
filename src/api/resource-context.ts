/**
 * The ResourceContext of blueprints, plugins, deployments, nodes and node instances, taken from the
 * API's services. These resources need the file store and the workflow queue; without them (a
 * container that wires only the foundation) their routes are not registered (see app.ts).
 */
import type { ResourceContext } from '../resources/context';
import { DEFAULT_ENGINE_CONFIG } from '../workflows/engine/config';
import type { ApiServices } from './dependencies';

export function resourceContext(services: ApiServices): ResourceContext | undefined {
  const { files, queues, operations } = services.deps;
  if (!files || !queues) return undefined;
  const startResend = operations ? { operations, afterSeconds: services.deps.startResendAfterSeconds ?? DEFAULT_ENGINE_CONFIG.resendAfterSeconds } : undefined;
  return { store: services.store, files, queues, remoteUrls: services.deps.remoteArchiveUrls ?? 'off', now: services.now, ...(startResend ? { startResend } : {}) };
}
