import { describe, expect, it } from '@jest/globals';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { createStratusApp } from '../../lib/app';
import { CONTEXT_KEYS, SettingsError, settingsFromContext } from '../../lib/settings';
import { cdkJsonContext, withTempDir } from './support/synth';

const valid = { 'stratus:stage': 'dev', 'stratus:openSearchSize': 'small', 'stratus:logRetentionDays': 30, 'stratus:removalPolicy': 'retain' };

function errorFor(context: Record<string, unknown>): string {
  try {
    settingsFromContext(context);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(context)}`);
}

describe('deployment settings from the CDK context', () => {
  it('reads the defaults in cdk.json', () => {
    const settings = settingsFromContext(cdkJsonContext());
    expect(settings).toEqual({
      stage: 'dev',
      openSearchSize: 'small',
      logRetention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
      corsAllowedOrigins: ['*'],
      alarmTopicArn: undefined,
    });
  });

  it('accepts the strings `cdk -c key=value` passes', () => {
    const settings = settingsFromContext({
      'stratus:stage': 'prod-eu',
      'stratus:openSearchSize': 'large',
      'stratus:logRetentionDays': '365',
      'stratus:removalPolicy': 'destroy',
      'stratus:corsAllowedOrigins': 'https://console.example.com, https://ops.example.com',
      'stratus:alarmTopicArn': 'arn:aws:sns:eu-west-1:123456789012:ops-alarms',
    });
    expect(settings.stage).toBe('prod-eu');
    expect(settings.openSearchSize).toBe('large');
    expect(settings.logRetention).toBe(RetentionDays.ONE_YEAR);
    expect(settings.removalPolicy).toBe(RemovalPolicy.DESTROY);
    expect(settings.corsAllowedOrigins).toEqual(['https://console.example.com', 'https://ops.example.com']);
    expect(settings.alarmTopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:ops-alarms');
  });

  it.each([
    [{ 'stratus:stage': undefined }, /stratus:stage must be 1 to 13 characters.*got undefined/],
    [{ 'stratus:stage': 'Dev' }, /stratus:stage .*got "Dev"/],
    [{ 'stratus:stage': 'dev-' }, /not ending with a hyphen/],
    [{ 'stratus:stage': 'a-very-long-stage' }, /limited to 28 characters.*got "a-very-long-stage"/],
    [{ 'stratus:stage': 'dev_1' }, /stratus:stage/],
    [{ 'stratus:openSearchSize': 'huge' }, /stratus:openSearchSize must be one of small, medium, large; got "huge"/],
    [{ 'stratus:logRetentionDays': 31 }, /stratus:logRetentionDays must be a number of days CloudWatch Logs accepts \(1, 3, 5, .*\); got 31/],
    [{ 'stratus:logRetentionDays': 'thirty' }, /got "thirty"/],
    [{ 'stratus:removalPolicy': 'delete' }, /stratus:removalPolicy must be "retain" or "destroy"; got "delete"/],
    [{ 'stratus:corsAllowedOrigins': 'console.example.com' }, /stratus:corsAllowedOrigins must be "\*" or origins/],
    [{ 'stratus:alarmTopicArn': 'ops-alarms' }, /stratus:alarmTopicArn must be an SNS topic ARN; got "ops-alarms"/],
  ])('refuses %j with a message naming the key, the value and what is allowed', (override, message) => {
    expect(errorFor({ ...valid, ...override })).toMatch(message);
  });

  it('stops the app before any resource is built', () => {
    withTempDir((outdir) => {
      expect(() => createStratusApp({ outdir, context: { ...cdkJsonContext(), [CONTEXT_KEYS.removalPolicy]: 'sometimes' } })).toThrow(SettingsError);
    });
  });

  it('names the stack after the stage', () => {
    withTempDir((outdir) => {
      const { stack } = createStratusApp({ outdir, nagChecks: false, context: { ...cdkJsonContext(), 'stratus:stage': 'qa', 'aws:cdk:bundling-stacks': [] } });
      expect(stack.stackName).toBe('stratus-qa');
    });
  });
});
