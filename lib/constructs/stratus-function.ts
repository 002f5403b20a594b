/**
 * One Stratus Lambda function, built from its FUNCTIONS definition.
 *
 * Defaults: Node.js 22 on arm64, the bundle built locally by esbuild (no Docker) as an ESM file
 * targeting node22 with source maps, explicit memory and timeout, its own IAM role with nothing but
 * the permission to write its log group (callers grant the rest), JSON logs into a log group with
 * retention, X-Ray active tracing, and the Powertools environment.
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BundlingOptions, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionDefinition } from '../../src/config/resources';
import { acknowledgeWildcardResource } from '../nag';

export interface StratusFunctionProps {
  definition: FunctionDefinition;
  functionName: string;
  /** Directory holding package.json, package-lock.json and the entry files. */
  projectRoot: string;
  /** CloudWatch metrics namespace for Powertools metrics. */
  metricsNamespace: string;
  /** @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
  /** Log group removal policy. @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
  /** @default 'INFO' */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Environment besides the Powertools variables. */
  environment?: Record<string, string>;
  /** Overrides of the bundling defaults. */
  bundling?: Partial<BundlingOptions>;
  /** Overrides of any other default (e.g. architecture, deadLetterQueue). */
  functionOverrides?: Partial<NodejsFunctionProps>;
}

/**
 * esbuild's ESM output has no `require`; CommonJS dependencies bundled into it (parts of the AWS SDK
 * and X-Ray) still call it, so the bundle defines one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __stratusCreateRequire } from 'node:module'; const require = __stratusCreateRequire(import.meta.url);";

export class StratusFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: StratusFunctionProps) {
    super(scope, id);
    const def = props.definition;
    const logLevel = props.logLevel ?? 'INFO';
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Stratus ${def.id}: ${def.description}`,
    });
    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: def.description,
      entry: path.join(props.projectRoot, def.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: def.memoryMb,
      timeout: Duration.seconds(def.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: `stratus-${def.id}`,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: logLevel,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Bundle the SDK clients the code was tested with instead of the runtime's copy.
        bundleAwsSDK: true,
        logLevel: LogLevel.WARNING,
        ...props.bundling,
      },
      ...props.functionOverrides,
    });
    this.acknowledgeDesignChoices();
  }

  private acknowledgeDesignChoices(): void {
    if (this.function.runtime === Runtime.NODEJS_22_X) {
      const reason =
        'Stratus targets Node.js 22 on Lambda by decision (issue 2): middy 6 and Powertools 2.35 are tested on it and it is ' +
        'supported until 2027-04-30; moving to a newer runtime is a deliberate upgrade, not a default.';
      Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason });
      Validations.of(this.function).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason });
    }
    // Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level permissions.
    acknowledgeWildcardResource(
      this.role,
      '*',
      'Only the X-Ray actions of active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) use "*": X-Ray supports no resource-level permissions for them.',
    );
  }

  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
