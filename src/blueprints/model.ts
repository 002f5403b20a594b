/**
 * Blueprints as stored and as `GET /blueprints` serves them. The archive, its extracted files and
 * (when large) the plan live in the file store under `tenants/<tenant>/blueprints/<id>/`; the
 * entity keeps the state, metadata and a small plan inline.
 */
import type { Plan } from '../dsl';
import type { Entity } from '../ports/model-store';
import type { Label } from '../resources/labels';
import type { Owned } from '../resources/usage';
import { commonFields } from '../resources/visibility';
import type { Visibility } from '../resources/visibility';
import type { ArchiveFormat } from './archive';

export type BlueprintState =
  | 'pending'
  | 'uploading'
  | 'extracting'
  | 'parsing'
  | 'uploaded'
  | 'validating'
  | 'failed_uploading'
  | 'failed_extracting'
  | 'failed_parsing'
  | 'failed_extracting_to_file_server'
  | 'invalid';

/** States an upload ends in; a blueprint in a failed one may be uploaded again under its id. */
export const FAILED_STATES: readonly BlueprintState[] = ['failed_uploading', 'failed_extracting', 'failed_parsing', 'failed_extracting_to_file_server', 'invalid'];
export const END_STATES: readonly BlueprintState[] = ['uploaded', ...FAILED_STATES];

export interface UploadExecutionSummary {
  id: string;
  workflow_id: 'upload_blueprint';
  status: string;
  status_display: string;
  error: string;
  is_system_workflow: true;
  created_at: string;
  ended_at: string | null;
}

export interface StoredArchive {
  key: string;
  format: ArchiveFormat;
  size: number;
  file_name: string;
}

export interface BlueprintData {
  main_file_name: string;
  description: string | null;
  state: BlueprintState;
  error: string | null;
  error_traceback: string | null;
  labels: Label[];
  visibility: Visibility;
  created_by: string;
  updated_at: string;
  is_hidden: boolean;
  upload_execution: UploadExecutionSummary | null;
  /** The plan when small enough to keep in the entity. */
  plan: Plan | null;
  /** Where a large plan is (gzipped JSON in the file store). */
  plan_key: string | null;
  archive: StoredArchive | null;
  /** The DSL version of the main file (for plugin YAML choice and listing). */
  dsl_version: string | null;
  /** Plugins the blueprint imported. */
  plugins: Owned[];
}

export function blueprintPrefix(tenant: string, id: string): string {
  return `tenants/${tenant}/blueprints/${id}/`;
}

export function archiveKey(tenant: string, id: string): string {
  return `${blueprintPrefix(tenant, id)}archive`;
}

export function resourcesPrefix(tenant: string, id: string): string {
  return `${blueprintPrefix(tenant, id)}resources/`;
}

export function resourceKey(tenant: string, id: string, path: string): string {
  return `${resourcesPrefix(tenant, id)}${path}`;
}

export function planKey(tenant: string, id: string): string {
  return `${blueprintPrefix(tenant, id)}plan.json.gz`;
}

export const BLUEPRINT_FIELDS = [
  'id',
  'main_file_name',
  'plan',
  'description',
  'created_at',
  'updated_at',
  'is_hidden',
  'state',
  'error',
  'error_traceback',
  'labels',
  'upload_execution',
  'visibility',
  'tenant_name',
  'created_by',
  'private_resource',
  'resource_availability',
  'requirements',
] as const;

/**
 * The Cloudify JSON. `plan` is the inline plan, or `plan` given by the caller after reading a
 * large one from the file store; lists leave large plans out (docs/data-model.md).
 */
export function renderBlueprint(entity: Entity<BlueprintData>, plan: Plan | null = entity.data.plan): Record<string, unknown> {
  const data = entity.data;
  return {
    ...commonFields(entity, data),
    main_file_name: data.main_file_name,
    plan,
    description: data.description,
    updated_at: data.updated_at,
    is_hidden: data.is_hidden,
    state: data.state,
    error: data.error,
    error_traceback: data.error_traceback,
    labels: data.labels,
    upload_execution: data.upload_execution,
    requirements: null,
  };
}
