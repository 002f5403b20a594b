/**
 * An S3 bucket for Stratus data.
 *
 * Defaults: SSE-S3 encryption, all public access blocked, a TLS-only bucket policy, versioning,
 * bucket-owner-enforced object ownership (no ACLs), server access logs to `accessLogsBucket`, and
 * lifecycle rules that drop noncurrent versions and abandoned multipart uploads.
 */
import type { Duration} from 'aws-cdk-lib';
import { RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { BucketProps, CorsRule, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  accessLogsBucket: IBucket;
  /** Prefix of this bucket's access logs in `accessLogsBucket`. */
  accessLogsPrefix: string;
  noncurrentVersionExpiration: Duration;
  abortIncompleteMultipartUploadAfter: Duration;
  /** Key prefixes whose current objects expire (abandoned staged uploads). @default none */
  expiringPrefixes?: { prefix: string; expiration: Duration }[];
  /** Origins allowed to PUT/GET through presigned URLs from a browser. @default no CORS */
  browserUploadOrigins?: string[];
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
  /** Overrides of the defaults above (e.g. a KMS key). */
  bucketOverrides?: Partial<BucketProps>;
}

/** CORS for presigned uploads and downloads from the web console. */
export function presignedUrlCors(origins: string[]): CorsRule[] {
  return [
    {
      allowedOrigins: origins,
      allowedMethods: [HttpMethods.GET, HttpMethods.HEAD, HttpMethods.PUT, HttpMethods.POST],
      allowedHeaders: ['*'],
      exposedHeaders: ['ETag'],
      maxAge: 3000,
    },
  ];
}

export class SecureBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsPrefix,
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration,
          abortIncompleteMultipartUploadAfter: props.abortIncompleteMultipartUploadAfter,
        },
        ...(props.expiringPrefixes ?? []).map(({ prefix, expiration }) => ({
          id: `expire-${prefix.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`,
          prefix,
          expiration,
        })),
      ],
      cors: props.browserUploadOrigins ? presignedUrlCors(props.browserUploadOrigins) : undefined,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...props.bucketOverrides,
    });
  }
}
