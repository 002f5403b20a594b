/**
 * Execution records, as `GET /executions` serves them (reference/cloudify-rest-api.md,
 * "Executions"). This module holds only what the REST resources need to *record* system
 * executions (`upload_blueprint`, `create_deployment_environment`, `delete_deployment_environment`);
 * running executions belongs to the workflow engine, which shares these records.
 */
import { randomUUID } from 'node:crypto';
import type { Entity, NewEntity } from '../ports/model-store';
import { KINDS } from '../model/kinds';
import type { Visibility } from '../resources/visibility';

export type ExecutionStatus =
  | 'pending'
  | 'started'
  | 'cancelling'
  | 'force_cancelling'
  | 'kill_cancelling'
  | 'terminated'
  | 'failed'
  | 'cancelled'
  | 'queued'
  | 'scheduled';

export const END_STATES: readonly ExecutionStatus[] = ['terminated', 'failed', 'cancelled'];
export const WAITING_STATES: readonly ExecutionStatus[] = ['queued', 'scheduled'];

export interface ExecutionData {
  workflow_id: string;
  deployment_id: string | null;
  blueprint_id: string | null;
  status: ExecutionStatus;
  error: string;
  parameters: Record<string, unknown>;
  is_system_workflow: boolean;
  is_dry_run: boolean;
  started_at: string | null;
  ended_at: string | null;
  scheduled_for: string | null;
  total_operations: number;
  finished_operations: number;
  allow_custom_parameters: boolean;
  resume: boolean;
  visibility: Visibility;
  created_by: string;
}

export function isEndState(status: ExecutionStatus): boolean {
  return END_STATES.includes(status);
}

/** Cloudify shows `terminated` as `completed` (status_display). */
export function statusDisplay(status: ExecutionStatus): string {
  return status === 'terminated' ? 'completed' : status;
}

export interface SystemExecutionSpec {
  tenant: string;
  workflowId: string;
  deploymentId: string | null;
  blueprintId: string | null;
  createdBy: string;
  status: ExecutionStatus;
  parameters?: Record<string, unknown>;
  error?: string;
  now: string;
}

export function newSystemExecution(spec: SystemExecutionSpec): NewEntity<ExecutionData> {
  const ended = isEndState(spec.status);
  return {
    kind: KINDS.execution,
    tenant: spec.tenant,
    id: randomUUID(),
    ...(spec.deploymentId ? { parent: spec.deploymentId } : {}),
    data: {
      workflow_id: spec.workflowId,
      deployment_id: spec.deploymentId,
      blueprint_id: spec.blueprintId,
      status: spec.status,
      error: spec.error ?? '',
      parameters: spec.parameters ?? {},
      is_system_workflow: true,
      is_dry_run: false,
      started_at: spec.status === 'pending' || spec.status === 'queued' ? null : spec.now,
      ended_at: ended ? spec.now : null,
      scheduled_for: null,
      total_operations: 0,
      finished_operations: 0,
      allow_custom_parameters: false,
      resume: false,
      visibility: 'tenant',
      created_by: spec.createdBy,
    },
  };
}

export const EXECUTION_FIELDS = [
  'id',
  'workflow_id',
  'deployment_id',
  'blueprint_id',
  'status',
  'status_display',
  'error',
  'parameters',
  'is_system_workflow',
  'is_dry_run',
  'created_at',
  'started_at',
  'ended_at',
  'scheduled_for',
  'total_operations',
  'finished_operations',
  'allow_custom_parameters',
  'resume',
  'visibility',
  'tenant_name',
  'created_by',
  'private_resource',
  'resource_availability',
] as const;

export function renderExecution(entity: Entity<ExecutionData>): Record<string, unknown> {
  const data = entity.data;
  return {
    id: entity.id,
    workflow_id: data.workflow_id,
    deployment_id: data.deployment_id,
    blueprint_id: data.blueprint_id,
    status: data.status,
    status_display: statusDisplay(data.status),
    error: data.error,
    parameters: data.parameters,
    is_system_workflow: data.is_system_workflow,
    is_dry_run: data.is_dry_run,
    created_at: entity.createdAt,
    started_at: data.started_at,
    ended_at: data.ended_at,
    scheduled_for: data.scheduled_for,
    total_operations: data.total_operations,
    finished_operations: data.finished_operations,
    allow_custom_parameters: data.allow_custom_parameters,
    resume: data.resume,
    visibility: data.visibility,
    tenant_name: entity.tenant,
    created_by: data.created_by,
    private_resource: data.visibility === 'private',
    resource_availability: data.visibility,
  };
}
