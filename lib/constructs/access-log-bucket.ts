/**
 * The bucket that receives S3 server access logs of the other buckets.
 *
 * Server access logging only delivers to SSE-S3 buckets, so this one uses S3-managed keys. Public
 * access is blocked, requests must use TLS, and logs expire after `expiration` (90 days by default).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AccessLogBucketProps {
  /** @default 90 days */
  expiration?: Duration;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
}

export class AccessLogBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id);
    // Let S3 log delivery write through this bucket's policy rather than the legacy LogDeliveryWrite
    // ACL: ACLs stay disabled (bucket owner enforced).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.expiration ?? Duration.days(90) }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket itself; logging it into itself would log its own log deliveries without end.',
    });
  }
}
