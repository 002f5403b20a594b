/**
 * The agent bundle reaches the agentPackages bucket on `cdk deploy`: a BucketDeployment of one
 * object, agent/stratus-agent.js (AGENT_BUNDLE_KEY), built with esbuild at synth from agent/, into
 * that bucket only, without pruning other objects; its provider may touch no other bucket.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AGENT_BUNDLE_KEY } from '../../src/ports/agent-package';
import type { Json, Synthesized } from './support/synth';
import { logicalIdOf, referencedIds, synthStratus } from './support/synth';

let synth: Synthesized;
let staged: string[] = [];

beforeAll(() => {
  synth = synthStratus({
    inspect: (outdir) => {
      // The bundle as CDK staged it for upload (asset.<hash>/agent/stratus-agent.js).
      staged = fs
        .readdirSync(outdir)
        .filter((name) => name.startsWith('asset.'))
        .map((name) => path.join(outdir, name, AGENT_BUNDLE_KEY))
        .filter((file) => fs.existsSync(file))
        .map((file) => fs.readFileSync(file, 'utf8'));
    },
  });
}, 120000);

describe('agent package deployment', () => {
  it('copies the bundle into the agentPackages bucket, one key, nothing pruned', () => {
    const deployments = Object.values(synth.json.Resources as Record<string, Json>).filter((r) => r.Type === 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(1);
    const props = deployments[0].Properties;
    expect(referencedIds(props.DestinationBucketName)).toEqual(new Set([logicalIdOf(synth.stack, synth.stack.buckets.agentPackages.bucket)]));
    expect(props.Prune).toBe(false);
    expect(props.RetainOnDelete).toBe(false);
    expect(props.SystemMetadata).toMatchObject({ 'content-type': 'application/javascript' });
  });

  it('stages the esbuild single-file agent, built at synth', () => {
    expect(staged).toHaveLength(1);
    expect(staged[0].startsWith('#!/usr/bin/env node\n// Stratus host agent (single file)')).toBe(true);
    expect(staged[0].length).toBeGreaterThan(50_000);
    expect(synth.stack.agentPackage.bundleBytes).toBe(Buffer.byteLength(staged[0]));
  });

  it("its provider's role reaches the agentPackages bucket and the CDK asset bucket only", () => {
    const resources = synth.json.Resources as Record<string, Json>;
    const providerRoles = new Set(
      Object.entries(resources)
        .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('CustomCDKBucketDeployment'))
        .flatMap(([, r]) => [...referencedIds(r.Properties.Role)]),
    );
    expect(providerRoles.size).toBe(1);
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && [...referencedIds(r.Properties.Roles)].some((role) => providerRoles.has(role)))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[]);
    const buckets = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([id]) => id);
    const touched = new Set(statements.flatMap((s) => [...referencedIds(s.Resource)]).filter((id) => buckets.includes(id)));
    expect(touched).toEqual(new Set([logicalIdOf(synth.stack, synth.stack.buckets.agentPackages.bucket)]));
    const literal = JSON.stringify(statements.map((s) => s.Resource));
    expect(literal).toContain('cdk-hnb659fds-assets');
  });
});
