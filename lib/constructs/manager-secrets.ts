/**
 * The manager's secrets: a KMS key that encrypts stored secrets (Cloudify `secrets`, agent
 * credentials) and the Secrets Manager secret holding the generated initial admin password.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface ManagerSecretsProps {
  stage: string;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
  /** @default 'admin' */
  adminUsername?: string;
}

export class ManagerSecrets extends Construct {
  readonly key: Key;
  readonly adminSecret: Secret;

  constructor(scope: Construct, id: string, props: ManagerSecretsProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.key = new Key(this, 'Key', {
      description: `Stratus ${props.stage}: encryption of stored secrets and agent credentials`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    this.adminSecret = new Secret(this, 'AdminSecret', {
      description: `Stratus ${props.stage}: initial admin credentials (change the password after the first login)`,
      encryptionKey: this.key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: props.adminUsername ?? 'admin' }),
        generateStringKey: 'password',
        passwordLength: 32,
        excludePunctuation: true,
      },
      removalPolicy,
    });
    Validations.of(this.adminSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret only bootstraps the first admin user; from then on users and their passwords live in the model table and ' +
        'are changed through the REST API (as in Cloudify), so a rotation function would rotate a value nothing reads any more.',
    });
  }
}
