/**
 * Agent messages over API Gateway's 128 KB, with a real agent process against the local runtime:
 * - a script writes a 200 KB runtime property: the result goes through the agentMessages bucket
 *   (ctx upload-url, presigned PUT, `payload_key`) and is applied;
 * - an operation with 2 × 70 KB inputs: its run message goes through the bucket (`payload_url`)
 *   and the script sees both inputs whole.
 * The bucket is empty afterwards (each stored message is deleted once read by the manager; the
 * manager's own are left to expire, so only the `upload-` ones are checked).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { deploy, HEADER, instances, run, startHarness, waitFor, waitForEnd } from '../workflows/engine/harness';
import type { Harness } from '../workflows/engine/harness';
import { registrations, startAgentProcess } from '../../support/agent-process';

const BIG = 200_000;
const INPUT = 70_000;
let h: Harness;
let work: string;
let s3: S3Client;
const children: ChildProcess[] = [];

// A node script (no argv limit): writes a BIG-character runtime property through the ctx proxy.
const WRITER = `#!/usr/bin/env node
const value = 'y'.repeat(${BIG});
fetch(process.env.CTX_SOCKET_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: ['instance', 'runtime-properties', 'big', value] }) })
  .then((r) => { if (!r.ok) process.exit(3); });`;

const READER = `#!/bin/sh
ctx instance runtime-properties a_length "\${#A}"
ctx instance runtime-properties b_length "\${#B}"
ctx instance runtime-properties a_tail "$(printf %s "$A" | tail -c 3)"`;

const indent = (text: string, spaces: number) => text.split('\n').map((line) => `${' '.repeat(spaces)}${line}`).join('\n');

function blueprint(): string {
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
          max_retries: 0
          inputs:
            script_source: |
${indent(WRITER, 14)}
        configure:
          implementation: script.script_runner.tasks.run
          max_retries: 0
          inputs:
            A: ${'a'.repeat(INPUT - 3)}end
            B: ${'b'.repeat(INPUT)}
            script_source: |
${indent(READER, 14)}
`;
}

beforeAll(async () => {
  h = await startHarness();
  work = await mkdtemp(path.join(os.tmpdir(), 'stratus-agent-large-'));
  const aws = h.runtime.settings.aws;
  s3 = new S3Client({ region: aws.region, credentials: aws.credentials, endpoint: h.runtime.endpoints.s3, forcePathStyle: true });
}, 180000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  s3?.destroy();
  await h?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('agent messages over 128 KB', () => {
  it('carries a 200 KB runtime property and 140 KB of inputs through the message bucket', async () => {
    await deploy(h, 'large', blueprint());
    const host = (await instances(h, 'large')).find((i) => i.node_id === 'host')!.id as string;
    const minted = await h.rest.ok('POST', `/api/v3.1/agents/${host}/credentials`, 200);
    const agent = startAgentProcess(minted.ws_url as string, minted.token as string, path.join(work, 'agent'));
    children.push(agent.child);
    await waitFor('the agent to register', async () => (registrations(agent) >= 1 ? true : undefined), 30000);

    const install = await run(h, 'large', 'install');
    const done = await waitForEnd(h, install.id as string, 120000);
    expect({ status: done.status, error: done.error, output: done.status === 'terminated' ? '' : agent.output.join('') }).toMatchObject({ status: 'terminated', error: '' });
    const app = (await instances(h, 'large')).find((i) => i.node_id === 'app')!;
    const props = app.runtime_properties as Record<string, unknown>;
    expect((props.big as string).length).toBe(BIG);
    expect(props).toMatchObject({ a_length: String(INPUT), b_length: String(INPUT), a_tail: 'end' });
    expect(agent.output.join('')).not.toMatch(/could not (send|fetch)/);

    const bucket = h.runtime.resources.buckets.agentMessages;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'messages/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    // The manager stored the run message (read by the agent, left to expire) and read and deleted the agent's upload.
    expect(keys.some((k) => /\/run-/.test(k))).toBe(true);
    expect(keys.filter((k) => /\/upload-/.test(k))).toEqual([]);
  }, 200000);
});
