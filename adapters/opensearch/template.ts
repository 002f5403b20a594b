/**
 * How events are laid out in OpenSearch: one index per UTC day (`stratus-events-YYYY.MM.DD`, by the
 * event's `timestamp`), an index template that gives every such index its mappings, and an ISM
 * policy that deletes indices older than the retention (default 30 days). The indexer puts both
 * once per container before its first write (idempotent PUTs).
 */
export const INDEX_PREFIX = 'stratus-events-';
export const INDEX_PATTERN = `${INDEX_PREFIX}*`;
export const TEMPLATE_NAME = 'stratus-events';
export const RETENTION_POLICY_ID = 'stratus-events-retention';
export const DEFAULT_RETENTION_DAYS = 30;
/** `_size` defaults to 10,000 and pages go by offset: deep pages must stay searchable. */
export const MAX_RESULT_WINDOW = 100000;

/** The daily index an event belongs to. */
export function indexFor(timestamp: string): string {
  const day = timestamp.slice(0, 10).replaceAll('-', '.');
  return `${INDEX_PREFIX}${day}`;
}

const keyword = { type: 'keyword' } as const;
const date = { type: 'date', format: 'strict_date_optional_time' } as const;

export const EVENT_MAPPINGS = {
  dynamic: false,
  properties: {
    timestamp: date,
    reported_timestamp: date,
    tenant_name: keyword,
    blueprint_id: keyword,
    deployment_id: keyword,
    deployment_display_name: keyword,
    execution_id: keyword,
    workflow_id: keyword,
    // `message.text` filters are substring patterns: the wildcard field answers them without a scan.
    message: { type: 'text', fields: { wildcard: { type: 'wildcard' } } },
    error_causes: { type: 'object', enabled: false },
    operation: keyword,
    source_id: keyword,
    target_id: keyword,
    node_instance_id: keyword,
    node_name: keyword,
    type: keyword,
    event_type: keyword,
    logger: keyword,
    level: keyword,
    task_id: keyword,
    attempt: { type: 'integer' },
    // `_storage_id` of the API (and the _id); tie-breaker of every sort (sorting on _id is disabled in 2.x).
    storage_id: keyword,
  },
} as const;

export function indexTemplate(options: { shards?: number; replicas?: number } = {}) {
  return {
    index_patterns: [INDEX_PATTERN],
    priority: 100,
    template: {
      settings: {
        number_of_shards: options.shards ?? 1,
        number_of_replicas: options.replicas ?? 1,
        refresh_interval: '1s',
        max_result_window: MAX_RESULT_WINDOW,
      },
      mappings: EVENT_MAPPINGS,
    },
  };
}

/** ISM policy: every events index is deleted `retentionDays` after its creation. */
export function retentionPolicy(retentionDays = DEFAULT_RETENTION_DAYS) {
  return {
    policy: {
      description: `Delete Stratus event indices after ${retentionDays} days`,
      default_state: 'hot',
      states: [
        { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: `${retentionDays}d` } }] },
        { name: 'delete', actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: [INDEX_PATTERN], priority: 100 }],
    },
  };
}
