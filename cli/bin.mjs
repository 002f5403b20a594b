#!/usr/bin/env node
// The `stratus` command. It runs the TypeScript sources directly through tsx, so a checkout
// needs no build step: `npx stratus --help`.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('./main.ts', import.meta.url);
process.exitCode = await main(process.argv);
