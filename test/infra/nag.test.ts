/**
 * cdk-nag (AwsSolutions and Serverless packs) and CDK's built-in template validation run on the whole
 * app, as `npx cdk synth` runs them: nothing may be reported, and every acknowledgment says why.
 */
import { describe, expect, it } from '@jest/globals';
import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import type { Json, Synthesized } from './support/synth';
import { synthStratus } from './support/synth';

/** Violations of every validation plugin (cdk-nag packs and the built-in CloudFormation checks). */
function violations(synth: Synthesized): { plugin: string; rule: string; severity: string; paths: string[] }[] {
  return (synth.report?.pluginReports ?? []).flatMap((plugin: Json) =>
    (plugin.violations as Json[]).map((v) => ({
      plugin: plugin.pluginName,
      rule: v.ruleName,
      severity: v.severity,
      paths: (v.violatingConstructs ?? v.violatingResources ?? []).map((c: Json) => c.constructPath),
    })),
  );
}

function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason }))),
  );
}

/** Every resource dependency (Ref, GetAtt, DependsOn) leads somewhere without coming back. */
function findCycle(template: Json): string[] | undefined {
  const resources = template.Resources as Record<string, Json>;
  const edges = new Map<string, Set<string>>();
  const collect = (value: unknown, into: Set<string>) => {
    if (Array.isArray(value)) value.forEach((v) => collect(v, into));
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'Ref' && typeof v === 'string') into.add(v);
        else if (key === 'Fn::GetAtt') into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
        else collect(v, into);
      }
    }
  };
  for (const [id, resource] of Object.entries(resources)) {
    const targets = new Set<string>();
    collect(resource.Properties, targets);
    for (const dep of [resource.DependsOn ?? []].flat()) targets.add(dep);
    edges.set(id, new Set([...targets].filter((t) => t in resources)));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    state.set(id, 'visiting');
    for (const next of edges.get(id) ?? []) {
      if (state.get(next) === 'visiting') return [...path, next];
      if (!state.has(next)) {
        const cycle = visit(next, [...path, next]);
        if (cycle) return cycle;
      }
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    if (!state.has(id)) {
      const cycle = visit(id, [id]);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

describe.each([
  ['the cdk.json defaults', {}, true, { stage: 'dev', dataNodes: 1, deletion: 'Retain' }],
  [
    'a large production stage destroyed on delete',
    { 'stratus:stage': 'prod', 'stratus:openSearchSize': 'large', 'stratus:removalPolicy': 'destroy' },
    false,
    { stage: 'prod', dataNodes: 3, deletion: 'Delete' },
  ],
])('validation of %s', (_label, context, cfnValidation, expected) => {
  let synth: Synthesized;
  it(`synthesizes with cdk-nag${cfnValidation ? ' and the built-in template checks' : ''}, which report nothing`, () => {
    synth = synthStratus({ context, nag: true, cfnValidation });
    expect(violations(synth)).toEqual([]);
    expect(synth.messages.filter((m) => m.level !== 'info')).toEqual([]);
  });

  it('every acknowledgment names a rule of the two packs and gives a specific written reason', () => {
    const acks = acknowledgments(synth.stack);
    expect(acks.length).toBeGreaterThan(10);
    for (const ack of acks) {
      // Core records ids of packs it does not know under the `Annotation::` namespace.
      expect(ack.id).toMatch(/^(Annotation::)?(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThanOrEqual(60);
    }
    // Wildcards are acknowledged one finding at a time, never for a whole rule.
    expect(acks.filter((a) => /AwsSolutions-IAM5$/.test(a.id))).toEqual([]);
  });

  it('was built from these settings', () => {
    const domain = Object.values(synth.json.Resources as Record<string, Json>).find((r) => r.Type === 'AWS::OpenSearchService::Domain')!;
    expect(domain.Properties.DomainName).toBe(`stratus-${expected.stage}-events`);
    expect(domain.Properties.ClusterConfig.InstanceCount).toBe(expected.dataNodes);
    expect(domain.DeletionPolicy).toBe(expected.deletion);
  });

  it('the template has no dependency cycle (CloudFormation would refuse it)', () => {
    expect(findCycle(synth.json)).toBeUndefined();
  });
});

describe('the validation is not toothless', () => {
  it('is clean for a stack with a concrete account and region too (what `cdk synth` builds with a configured region)', () => {
    for (const env of [{ region: 'us-east-1' }, { account: '123456789012', region: 'eu-west-1' }]) {
      expect({ env, violations: violations(synthStratus({ nag: true, env })) }).toEqual({ env, violations: [] });
    }
  });

  it('fails the synth on a finding nobody acknowledged', () => {
    let error: unknown;
    try {
      synthStratus({ nag: true, beforeSynth: (stack) => void new Queue(stack, 'BareQueue') });
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/AwsSolutions-SQS3/);
    expect(String(error)).toMatch(/AwsSolutions-SQS4/);
    expect(String(error)).toMatch(/stratus-dev\/BareQueue/);
  });
});
