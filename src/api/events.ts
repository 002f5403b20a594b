/**
 * `GET /events` and `POST /events` (reference/cloudify-rest-api.md, "Events and logs").
 *
 * GET: filters `type` (cloudify_event, cloudify_log), `deployment_id`, `execution_id`,
 * `blueprint_id`, `node_id`, `node_instance_id`, `event_type` (events only), `level` (logs only),
 * `operation` (each repeatable or comma-separated: values OR, fields AND), `message.text`
 * (case-insensitive substring, `%` = any run); `_range=@timestamp,FROM,TO` (from inclusive, to
 * exclusive, either empty); `_sort=timestamp|@timestamp|reported_timestamp` (`-` descending,
 * repeatable); `_size` (default 10000), `_offset`; `_include`; `_all_tenants`. Items are flat with
 * every key present. The caller's tenant only (or all its tenants with `_all_tenants`). A running
 * execution followed in time order has its newest events held back (src/events/settle.ts).
 *
 * POST `{events: [...], logs: [...], execution_id}` in Cloudify's raw format
 * (`{event_type|level, logger, message: {text}, context: {...}, timestamp}`): the execution must
 * exist in the caller's tenant; its deployment, blueprint and workflow fill the context. The events
 * go through the events queue (stored and streamed live like every other event) → 201.
 */
import { KINDS } from '../model/kinds';
import { badParameters } from '../model/errors';
import type { StoredEvent } from '../events/model';
import { renderEvent } from '../events/pipeline/normalize';
import { QueueEventSink } from '../events/pipeline/queue-sink';
import { storageId } from '../events/pipeline/indexer';
import type { ExecutionData } from '../executions/records';
import { isEndState } from '../executions/records';
import { followedExecution, settledQuery } from '../events/settle';
import { EVENT_FILTER_FIELDS } from '../ports/event-index';
import type { EventFilterField, EventIndex, EventKind, EventQuery, EventSortField } from '../ports/event-index';
import { secured } from './auth/secured';
import { readJsonBody } from './body';
import type { ApiServices } from './dependencies';
import { ApiError, notFound } from './errors';
import { jsonResponse } from './http';
import { listResponse, parseBoolean } from './list';
import type { Route } from './router';
import { listTenants } from './scope';

export const DEFAULT_EVENTS_PAGE_SIZE = 10000;
/** Deepest item a page may reach (OpenSearch's max_result_window in our template). */
export const MAX_EVENTS_WINDOW = 100000;
export const MAX_POSTED_EVENTS = 1000;

const ITEM_FIELDS = [
  'timestamp',
  'reported_timestamp',
  'blueprint_id',
  'deployment_id',
  'deployment_display_name',
  'execution_id',
  'workflow_id',
  'message',
  'error_causes',
  'operation',
  'source_id',
  'target_id',
  'node_instance_id',
  'node_name',
  'type',
  'tenant_name',
  '_storage_id',
  'event_type',
  'logger',
  'level',
];

/** Query names → stored fields (`node_id` is the node's name). */
const FILTER_PARAMS: Record<string, EventFilterField> = Object.fromEntries([...EVENT_FILTER_FIELDS.map((f) => [f, f]), ['node_id', 'node_name']]);
const KNOWN_PARAMS = new Set(['type', 'event_type', 'level', 'message.text', ...Object.keys(FILTER_PARAMS)]);

