/**
 * The list response shape the Cloudify client pages through:
 * `{items, metadata: {pagination: {total, size, offset}, filtered: null}}`, where `size` echoes the
 * requested page size (not the number of items) and `total` counts every match.
 */
import { jsonResponse } from '../http';
import type { ApiResponse } from '../http';

export interface ListBody<T> {
  items: T[];
  metadata: { pagination: { total: number; size: number; offset: number }; filtered: null };
}

export function listBody<T>(items: T[], total: number, size: number, offset: number): ListBody<T> {
  return { items, metadata: { pagination: { total, size, offset }, filtered: null } };
}

export function listResponse<T>(items: T[], total: number, size: number, offset: number): ApiResponse {
  return jsonResponse(200, listBody(items, total, size, offset));
}
