/**
 * The agent's resilience, with real agent processes against the local runtime:
 * - the server drops the agent's connection (DELETE @connections, what API Gateway does at its
 *   2-hour limit): the agent reconnects with backoff and keeps running operations;
 * - a result the manager never acknowledged (the network goes silent right after the script ends,
 *   then the agent is killed) stays in the agent's outbox on disk and is resent by the restarted
 *   agent: the engine applies it once and the script is not run again;
 * - revoking the credential (DELETE /agents/{id}/credentials) closes the live connection and the
 *   agent's reconnects are refused; uninstall (cloudify_agent.delete of the host) does the same;
 *   rotating it disconnects the agent of the old token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoModelStore } from '../../../adapters/dynamodb/model-store';
import { ManagementApiConnectionGateway } from '../../../adapters/websocket/management-api-gateway';
import { agentRef } from '../../../src/agents/records';
import type { AgentData } from '../../../src/agents/records';
import { deploy, events, HEADER, instances, run, startHarness, waitFor, waitForEnd } from '../workflows/engine/harness';
import type { Harness } from '../workflows/engine/harness';
import { startAgentProcess } from '../../support/agent-process';
import type { AgentProcess } from '../../support/agent-process';

const TENANT = 'default_tenant';
let h: Harness;
let work: string;
let documents: DynamoDBDocumentClient;
let management: ApiGatewayManagementApiClient;
const children: ChildProcess[] = [];
const servers: net.Server[] = [];

function blueprint(script: string): string {
  return `${HEADER}
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties:
      ip: 127.0.0.1
      agent_config: {install_method: provided}
  app:
    type: cloudify.nodes.Root
    relationships: [{type: cloudify.relationships.contained_in, target: host}]
    interfaces:
      cloudify.interfaces.lifecycle:
        create:
          implementation: script.script_runner.tasks.run
          inputs:
            WORK: ${work}
            script_source: |
${script.split('\n').map((line) => `              ${line}`).join('\n')}
`;
}

function startAgent(wsUrl: string, token: string, dataDir: string): AgentProcess {
  const agent = startAgentProcess(wsUrl, token, dataDir);
  children.push(agent.child);
  return agent;
}

const count = (agent: AgentProcess, pattern: RegExp) => (agent.output.join('').match(new RegExp(pattern, 'g')) ?? []).length;

async function hostOf(deployment: string): Promise<string> {
  return (await instances(h, deployment)).find((i) => i.node_id === 'host')!.id as string;
}

async function agentData(host: string): Promise<AgentData> {
  const store = new DynamoModelStore({ client: documents, tableName: h.runtime.resources.tables.model });
  return (await store.get<AgentData>(agentRef(TENANT, host)))!.data;
}

/**
 * A TCP relay to the runtime that can go silent: while `silent`, bytes in both directions are
 * dropped and the sockets stay open (a network that stops answering, not one that closes).
 */
