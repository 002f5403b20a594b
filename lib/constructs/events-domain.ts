/**
 * The OpenSearch domain that stores events and logs.
 *
 * Defaults: encryption at rest, node-to-node encryption, HTTPS only with TLS 1.2 at least, slow
 * search/index logs and error logs in CloudWatch (with retention), and an IAM-based access policy that
 * names each granted role with exactly its actions: no anonymous access, SigV4-signed requests only.
 * Sizes come as presets (`small` one burstable node; `medium`/`large` spread over zones).
 */
import { Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { EbsDeviceVolumeType } from 'aws-cdk-lib/aws-ec2';
import { ArnPrincipal, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { LogGroup, ResourcePolicy, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Domain, EngineVersion, TLSSecurityPolicy } from 'aws-cdk-lib/aws-opensearchservice';
import type { CapacityConfig, CfnDomain, EbsOptions, ZoneAwarenessConfig } from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import type { Access } from '../../src/config/resources';
import type { OpenSearchSize } from '../settings';

export interface DomainSizePreset {
  capacity: CapacityConfig;
  ebs: EbsOptions;
  zoneAwareness: ZoneAwarenessConfig;
}

export const OPENSEARCH_PRESETS: Record<OpenSearchSize, DomainSizePreset> = {
  /** Trying Stratus, development: one burstable node, 10 GB. */
  small: {
    capacity: { dataNodes: 1, dataNodeInstanceType: 't3.small.search', multiAzWithStandbyEnabled: false },
    ebs: { volumeSize: 10, volumeType: EbsDeviceVolumeType.GP3 },
    zoneAwareness: { enabled: false },
  },
  /** A team's manager: two memory-optimized nodes in two zones. */
  medium: {
    capacity: { dataNodes: 2, dataNodeInstanceType: 'r6g.large.search', multiAzWithStandbyEnabled: false },
    ebs: { volumeSize: 100, volumeType: EbsDeviceVolumeType.GP3 },
    zoneAwareness: { enabled: true, availabilityZoneCount: 2 },
  },
  /** Production at scale: three data nodes and three dedicated masters over three zones. */
  large: {
    capacity: {
      dataNodes: 3,
      dataNodeInstanceType: 'r6g.xlarge.search',
      masterNodes: 3,
      masterNodeInstanceType: 'm6g.large.search',
      multiAzWithStandbyEnabled: false,
    },
    ebs: { volumeSize: 500, volumeType: EbsDeviceVolumeType.GP3 },
    zoneAwareness: { enabled: true, availabilityZoneCount: 3 },
  },
};

/** HTTP actions per access level (OpenSearch authorizes by HTTP method). */
export const OPENSEARCH_ACTIONS: Record<Access, string[]> = {
  read: ['es:ESHttpGet', 'es:ESHttpHead'],
  readWrite: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete', 'es:ESHttpPatch'],
};

export interface EventsDomainProps {
  /** 3 to 28 lowercase characters; fixed so the access policy can name the domain's own ARN. */
  domainName: string;
  /** @default 'small' */
  size?: OpenSearchSize;
  /** @default OpenSearch 2.19 */
  version?: EngineVersion;
  /** @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
}

export class EventsDomain extends Construct {
  readonly domain: Domain;
  /** `https://{domain endpoint}` */
  readonly endpointUrl: string;
  readonly size: OpenSearchSize;
  private readonly grants: { role: IRole; access: Access }[] = [];
  private readonly domainName: string;

  constructor(scope: Construct, id: string, props: EventsDomainProps) {
    super(scope, id);
    this.size = props.size ?? 'small';
    this.domainName = props.domainName;
    const preset = OPENSEARCH_PRESETS[this.size];
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logGroup = (name: string) =>
      new LogGroup(this, name, { retention: props.logRetention ?? RetentionDays.ONE_MONTH, removalPolicy });
    const slowSearchLogGroup = logGroup('SlowSearchLogs');
    const slowIndexLogGroup = logGroup('SlowIndexLogs');
    const appLogGroup = logGroup('AppLogs');
    const logsPolicy = this.logsResourcePolicy([slowSearchLogGroup, slowIndexLogGroup, appLogGroup]);

    this.domain = new Domain(this, 'Domain', {
      domainName: props.domainName,
      version: props.version ?? EngineVersion.OPENSEARCH_2_19,
      capacity: preset.capacity,
      ebs: preset.ebs,
      zoneAwareness: preset.zoneAwareness,
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: TLSSecurityPolicy.TLS_1_2,
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup,
        slowIndexLogEnabled: true,
        slowIndexLogGroup,
        appLogEnabled: true,
        appLogGroup,
      },
      // The resource policy above replaces the custom resource the L2 would add for it.
      suppressLogsResourcePolicy: true,
      enableVersionUpgrade: true,
      removalPolicy,
    });
    this.domain.node.addDependency(logsPolicy);
    // Set on the L1 (the L2's accessPolicies prop adds a custom-resource Lambda to apply it).
    (this.domain.node.defaultChild as CfnDomain).accessPolicies = Lazy.any({ produce: () => this.accessPolicy() });
    this.endpointUrl = `https://${this.domain.domainEndpoint}`;
    this.acknowledgeDesignChoices(preset);
  }

  private acknowledgeDesignChoices(preset: DomainSizePreset): void {
    const ack = (id: string, reason: string) => Validations.of(this.domain).acknowledge({ id, reason });
    ack(
      'AwsSolutions-OS1',
      'The Lambda functions that use the domain run outside a VPC (no VPC, no NAT to pay for or manage); access is controlled ' +
        'by IAM instead: the access policy names only the granted function roles and every request must be SigV4-signed over TLS 1.2+.',
    );
    ack(
      'AwsSolutions-OS3',
      'Clients are Lambda functions without fixed IP addresses, so an IP allowlist cannot describe them; the access policy ' +
        'allows only the granted IAM roles instead.',
    );
    if (!preset.capacity.masterNodes) {
      ack('AwsSolutions-OS4', `The "${this.size}" size trades dedicated master nodes for cost; the "large" size has three.`);
    }
    if (!preset.zoneAwareness.enabled) {
      ack('AwsSolutions-OS7', `The "${this.size}" size is a single node, which cannot spread over zones; "medium" and "large" are zone aware.`);
    }
  }

  /** Lets `role` send requests of `access` level: an identity policy and a line in the domain's access policy. */
  grant(role: IRole, access: Access): void {
    this.grants.push({ role, access });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: OPENSEARCH_ACTIONS[access], resources: [this.domain.domainArn, `${this.domain.domainArn}/*`] }),
    );
  }

  /** The domain's ARN built from its name: the domain's own access policy cannot reference its attributes. */
  private ownArn(suffix: string): string {
    return Stack.of(this).formatArn({ service: 'es', resource: 'domain', resourceName: `${this.domainName}${suffix}` });
  }

  /** One statement per access level, naming the granted roles; none at all until something is granted. */
  private accessPolicy(): unknown {
    const statements = (['read', 'readWrite'] as Access[]).flatMap((access) => {
      const roles = this.grants.filter((g) => g.access === access).map((g) => new ArnPrincipal(g.role.roleArn));
      if (roles.length === 0) return [];
      return [new PolicyStatement({ principals: roles, actions: OPENSEARCH_ACTIONS[access], resources: [this.ownArn('/*')] })];
    });
    return new PolicyDocument({ statements }).toJSON();
  }

  /** Lets the OpenSearch service (for this domain only) write into the log groups. */
  private logsResourcePolicy(logGroups: LogGroup[]): ResourcePolicy {
    const stack = Stack.of(this);
    return new ResourcePolicy(this, 'LogsResourcePolicy', {
      resourcePolicyName: `${this.domainName}-logs`,
      policyStatements: [
        new PolicyStatement({
          principals: [new ServicePrincipal('es.amazonaws.com')],
          actions: ['logs:PutLogEvents', 'logs:CreateLogStream'],
          resources: logGroups.map((lg) => lg.logGroupArn),
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': this.ownArn('') },
          },
        }),
      ],
    });
  }
}
