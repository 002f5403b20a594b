/**
 * The CDK app (cdk.json "app": `npx tsx bin/stratus.ts`). Options come from the cdk.json context or
 * `-c stratus:<option>=<value>`; see docs/deploy.md.
 */
import { createStratusApp } from '../lib/app';
import { SettingsError } from '../lib/settings';

try {
  createStratusApp().app.synth();
} catch (error) {
  if (error instanceof SettingsError) {
    console.error(`Stratus: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
