/**
 * Publishes the single-file agent bundle to the agentPackages bucket on every `cdk deploy`, so
 * `GET /api/v3.1/agents/package` (a presigned URL of AGENT_BUNDLE_KEY) and the install script work
 * right after a deploy. The bundle is built with esbuild at synth time from this checkout (the same
 * build as scripts/build-agent.ts and the local runtime) and shipped as a CDK asset; CDK's
 * BucketDeployment copies it into the bucket. `prune: false`: only this one key is written, other
 * objects in the bucket are left alone.
 */
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildAgentBundleSync } from '../../scripts/build-agent';
import { AGENT_BUNDLE_KEY } from '../../src/ports/agent-package';
import { flattenReference } from '../nag';

export interface AgentPackageProps {
  bucket: IBucket;
  /** The bundle's bytes (tests pass a small one). @default built from agent/ with esbuild */
  bundle?: Buffer;
}

export class AgentPackage extends Construct {
  readonly deployment: BucketDeployment;
  readonly bundleBytes: number;

  constructor(scope: Construct, id: string, props: AgentPackageProps) {
    super(scope, id);
    const bundle = props.bundle ?? buildAgentBundleSync();
    this.bundleBytes = bundle.length;
    this.deployment = new BucketDeployment(this, 'Deployment', {
      sources: [Source.data(AGENT_BUNDLE_KEY, bundle.toString('utf8'))],
      destinationBucket: props.bucket,
      prune: false,
      retainOnDelete: false,
      contentType: 'application/javascript',
      memoryLimit: 256,
    });
  }
}

/**
 * The account and region in the name of CDK's bootstrap asset bucket as cdk-nag prints it: the
 * stack's own when known (`cdk synth` with a configured region or credentials), else the pseudo
 * parameters of an environment-agnostic stack.
 */
function assetBucketEnv(stack: Stack): string {
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  return `${account}-${region}`;
}

/**
 * cdk-nag findings of CDK's BucketDeployment provider (a singleton Lambda function and role that
 * CDK generates; its code and policy are not ours to change), acknowledged one by one with reasons.
 * Its S3 grants cover only the CDK asset bucket (read) and the agentPackages bucket (the copy).
 */
export function acknowledgeBucketDeploymentProvider(scope: Construct, agentPackagesBucket: IBucket): void {
  const stack = Stack.of(scope);
  const deployBucket = `Resource::${flattenReference(stack.resolve(agentPackagesBucket.bucketArn))}/*`;
  const copy = 'CDK BucketDeployment provider (copies the agent bundle into the agentPackages bucket during cdk deploy; CDK writes this policy)';
  for (const child of scope.node.findAll()) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    Validations.of(child).acknowledge(
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: `${copy}: the managed policy only lets it write its own CloudWatch Logs` },
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: `${copy}: reads the bundle asset (object-level read actions of the two buckets below only)` },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: `${copy}: reads bucket metadata of the asset and agentPackages buckets only` },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: `${copy}: lists the asset and agentPackages buckets only (the sync compares keys)` },
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: `${copy}: may delete in the agentPackages bucket only; prune is off, so it overwrites only agent/stratus-agent.js` },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: `${copy}: aborts its own multipart uploads into the agentPackages bucket` },
      { id: `AwsSolutions-IAM5[${deployBucket}]`, reason: `${copy}: objects of the agentPackages bucket, the deployment's destination` },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${assetBucketEnv(stack)}/*]`, reason: `${copy}: objects of the CDK bootstrap asset bucket, where the bundle asset is staged (read only)` },
      { id: 'AwsSolutions-L1', reason: `${copy}: its runtime is chosen by aws-cdk-lib and moves with CDK upgrades` },
      { id: 'Serverless-LambdaLatestVersion', reason: `${copy}: its runtime is chosen by aws-cdk-lib and moves with CDK upgrades` },
      { id: 'Serverless-LambdaTracing', reason: `${copy}: a deploy-time copy of one file, not a request path worth tracing` },
      { id: 'Serverless-LambdaDLQ', reason: `${copy}: invoked synchronously by CloudFormation, which reports a failure as a failed deployment` },
    );
  }
}
