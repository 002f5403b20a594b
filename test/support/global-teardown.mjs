// See global-setup.mjs: loads the TypeScript teardown through tsx.
import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown(globalConfig, projectConfig) {
  const { default: teardown } = await tsImport('./global-teardown.ts', import.meta.url);
  await teardown(globalConfig, projectConfig);
}
