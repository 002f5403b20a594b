/**
 * `POST /api/v3.1/uploads` (Stratus's own): a presigned URL to PUT an archive too large for one API
 * request, then named by `upload_id` in `PUT /blueprints/{id}` or `POST /plugins` (docs/uploads.md).
 */
import type { ResourceContext } from '../resources/context';
import { createStagedUpload } from '../uploads/staged';
import { secured } from './auth/secured';
import type { ApiServices } from './dependencies';
import { jsonResponse } from './http';
import type { Route } from './router';

export function uploadRoutes(services: ApiServices, context: ResourceContext): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/api/v3.1/uploads',
      handler: secured(services.auth, async (_request, caller) => jsonResponse(201, await createStagedUpload(context, caller))),
    },
  ];
}
