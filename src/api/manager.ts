/**
 * The manager's own resources, answered so that `cfy profiles use` and `cfy status` work
 * (reference/cfy-wire.md): `/status`, `/managers`, `/brokers`, `/db-nodes` (one each, on the same
 * host, so the CLI sees an all-in-one manager), `/maintenance` (never active: Stratus has no
 * maintenance mode), `/config?scope=` and `/config/{name}` (the REST settings the CLI reads
 * before uploads) and
 * `/provider/context`. All need authentication.
 */
import { DEFAULT_ARCHIVE_LIMITS } from '../blueprints/archive/limits';
import { KINDS } from '../model/kinds';
import { badParameters, entityNotFound } from '../model/errors';
import { DEFAULT_TENANT } from '../model/auth';
import { SYSTEM_SCOPE } from '../ports/model-store';
import { secured } from './auth/secured';
import { queryString } from './body';
import type { ApiServices } from './dependencies';
import { jsonResponse } from './http';
import { DEFAULT_PAGE_SIZE, listResponse } from './list';
import type { Route } from './router';
import { CLOUDIFY_COMPATIBLE_VERSION, STRATUS_VERSION } from './version';

const BASE = '/api/v3.1';
const NODE_ID = 'stratus';

interface ConfigItem {
  name: string;
  value: unknown;
  scope: string;
  schema: Record<string, unknown> | null;
  is_editable: boolean;
  admin_only: boolean;
  updated_at: string | null;
  updater_name: string | null;
}

function configItems(): ConfigItem[] {
  const item = (name: string, value: unknown, schema: Record<string, unknown> | null): ConfigItem => ({
    name,
    value,
    scope: 'rest',
    schema,
    is_editable: false,
    admin_only: false,
    updated_at: null,
    updater_name: null,
  });
  return [
    item('blueprint_folder_max_size_mb', Math.floor(DEFAULT_ARCHIVE_LIMITS.maxTotalBytes / (1024 * 1024)), { type: 'number', minimum: 0 }),
    item('blueprint_folder_max_files', DEFAULT_ARCHIVE_LIMITS.maxEntries, { type: 'number', minimum: 0 }),
    item('default_page_size', DEFAULT_PAGE_SIZE, { type: 'number', minimum: 1 }),
  ];
}

export function managerRoutes(services: ApiServices): Route[] {
  const { auth, store } = services;
  const host = services.manager.host;
  const one = <T>(items: T[]) => listResponse(items, items.length, DEFAULT_PAGE_SIZE, 0);

  return [
    {
      method: 'GET',
      pattern: `${BASE}/status`,
      handler: secured(auth, async () => {
        // The model store answering is what "the manager works" means here; the other services are managed by AWS.
        let storeOk = true;
        try {
          await store.get({ kind: KINDS.tenant, tenant: SYSTEM_SCOPE, id: DEFAULT_TENANT });
        } catch {
          storeOk = false;
        }
        const service = (ok: boolean, description: string) => ({ status: ok ? 'Active' : 'Inactive', is_external: true, extra_info: { description } });
        return jsonResponse(200, {
          status: storeOk ? 'OK' : 'Fail',
          services: {
            'REST API': service(true, 'API Gateway + Lambda'),
            Database: service(storeOk, 'DynamoDB'),
            Queues: service(true, 'SQS'),
            'File Server': service(true, 'S3'),
          },
        });
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/managers`,
      handler: secured(auth, () =>
        one([
          {
            id: 1,
            hostname: host,
            private_ip: host,
            public_ip: host,
            networks: { default: host },
            version: CLOUDIFY_COMPATIBLE_VERSION,
            edition: 'community',
            distribution: 'stratus',
            distro_release: STRATUS_VERSION,
            fs_sync_node_id: '',
            node_id: NODE_ID,
            ca_cert_content: null,
            last_seen: services.now().toISOString(),
            status_report_frequency: null,
          },
        ]),
      ),
    },
    {
      method: 'GET',
      pattern: `${BASE}/brokers`,
      handler: secured(auth, () =>
        one([{ name: NODE_ID, host, management_host: host, port: 443, networks: { default: host }, is_external: true, node_id: NODE_ID, ca_cert_content: null }]),
      ),
    },
    {
      method: 'GET',
      pattern: `${BASE}/db-nodes`,
      handler: secured(auth, () => one([{ name: NODE_ID, host, is_external: true, node_id: NODE_ID }])),
    },
    {
      method: 'GET',
      pattern: `${BASE}/maintenance`,
      handler: secured(auth, () =>
        jsonResponse(200, { status: 'deactivated', activated_at: null, activation_requested_at: null, remaining_executions: null, requested_by: '' }),
      ),
    },
    {
      method: 'GET',
      pattern: `${BASE}/config`,
      handler: secured(auth, (request) => {
        const scope = queryString(request, 'scope');
        if (scope !== undefined && !/^[a-z_]{1,64}$/.test(scope)) throw badParameters('`scope` must be a config scope name such as `rest`');
        const items = configItems().filter((item) => scope === undefined || item.scope === scope);
        return one(items);
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/config/{name}`,
      handler: secured(auth, (request) => {
        const item = configItems().find((candidate) => candidate.name === request.params.name);
        if (!item) throw entityNotFound('Config', request.params.name);
        return jsonResponse(200, item);
      }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/provider/context`,
      handler: secured(auth, () => jsonResponse(200, { name: 'stratus', context: { cloudify: {} } })),
    },
  ];
}
