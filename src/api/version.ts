/**
 * `GET /api/version` and `GET /api/v3.1/version`: the manager's version in Cloudify's shape.
 * The Cloudify client and CLI read `version` to decide what the manager supports, so it reports the
 * Cloudify version whose REST API Stratus keeps; Stratus's own release travels in `distro_release`
 * (on a Cloudify manager, `distribution`/`distro_release` name its operating system).
 */
import { jsonResponse } from './http';
import type { Route } from './router';

/** The Cloudify Manager release whose REST API v3.1 Stratus speaks. */
export const CLOUDIFY_COMPATIBLE_VERSION = '7.0.0';
export const STRATUS_VERSION = '0.1.0';

export interface VersionInfo {
  version: string;
  edition: 'community';
  distribution: string;
  distro_release: string;
}

export function versionInfo(): VersionInfo {
  return {
    version: CLOUDIFY_COMPATIBLE_VERSION,
    edition: 'community',
    distribution: 'stratus',
    distro_release: STRATUS_VERSION,
  };
}

export const versionRoutes: Route[] = [
  // The Cloudify client asks for the version without the v3.1 prefix (reference/cloudify-rest-api.md).
  { method: 'GET', pattern: '/api/version', handler: () => jsonResponse(200, versionInfo()) },
  { method: 'GET', pattern: '/api/v3.1/version', handler: () => jsonResponse(200, versionInfo()) },
];
