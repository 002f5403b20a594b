/**
 * The account-level role API Gateway uses to write REST and WebSocket API logs to CloudWatch.
 *
 * WebSocket stages cannot enable access logging until the account's API Gateway settings name such a
 * role (HTTP APIs do not need it). The setting is per account and region, shared with every other
 * REST/WebSocket API there, so the role keeps AWS's documented managed policy and both the role and
 * the setting are retained when the stack is deleted: removing them would break other APIs' logging.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export class ApiGatewayCloudWatchRole extends Construct {
  readonly role: Role;
  /** Depend on this before creating a stage with logging enabled. */
  readonly account: CfnAccount;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway account setting: writes REST and WebSocket API logs to CloudWatch Logs',
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account = new CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
    this.account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'This role is the account-wide API Gateway logging role, shared with every REST/WebSocket API in the account and region; ' +
        'AWS documents this managed policy for it, and narrowing it to Stratus log groups would break the logging of other APIs.',
    });
  }
}
