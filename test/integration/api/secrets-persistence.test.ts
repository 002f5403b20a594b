/**
 * A persistent local runtime keeps its secrets readable across a restart: the sealing key lives in
 * the data folder (`secrets.key`, 0600) beside the database, and the same admin still logs in.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startLocalRuntime } from '../../../local/runtime';
import type { LocalRuntime } from '../../../local/runtime';
import { uniqueStage } from '../../support/local-runtime';
import { DYNAMODB_ENDPOINT_VAR } from '../../support/shared-dynamodb';

let dataDir: string | undefined;
const running: LocalRuntime[] = [];
const stage = uniqueStage();

afterAll(async () => {
  await Promise.all(running.map((runtime) => runtime.stop()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<LocalRuntime> {
  // The run's shared DynamoDB Local keeps the tables between the two starts (same stage).
  const runtime = await startLocalRuntime({ port: 0, dataDir, stage, dynamoDbEndpoint: process.env[DYNAMODB_ENDPOINT_VAR], scheduleMinutes: 0, logLevel: 'SILENT' });
  running.push(runtime);
  return runtime;
}

function auth(runtime: LocalRuntime): string {
  return `Basic ${Buffer.from(`${runtime.admin.username}:${runtime.admin.password}`).toString('base64')}`;
}

describe('secrets across a restart', () => {
  it('opens secrets sealed before the restart', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'stratus-secrets-'));
    const first = await start();
    const put = await fetch(`${first.restUrl}/api/v3.1/secrets/kept`, {
      method: 'PUT',
      headers: { authorization: auth(first), 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'survives restarts' }),
    });
    expect(put.status).toBe(200);
    expect((await stat(path.join(dataDir, 'secrets.key'))).mode & 0o777).toBe(0o600);
    await first.stop();

    const second = await start();
    const got = await fetch(`${second.restUrl}/api/v3.1/secrets/kept`, { headers: { authorization: auth(second) } });
    expect(got.status).toBe(200);
    expect(((await got.json()) as { value: string }).value).toBe('survives restarts');
  });
});
