/**
 * Events arriving on the events queue come from our own emitters, agents and `POST /events`: each
 * is checked and completed into the flat stored shape, with every key the CLI indexes present
 * (null when empty). A malformed event fails its queue message (it ends in the DLQ), never the
 * whole batch.
 */
import type { ErrorCause, StoredEvent } from '../model';
import type { IndexedEvent } from '../../ports/event-index';

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

const NULLABLE_STRINGS = [
  'blueprint_id',
  'deployment_id',
  'deployment_display_name',
  'operation',
  'source_id',
  'target_id',
  'node_instance_id',
  'node_name',
] as const;

const LEVELS = ['debug', 'info', 'warning', 'error'];

function text(value: unknown, name: string, required: boolean): string | null {
  if (value === undefined || value === null || value === '') {
    if (required) throw new InvalidEventError(`event field "${name}" is required`);
    return null;
  }
  if (typeof value !== 'string') throw new InvalidEventError(`event field "${name}" must be a string`);
  return value;
}

function isoTime(value: unknown, name: string): string {
  const raw = text(value, name, true) as string;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new InvalidEventError(`event field "${name}" must be an ISO 8601 timestamp`);
  return new Date(ms).toISOString();
}

function errorCauses(value: unknown): ErrorCause[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new InvalidEventError('event field "error_causes" must be a list or null');
  return value.map((cause) => {
    if (typeof cause !== 'object' || cause === null) throw new InvalidEventError('each error cause must be an object');
    const c = cause as Record<string, unknown>;
    return { message: String(c.message ?? ''), traceback: c.traceback == null ? null : String(c.traceback), type: String(c.type ?? '') };
  });
}

/** Checks one emitted event and gives it its storage id. */
export function normalizeEvent(raw: unknown, storageId: string): IndexedEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidEventError('an event must be a JSON object');
  const e = raw as Record<string, unknown>;
  const type = e.type;
  if (type !== 'cloudify_event' && type !== 'cloudify_log') throw new InvalidEventError('event field "type" must be cloudify_event or cloudify_log');
  const reported = isoTime(e.reported_timestamp ?? e.timestamp, 'reported_timestamp');
  const event: IndexedEvent = {
    timestamp: e.timestamp === undefined ? reported : isoTime(e.timestamp, 'timestamp'),
    reported_timestamp: reported,
    blueprint_id: null,
    deployment_id: null,
    deployment_display_name: null,
    execution_id: text(e.execution_id, 'execution_id', false) as string,
    workflow_id: text(e.workflow_id, 'workflow_id', false) as string,
    tenant_name: text(e.tenant_name, 'tenant_name', true) as string,
    message: typeof e.message === 'string' ? e.message : e.message == null ? '' : JSON.stringify(e.message),
    error_causes: errorCauses(e.error_causes),
    operation: null,
    source_id: null,
    target_id: null,
    node_instance_id: null,
    node_name: null,
    type,
    _storage_id: storageId,
  };
  for (const name of NULLABLE_STRINGS) event[name] = text(e[name], name, false);
  if (type === 'cloudify_event') {
    event.event_type = text(e.event_type, 'event_type', true) as string;
  } else {
    const level = text(e.level, 'level', false) ?? 'info';
    if (!LEVELS.includes(level)) throw new InvalidEventError(`log level must be one of ${LEVELS.join(', ')}`);
    event.level = level as StoredEvent['level'];
    event.logger = text(e.logger, 'logger', false) ?? undefined;
  }
  if (e.task_id !== undefined) event.task_id = text(e.task_id, 'task_id', false);
  if (typeof e.attempt === 'number') event.attempt = e.attempt;
  return event;
}

/** The item `GET /events` returns: every reference key present, null when empty. */
export function renderEvent(event: IndexedEvent): Record<string, unknown> {
  const item: Record<string, unknown> = {
    timestamp: event.timestamp,
    reported_timestamp: event.reported_timestamp,
    blueprint_id: event.blueprint_id ?? null,
    deployment_id: event.deployment_id ?? null,
    deployment_display_name: event.deployment_display_name ?? null,
    execution_id: event.execution_id ?? null,
    workflow_id: event.workflow_id ?? null,
    message: event.message ?? '',
    error_causes: event.error_causes ?? null,
    operation: event.operation ?? null,
    source_id: event.source_id ?? null,
    target_id: event.target_id ?? null,
    node_instance_id: event.node_instance_id ?? null,
    node_name: event.node_name ?? null,
    type: event.type,
    tenant_name: event.tenant_name,
    _storage_id: event._storage_id,
  };
  if (event.type === 'cloudify_event') item.event_type = event.event_type ?? null;
  else {
    item.logger = event.logger ?? null;
    item.level = event.level ?? null;
  }
  return item;
}
