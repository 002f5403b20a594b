/**
 * Events and logs in Cloudify's flat shape (reference/cloudify-rest-api.md, "Events and logs"):
 * the keys the CLI indexes are always present, null when empty. The engine also records
 * `task_id` and `attempt` on task events (extra keys; clients ignore them), which lets tests and
 * operators count how often each task ran.
 */
export type CloudifyEventType =
  | 'workflow_started'
  | 'workflow_succeeded'
  | 'workflow_failed'
  | 'workflow_cancelled'
  | 'sending_task'
  | 'task_started'
  | 'task_succeeded'
  | 'task_failed'
  | 'task_rescheduled';

export interface ErrorCause {
  message: string;
  traceback: string | null;
  type: string;
}

export interface StoredEvent {
  timestamp: string;
  reported_timestamp: string;
  blueprint_id: string | null;
  deployment_id: string | null;
  deployment_display_name: string | null;
  execution_id: string;
  workflow_id: string;
  tenant_name: string;
  message: string;
  error_causes: ErrorCause[] | null;
  operation: string | null;
  source_id: string | null;
  target_id: string | null;
  node_instance_id: string | null;
  node_name: string | null;
  type: 'cloudify_event' | 'cloudify_log';
  event_type?: string;
  logger?: string;
  level?: 'debug' | 'info' | 'warning' | 'error';
  task_id?: string | null;
  attempt?: number | null;
}

/** What every event of one execution shares. */
export interface EventScope {
  tenant: string;
  executionId: string;
  workflowId: string;
  deploymentId: string | null;
  blueprintId: string | null;
  deploymentDisplayName?: string | null;
}

export interface EventDetails {
  operation?: string | null;
  nodeInstanceId?: string | null;
  nodeName?: string | null;
  sourceId?: string | null;
  targetId?: string | null;
  error?: { message: string; type: string } | null;
  taskId?: string | null;
  attempt?: number | null;
}

function base(scope: EventScope, message: string, details: EventDetails, now: Date): Omit<StoredEvent, 'type'> {
  const at = now.toISOString();
  return {
    timestamp: at,
    reported_timestamp: at,
    blueprint_id: scope.blueprintId,
    deployment_id: scope.deploymentId,
    deployment_display_name: scope.deploymentDisplayName ?? scope.deploymentId,
    execution_id: scope.executionId,
    workflow_id: scope.workflowId,
    tenant_name: scope.tenant,
    message,
    error_causes: details.error ? [{ message: details.error.message, traceback: null, type: details.error.type }] : null,
    operation: details.operation ?? null,
    source_id: details.sourceId ?? null,
    target_id: details.targetId ?? null,
    node_instance_id: details.nodeInstanceId ?? null,
    node_name: details.nodeName ?? null,
    task_id: details.taskId ?? null,
    attempt: details.attempt ?? null,
  };
}

export function cloudifyEvent(scope: EventScope, eventType: CloudifyEventType | string, message: string, details: EventDetails = {}, now = new Date()): StoredEvent {
  return { ...base(scope, message, details, now), type: 'cloudify_event', event_type: eventType };
}

export function cloudifyLog(scope: EventScope, level: StoredEvent['level'], message: string, details: EventDetails = {}, now = new Date()): StoredEvent {
  return { ...base(scope, message, details, now), type: 'cloudify_log', level, logger: details.operation ? `ctx.${details.operation}` : 'workflow' };
}