function values(query: Record<string, string[]>, name: string): string[] {
  return (query[name] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function nonNegative(query: Record<string, string[]>, name: string, fallback: number): number {
  const raw = query[name]?.at(-1);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw badParameters(`\`${name}\` must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw.trim());
}

function sortField(name: string): EventSortField | undefined {
  if (name === 'timestamp' || name === '@timestamp') return 'timestamp';
  if (name === 'reported_timestamp') return 'reported_timestamp';
  return undefined;
}

function bound(value: string, which: string): string | undefined {
  if (value.trim() === '') return undefined;
  const ms = Date.parse(value.trim());
  if (Number.isNaN(ms)) throw badParameters(`\`_range\` ${which} bound must be a timestamp, got ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

/** The REST query → an EventQuery (tenants filled by the caller). */
export function parseEventQuery(query: Record<string, string[]>, tenants: string[]): EventQuery {
  for (const name of Object.keys(query)) {
    if (!name.startsWith('_') && !KNOWN_PARAMS.has(name)) throw badParameters(`Unknown events filter \`${name}\`; the filters are: ${[...KNOWN_PARAMS].join(', ')}`);
  }
  const types = values(query, 'type');
  for (const type of types) {
    if (type !== 'cloudify_event' && type !== 'cloudify_log') throw badParameters(`\`type\` must be cloudify_event or cloudify_log, got ${JSON.stringify(type)}`);
  }
  const filters: EventQuery['filters'] = {};
  for (const [param, field] of Object.entries(FILTER_PARAMS)) {
    const list = values(query, param);
    if (list.length > 0) filters[field] = [...(filters[field] ?? []), ...list];
  }
  const sort = values(query, '_sort').map((key) => {
    const descending = key.startsWith('-');
    const field = sortField(key.replace(/^[-+]/, ''));
    if (!field) throw badParameters(`Events cannot be sorted by ${JSON.stringify(key)}: use timestamp, @timestamp or reported_timestamp (- for descending)`);
    return { field, descending };
  });
  let range: EventQuery['range'];
  const rawRange = query._range?.at(-1);
  if (rawRange !== undefined) {
    const parts = rawRange.split(',');
    const field = sortField(parts[0].trim());
    if (parts.length !== 3 || !field) throw badParameters('`_range` must be FIELD,FROM,TO with FIELD @timestamp, timestamp or reported_timestamp (FROM or TO may be empty)');
    range = { field, from: bound(parts[1], 'from'), to: bound(parts[2], 'to') };
  }
  const size = nonNegative(query, '_size', DEFAULT_EVENTS_PAGE_SIZE);
  const offset = nonNegative(query, '_offset', 0);
  if (offset + size > MAX_EVENTS_WINDOW) {
    throw badParameters(`_offset + _size may reach at most ${MAX_EVENTS_WINDOW} events; narrow the search with filters or _range`);
  }
  const messageText = query['message.text']?.filter((v) => v !== '');
  const eventTypes = values(query, 'event_type');
  const levels = values(query, 'level');
  return {
    tenants,
    types: types as EventKind[],
    filters,
    ...(eventTypes.length ? { eventTypes } : {}),
    ...(levels.length ? { levels } : {}),
    ...(messageText?.length ? { messageText } : {}),
    ...(range ? { range } : {}),
    sort,
    size,
    offset,
  };
}

function include(query: Record<string, string[]>): string[] | undefined {
  const fields = values(query, '_include');
  if (fields.length === 0) return undefined;
  const unknown = fields.filter((f) => !ITEM_FIELDS.includes(f));
  if (unknown.length > 0) throw new ApiError(400, 'no_such_include_field_error', `Illegal include field(s): ${unknown.join(', ')}; the fields are: ${ITEM_FIELDS.join(', ')}`);
  return fields;
}

function object(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** One raw Cloudify event or log → the stored shape (validated again by the indexer). */
function fromRaw(raw: unknown, type: EventKind, base: Omit<StoredEvent, 'type' | 'message' | 'timestamp' | 'reported_timestamp'>, now: string, index: number): StoredEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badParameters(`${type === 'cloudify_event' ? 'events' : 'logs'}[${index}] must be an object`);
  const r = raw as Record<string, unknown>;
  const context = object(r.context);
  const message = object(r.message);
  const text = typeof r.message === 'string' ? r.message : typeof message.text === 'string' ? message.text : '';
  const reported = r.timestamp === undefined || r.timestamp === null ? now : String(r.timestamp);
  if (Number.isNaN(Date.parse(reported))) throw badParameters(`timestamp of item ${index} must be an ISO 8601 timestamp`);
  const event: StoredEvent = {
    ...base,
    timestamp: now,
    reported_timestamp: new Date(Date.parse(reported)).toISOString(),
    message: text,
    operation: str(context.operation),
    source_id: str(context.source_id),
    target_id: str(context.target_id),
    node_instance_id: str(context.node_instance_id ?? context.node_id),
    node_name: str(context.node_name),
    error_causes: Array.isArray(r.error_causes) ? (r.error_causes as StoredEvent['error_causes']) : null,
    type,
  };
  if (type === 'cloudify_event') {
    const eventType = str(r.event_type);
    if (!eventType) throw badParameters(`events[${index}].event_type is required`);
    event.event_type = eventType;
  } else {
    const level = str(r.level) ?? 'info';
    if (!['debug', 'info', 'warning', 'error'].includes(level)) throw badParameters(`logs[${index}].level must be debug, info, warning or error`);
    event.level = level as StoredEvent['level'];
    event.logger = str(r.logger) ?? undefined;
  }
  return event;
}

export interface EventRouteDeps {
  events?: EventIndex;
}

export function eventRoutes(services: ApiServices, deps: EventRouteDeps): Route[] {
  const { auth, store } = services;
  const queues = services.deps.queues;
  /** A running execution followed in time order: its newest events are held back (src/events/settle.ts). */
  const settleWhileRunning = async (query: EventQuery, tenant: string): Promise<EventQuery> => {
    const executionId = followedExecution(query);
    if (executionId === undefined) return query;
    const execution = await store.get<ExecutionData>({ kind: KINDS.execution, tenant, id: executionId });
    return execution && !isEndState(execution.data.status) ? settledQuery(query, services.now()) : query;
  };
  return [
    {
      method: 'GET',
      pattern: '/api/v3.1/events',
      handler: secured(auth, async (request, caller) => {
        if (!deps.events) throw new ApiError(503, 'internal_server_error', 'No event store is configured for this manager');
        const allTenants = request.query._all_tenants ? parseBoolean(request.query._all_tenants.at(-1), '_all_tenants') : false;
        const tenants = await listTenants(services, caller, allTenants);
        const query = await settleWhileRunning(parseEventQuery(request.query, tenants), caller.tenant);
        const fields = include(request.query);
        const result = await deps.events.search(query);
        const items = result.items.map((event) => {
          const item = renderEvent(event);
          return fields ? Object.fromEntries(fields.filter((f) => f in item).map((f) => [f, item[f]])) : item;
        });
        return listResponse(items, result.total, query.size, query.offset);
      }),
    },
    {
      method: 'POST',
      pattern: '/api/v3.1/events',
      handler: secured(auth, async (request, caller) => {
        const body = readJsonBody(request, { required: true });
        const executionId = str(body.execution_id);
        if (!executionId) throw badParameters('`execution_id` is required');
        const events = body.events ?? [];
        const logs = body.logs ?? [];
        if (!Array.isArray(events) || !Array.isArray(logs)) throw badParameters('`events` and `logs` must be lists');
        if (events.length + logs.length > MAX_POSTED_EVENTS) throw badParameters(`At most ${MAX_POSTED_EVENTS} events and logs per request`);
        const execution = await store.get<ExecutionData>({ kind: KINDS.execution, tenant: caller.tenant, id: executionId });
        if (!execution) throw notFound(`Requested Execution with ID \`${executionId}\` was not found`);
        const now = services.now().toISOString();
        const base = {
          blueprint_id: execution.data.blueprint_id,
          deployment_id: execution.data.deployment_id,
          deployment_display_name: execution.data.deployment_id,
          execution_id: executionId,
          workflow_id: execution.data.workflow_id,
          tenant_name: caller.tenant,
          error_causes: null,
          operation: null,
          source_id: null,
          target_id: null,
          node_instance_id: null,
          node_name: null,
        };
        const stored = [
          ...events.map((raw, i) => fromRaw(raw, 'cloudify_event', base, now, i)),
          ...logs.map((raw, i) => fromRaw(raw, 'cloudify_log', base, now, i)),
        ];
        if (queues) {
          await new QueueEventSink(queues).emit(stored);
        } else if (deps.events) {
          // No queue (a test container): store directly.
          const id = `post-${request.requestId}`;
          await deps.events.index(stored.map((event, i) => ({ ...event, _storage_id: storageId(id, i) })));
        } else {
          throw new ApiError(503, 'internal_server_error', 'No events queue or store is configured for this manager');
        }
        return jsonResponse(201, { events: events.length, logs: logs.length });
      }),
    },
  ];
}
