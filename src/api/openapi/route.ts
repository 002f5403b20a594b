/** `GET /api/v3.1/openapi.json`: the document, built once (open: it describes, it reveals nothing stored). */
import { jsonResponse } from '../http';
import type { Route } from '../router';
import { openApiDocument } from './document';

export function openApiRoutes(): Route[] {
  let body: string | undefined;
  return [
    {
      method: 'GET',
      pattern: '/api/v3.1/openapi.json',
      handler: () => {
        body ??= JSON.stringify(openApiDocument());
        return { ...jsonResponse(200, null), body };
      },
    },
  ];
}
