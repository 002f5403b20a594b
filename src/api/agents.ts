/**
 * Host agents (docs/agent.md):
 * - `GET /api/v3.1/agents?deployment_id=&node_ids=&node_instance_ids=&install_methods=&state=` with
 *   Cloudify's fields `id, host_id, ip, install_method, system, version, node, deployment, state`;
 * - `POST /api/v3.1/agents/{node_instance_id}/credentials` mints (or rotates) the host's agent
 *   token: `{token, manager_url, ws_url, install_script_url}`; the token is shown once only;
 * - `DELETE /api/v3.1/agents/{node_instance_id}/credentials` revokes it and closes its connection;
 * - `GET /api/v3.1/agents/package` (the single-file agent bundle) and `GET /api/v3.1/agents/install-script`
 *   (the POSIX sh script that downloads and runs it) need no credentials: neither holds a secret,
 *   and the host has only its agent token, which the script reads from the environment.
 */
import { AGENT_PACKAGE_PATH, installScript } from '../agents/install-script';
import { agentRef, mintAgentCredential, revokeAgentCredential } from '../agents/records';
import type { AgentData } from '../agents/records';
import { KINDS } from '../model/kinds';
import { entityNotFound } from '../model/errors';
import type { ConnectionGateway } from '../ports/connections';
import { secured } from './auth/secured';
import type { ApiServices } from './dependencies';
import { errorResponse } from './errors';
import { jsonResponse } from './http';
import type { ApiRequest } from './http';
import { listResponse } from './list';
import type { Route } from './router';

export const AGENT_FIELDS = ['id', 'host_id', 'ip', 'install_method', 'system', 'version', 'node', 'deployment', 'state', 'tenant_name'] as const;

function renderAgent(data: AgentData, tenant: string): Record<string, unknown> {
  return { id: data.id, host_id: data.host_id, ip: data.ip, install_method: data.install_method, system: data.system, version: data.version, node: data.node, deployment: data.deployment, state: data.state, tenant_name: tenant };
}

function listQuery(request: ApiRequest, name: string): string[] | undefined {
  const values = (request.query[name] ?? []).flatMap((raw) => raw.split(',')).map((value) => value.trim()).filter(Boolean);
  return values.length ? values : undefined;
}

/** The URLs an agent uses: the configured ones, else derived from the request (local runtime). */
function managerUrls(services: ApiServices, request: ApiRequest): { manager: string; ws: string } {
  const info = services.manager as { restUrl?: string; wsUrl?: string };
  const proto = request.headers['x-forwarded-proto'] ?? 'http';
  const manager = (info.restUrl ?? `${proto}://${request.headers.host ?? services.manager.host}`).replace(/\/+$/, '');
  const ws = info.wsUrl ?? `${manager.replace(/^http/, 'ws')}/ws`;
  return { manager, ws };
}

const PACKAGE_PATH = AGENT_PACKAGE_PATH;
const INSTALL_SCRIPT_PATH = '/api/v3.1/agents/install-script';

export function agentRoutes(services: ApiServices, gateway?: ConnectionGateway): Route[] {
  const { auth, store } = services;
  const packages = services.deps.agentPackage;
  return [
    {
      method: 'GET',
      pattern: PACKAGE_PATH,
      handler: async () => {
        const found = await packages?.get();
        if (!found) return errorResponse(404, 'not_found_error', 'No agent package is published on this manager (docs/agent.md)');
        if ('redirect' in found) return { statusCode: 302, headers: { location: found.redirect, 'cache-control': 'no-store' } };
        return { statusCode: 200, headers: { 'content-type': 'application/javascript', 'content-disposition': 'attachment; filename="stratus-agent.js"', 'cache-control': 'no-store' }, body: found.body };
      },
    },
    {
      method: 'GET',
      pattern: INSTALL_SCRIPT_PATH,
      handler: async (request) => {
        if (!packages) return errorResponse(404, 'not_found_error', 'No agent package is published on this manager (docs/agent.md)');
        const urls = managerUrls(services, request);
        return { statusCode: 200, headers: { 'content-type': 'text/x-shellscript; charset=utf-8', 'cache-control': 'no-store' }, body: installScript({ manager: urls.manager, ws: urls.ws, package: `${urls.manager}${PACKAGE_PATH}` }) };
      },
    },
    {
      method: 'GET',
      pattern: '/api/v3.1/agents',
      handler: secured(auth, async (request, caller) => {
        const filters = {
          deployment: listQuery(request, 'deployment_id'),
          node: listQuery(request, 'node_ids'),
          host_id: listQuery(request, 'node_instance_ids'),
          install_method: listQuery(request, 'install_methods'),
          state: listQuery(request, 'state'),
        };
        const parent = filters.deployment?.length === 1 ? filters.deployment[0] : undefined;
        const entities = await store.all<AgentData>({ tenant: caller.tenant, kind: KINDS.agent, ...(parent ? { parent } : {}) });
        const items = entities
          .map((entity) => renderAgent(entity.data, entity.tenant))
          .filter((item) => Object.entries(filters).every(([field, allowed]) => !allowed || allowed.includes(String(item[field]))));
        return listResponse(items, items.length, items.length, 0);
      }),
    },
    {
      method: 'POST',
      pattern: '/api/v3.1/agents/{node_instance_id}/credentials',
      handler: secured(auth, async (request, caller) => {
        const minted = await mintAgentCredential(store, caller.tenant, request.params.node_instance_id, services.now());
        // Rotation: an agent still connected with the old token is disconnected now (its reconnect
        // is refused) rather than acting until its next connect.
        const previous = minted.agent.data.connection_id;
        const closer = gateway ?? services.deps.connections;
        if (previous && closer) await closer.close(previous);
        const urls = managerUrls(services, request);
        return jsonResponse(200, {
          token: minted.token,
          manager_url: urls.manager,
          ws_url: urls.ws,
          // The script reads the token from the environment: it is never part of a URL.
          install_script_url: packages ? `${urls.manager}${INSTALL_SCRIPT_PATH}` : null,
          agent: renderAgent(minted.agent.data, caller.tenant),
        });
      }),
    },
    {
      method: 'DELETE',
      pattern: '/api/v3.1/agents/{node_instance_id}/credentials',
      handler: secured(auth, async (request, caller) => {
        const id = request.params.node_instance_id;
        if (!(await store.get(agentRef(caller.tenant, id)))) throw entityNotFound('Agent', id);
        const connection = await revokeAgentCredential(store, caller.tenant, id);
        const closer = gateway ?? services.deps.connections;
        // The agent is told at once: its reconnect is then refused (the credential is gone).
        if (connection && closer) await closer.close(connection);
        return jsonResponse(200, { id, revoked: true });
      }),
    },
  ];
}