async function relay(port: number): Promise<{ url: string; silent: boolean }> {
  const state = { url: '', silent: false };
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    client.on('data', (d) => !state.silent && upstream.write(d));
    upstream.on('data', (d) => !state.silent && client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  return state;
}

beforeAll(async () => {
  h = await startHarness();
  work = await mkdtemp(path.join(os.tmpdir(), 'stratus-agent-resilience-'));
  const aws = h.runtime.settings.aws;
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: aws.region, credentials: aws.credentials, endpoint: h.runtime.endpoints.dynamodb }));
  management = new ApiGatewayManagementApiClient({ region: aws.region, credentials: aws.credentials, endpoint: h.runtime.wsManagementUrl });
}, 180000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const server of servers) server.close();
  documents?.destroy();
  management?.destroy();
  await h?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('agent resilience', () => {
  it('reconnects after the server drops its connection and keeps running operations', async () => {
    await deploy(h, 'dropped', blueprint('#!/bin/sh\nctx instance runtime-properties after_drop yes'));
    const host = await hostOf('dropped');
    const minted = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
    const agent = startAgent(minted.ws_url as string, minted.token as string, path.join(work, 'dropped-agent'));
    await waitFor('the agent to register', async () => (count(agent, /registered as the agent/) >= 1 ? true : undefined), 30000);
    const first = (await agentData(host)).connection_id;
    expect(first).toEqual(expect.any(String));

    await new ManagementApiConnectionGateway(management).close(first!);
    await waitFor('the agent to register again', async () => (count(agent, /registered as the agent/) >= 2 ? true : undefined), 30000);
    expect(agent.output.join('')).toMatch(/disconnected \(\d+\); reconnecting in \d+ ms/);
    const second = (await agentData(host)).connection_id;
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);

    const install = await run(h, 'dropped', 'install');
    const done = await waitForEnd(h, install.id as string, 90000);
    expect({ status: done.status, error: done.error }).toMatchObject({ status: 'terminated', error: '' });
    const app = (await instances(h, 'dropped')).find((i) => i.node_id === 'app')!;
    expect(app.runtime_properties).toMatchObject({ after_drop: 'yes' });
  }, 200000);

  it('keeps an unacknowledged result on disk and resends it after a restart; the engine applies it once', async () => {
    // The script counts its runs, says it is done, then lingers so the test can cut the network
    // before the agent sends its result.
    await deploy(h, 'outboxed', blueprint('#!/bin/sh\nctx instance runtime-properties from_outbox yes\necho run >> "$WORK/runs"\ntouch "$WORK/finishing"\nsleep 2'));
    const host = await hostOf('outboxed');
    const minted = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
    const net1 = await relay(h.runtime.port);
    const dataDir = path.join(work, 'outboxed-agent');
    const outboxDir = path.join(dataDir, 'outbox');
    const first = startAgent(net1.url, minted.token as string, dataDir);
    await waitFor('the agent to register', async () => (count(first, /registered as the agent/) >= 1 ? true : undefined), 30000);

    const install = await run(h, 'outboxed', 'install');
    await waitFor('the script to finish its work', async () => (existsSync(path.join(work, 'finishing')) ? true : undefined), 60000);
    net1.silent = true;
    const pending = await waitFor('the result in the outbox', async () => {
      const names = (await readdir(outboxDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
      return names.length ? names : undefined;
    }, 30000);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const saved = JSON.parse(await readFile(path.join(outboxDir, pending[0]), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ action: 'result', status: 'success', execution_id: install.id });
    // Not applied yet: the execution waits and the runtime properties sent with the result are absent.
    expect((await h.rest.ok('GET', `/api/v3.1/executions/${install.id}`, 200)).status).toBe('started');
    expect((await instances(h, 'outboxed')).find((i) => i.node_id === 'app')!.runtime_properties).not.toHaveProperty('from_outbox');

    const restarted = startAgent(h.runtime.wsUrl, minted.token as string, dataDir);
    const done = await waitForEnd(h, install.id as string, 90000);
    expect({ status: done.status, error: done.error, output: done.status === 'terminated' ? '' : restarted.output.join('') }).toMatchObject({ status: 'terminated', error: '' });
    const app = (await instances(h, 'outboxed')).find((i) => i.node_id === 'app')!;
    expect(app.runtime_properties).toMatchObject({ from_outbox: 'yes' });
    expect((await readFile(path.join(work, 'runs'), 'utf8')).trim().split('\n')).toEqual(['run']);
    await waitFor('the outbox to empty after the ack', async () => ((await readdir(outboxDir)).some((n) => n.endsWith('.json')) ? undefined : true), 10000);
  }, 200000);

  it('closes the live connection of a revoked credential; the agent cannot come back', async () => {
    await deploy(h, 'revoked', blueprint('#!/bin/sh\ntrue'));
    const host = await hostOf('revoked');
    const minted = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
    const agent = startAgent(minted.ws_url as string, minted.token as string, path.join(work, 'revoked-agent'));
    await waitFor('the agent to register', async () => (count(agent, /registered as the agent/) >= 1 ? true : undefined), 30000);

    expect(await h.rest.ok('DELETE', `/api/v3.1/agents/${host}/credentials`, 200)).toEqual({ id: host, revoked: true });
    await waitFor('the connection to close', async () => (count(agent, /disconnected \(\d+\)/) >= 1 ? true : undefined), 15000);
    await waitFor('the reconnect to be refused', async () => (count(agent, /the manager refused the connection: HTTP 401 \(wrong, rotated or revoked agent token\)/) >= 1 ? true : undefined), 30000);
    expect(count(agent, /registered as the agent/)).toBe(1);
    expect((await h.rest.list(`/api/v3.1/agents?node_instance_ids=${host}`)).items[0]).toMatchObject({ id: host, state: 'stopped' });
  }, 120000);

  it('uninstall revokes the host agent credential and closes its connection', async () => {
    await deploy(h, 'removed', blueprint('#!/bin/sh\nctx instance runtime-properties installed yes'));
    const host = await hostOf('removed');
    const minted = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
    const agent = startAgent(minted.ws_url as string, minted.token as string, path.join(work, 'removed-agent'));
    await waitFor('the agent to register', async () => (count(agent, /registered as the agent/) >= 1 ? true : undefined), 30000);
    const install = await run(h, 'removed', 'install');
    expect(await waitForEnd(h, install.id as string, 90000)).toMatchObject({ status: 'terminated', error: '' });

    const uninstall = await run(h, 'removed', 'uninstall');
    expect(await waitForEnd(h, uninstall.id as string, 90000)).toMatchObject({ status: 'terminated', error: '' });
    expect((await events(h, uninstall.id as string)).map((e) => e.message)).toContain(`Agent delete: the agent credential of host ${host} is revoked and its connection closed`);
    expect((await h.rest.list(`/api/v3.1/agents?node_instance_ids=${host}`)).items[0]).toMatchObject({ id: host, state: 'stopped' });
    await waitFor('the reconnect to be refused', async () => (count(agent, /the manager refused the connection: HTTP 401/) >= 1 ? true : undefined), 30000);
  }, 200000);

  it('rotating the credential disconnects the agent of the old token; the new token works', async () => {
    await deploy(h, 'rotated', blueprint('#!/bin/sh\nctx instance runtime-properties rotated yes'));
    const host = await hostOf('rotated');
    const first = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
    const old = startAgent(first.ws_url as string, first.token as string, path.join(work, 'rotated-old'));
    await waitFor('the agent to register', async () => (count(old, /registered as the agent/) >= 1 ? true : undefined), 30000);

    const second = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
    expect(second.token).not.toBe(first.token);
    await waitFor('the old agent to be refused', async () => (count(old, /the manager refused the connection: HTTP 401/) >= 1 ? true : undefined), 30000);
    old.child.kill('SIGKILL');
    const fresh = startAgent(second.ws_url as string, second.token as string, path.join(work, 'rotated-new'));
    await waitFor('the new agent to register', async () => (count(fresh, /registered as the agent/) >= 1 ? true : undefined), 30000);
    const install = await run(h, 'rotated', 'install');
    expect(await waitForEnd(h, install.id as string, 90000)).toMatchObject({ status: 'terminated', error: '' });
    expect((await instances(h, 'rotated')).find((i) => i.node_id === 'app')!.runtime_properties).toMatchObject({ rotated: 'yes' });
  }, 200000);
});
