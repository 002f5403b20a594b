/**
 * The OpenSearch domain for events and logs: encryption, TLS, IAM-only access, logs, size presets.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EventsDomain, OPENSEARCH_ACTIONS } from '../../lib/constructs/events-domain';
import { acknowledgeWildcardResource } from '../../lib/nag';
import type { OpenSearchSize } from '../../lib/settings';
import { FUNCTIONS } from '../../src/config/resources';
import type { FunctionId } from '../../src/config/resources';
import type { Json, Synthesized } from './support/synth';
import { logicalIdOf, referencedIds, synthApp, synthStratus, withTempDir } from './support/synth';

let synth: Synthesized;
let domain: Json;
beforeAll(() => {
  synth = synthStratus();
  domain = synth.json.Resources[logicalIdOf(synth.stack, synth.stack.events.domain)];
});

describe('OpenSearch events domain (default stack)', () => {
  it('encrypts at rest and between nodes, and accepts only HTTPS with TLS 1.2 or later', () => {
    expect(domain.Properties).toMatchObject({
      DomainName: 'stratus-dev-events',
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
    });
    expect(domain.Properties.EngineVersion).toMatch(/^OpenSearch_/);
  });

  it('is small by default: one t3.small.search node with 10 GB gp3, no zone awareness', () => {
    expect(domain.Properties.ClusterConfig).toMatchObject({
      InstanceCount: 1,
      InstanceType: 't3.small.search',
      ZoneAwarenessEnabled: false,
      DedicatedMasterEnabled: false,
    });
    expect(domain.Properties.EBSOptions).toEqual({ EBSEnabled: true, VolumeSize: 10, VolumeType: 'gp3' });
  });

  it('its access policy allows exactly the roles of the functions with openSearch access, nobody anonymous', () => {
    const statements = domain.Properties.AccessPolicies.Statement as Json[];
    const principals = statements.flatMap((s) => s.Principal.AWS as unknown[]);
    const expectedRoles = (Object.keys(FUNCTIONS) as FunctionId[])
      .filter((id) => 'openSearch' in FUNCTIONS[id].access)
      .map((id) => logicalIdOf(synth.stack, synth.stack.functions[id].role));
    expect(expectedRoles).toEqual(expect.arrayContaining([expect.stringMatching(/httpApi/), expect.stringMatching(/eventIndexer/)]));
    expect(principals.map((p) => [...referencedIds(p)][0]).sort()).toEqual(expectedRoles.sort());
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(JSON.stringify(statement.Principal)).not.toContain('"*"');
      expect(statement.Action).toEqual(OPENSEARCH_ACTIONS.readWrite);
      expect(JSON.stringify(statement.Resource)).toContain(':domain/stratus-dev-events/*');
    }
  });

  it('publishes slow search, slow index and error logs to log groups with retention that only this domain may write', () => {
    const options = domain.Properties.LogPublishingOptions as Record<string, Json>;
    expect(Object.keys(options).sort()).toEqual(['ES_APPLICATION_LOGS', 'INDEX_SLOW_LOGS', 'SEARCH_SLOW_LOGS']);
    const groupIds = Object.values(options).map((o) => {
      expect(o.Enabled).toBe(true);
      return [...referencedIds(o.CloudWatchLogsLogGroupArn)][0];
    });
    for (const id of groupIds) expect(synth.json.Resources[id].Properties.RetentionInDays).toBe(30);
    const [policyId, policy] = Object.entries(synth.json.Resources as Record<string, Json>).find(([, r]) => r.Type === 'AWS::Logs::ResourcePolicy')!;
    const document = JSON.parse(JSON.stringify(policy.Properties.PolicyDocument)) as unknown;
    const text = JSON.stringify(document);
    expect(text).toContain('es.amazonaws.com');
    expect(text).toContain('aws:SourceArn');
    expect([...referencedIds(document)].sort()).toEqual(expect.arrayContaining(groupIds.sort()));
    expect(domain.DependsOn).toContain(policyId);
  });

  it('hands its HTTPS endpoint to the functions that may use it, and only to them', () => {
    for (const [id, def] of Object.entries(FUNCTIONS)) {
      const fn = synth.json.Resources[logicalIdOf(synth.stack, synth.stack.functions[id as FunctionId].function)];
      const endpoint = fn.Properties.Environment.Variables.STRATUS_OPENSEARCH_ENDPOINT;
      if ('openSearch' in def.access) expect(JSON.stringify(endpoint)).toContain('https://');
      else expect(endpoint).toBeUndefined();
    }
  });
});

/** A stack holding only the domain, granted to one role, synthesized with the cdk-nag packs. */
function domainAlone(size: OpenSearchSize): { template: Template; report?: Json; domainId: string; roleId: string } {
  return withTempDir((outdir) => {
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'DomainOnly', { env: { region: 'eu-west-1' } });
    const events = new EventsDomain(stack, 'Events', { domainName: 'stratus-t-events', size });
    const role = new Role(stack, 'Reader', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    events.grant(role, 'read');
    acknowledgeWildcardResource(role, `${events.domain.domainArn}/*`, 'index paths are chosen at run time');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    const { assembly, report } = synthApp(app, outdir);
    const template = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
    return { template, report, domainId: logicalIdOf(stack, events.domain), roleId: logicalIdOf(stack, role) };
  });
}

describe('OpenSearch size presets (stratus:openSearchSize)', () => {
  it('medium: two r6g.large nodes over two zones', () => {
    const { template } = domainAlone('medium');
    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: { InstanceCount: 2, InstanceType: 'r6g.large.search', ZoneAwarenessEnabled: true, ZoneAwarenessConfig: { AvailabilityZoneCount: 2 } },
      EBSOptions: { VolumeSize: 100, VolumeType: 'gp3' },
    });
  });

  it('large: three data nodes and three dedicated masters over three zones', () => {
    const { template } = domainAlone('large');
    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: {
        InstanceCount: 3,
        ZoneAwarenessEnabled: true,
        ZoneAwarenessConfig: { AvailabilityZoneCount: 3 },
        DedicatedMasterEnabled: true,
        DedicatedMasterCount: 3,
      },
    });
  });

  it.each(['small', 'medium', 'large'] as const)('%s passes cdk-nag (acknowledging only what that size lacks)', (size) => {
    const { report } = domainAlone(size);
    const violations = (report?.pluginReports ?? []).flatMap((r: Json) => r.violations);
    expect(violations).toEqual([]);
  });

  it('a read grant allows only GET and HEAD, in the role policy and in the domain access policy', () => {
    const { template, domainId, roleId } = domainAlone('small');
    const domainArn = { 'Fn::GetAtt': [domainId, 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: ['es:ESHttpGet', 'es:ESHttpHead'], Effect: 'Allow', Resource: [domainArn, { 'Fn::Join': ['', [domainArn, '/*']] }] }],
      },
    });
    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      AccessPolicies: { Statement: [{ Action: ['es:ESHttpGet', 'es:ESHttpHead'], Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } } }] },
    });
  });
});
