// Jest loads global setup outside its ESM transform (as CommonJS), which cannot work in this
// "type": "module" package; this plain ESM shim loads the TypeScript setup through tsx instead.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup(globalConfig, projectConfig) {
  const { default: setup } = await tsImport('./global-setup.ts', import.meta.url);
  await setup(globalConfig, projectConfig);
}
