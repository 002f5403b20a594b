/**
 * Builds the CDK app: settings from the context, the Stratus stack, and the cdk-nag rule packs
 * (AwsSolutions and Serverless) that every synth runs. bin/stratus.ts and the tests both use it.
 */
import { App, Validations } from 'aws-cdk-lib';
import type { AppProps, Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { settingsFromNode } from './settings';
import { StratusStack } from './stratus-stack';

export interface StratusAppOptions extends AppProps {
  /** @default the directory above lib/ */
  projectRoot?: string;
  /** Run the cdk-nag packs on synth. Only tests that look at something else turn this off. @default true */
  nagChecks?: boolean;
  /** Account and region. @default what the CLI knows (CDK_DEFAULT_ACCOUNT/REGION), else environment-agnostic */
  env?: Environment;
}

export function createStratusApp(options: StratusAppOptions = {}): { app: App; stack: StratusStack } {
  const { projectRoot, nagChecks = true, env, ...appProps } = options;
  const app = new App(appProps);
  const settings = settingsFromNode(app.node);
  const stack = new StratusStack(app, `stratus-${settings.stage}`, {
    settings,
    projectRoot,
    description: `Stratus cloud application manager (stage ${settings.stage})`,
    // Environment-agnostic unless the CLI knows the account/region: synth never looks anything up.
    env: env ?? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  if (nagChecks) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}
