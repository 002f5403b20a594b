#!/usr/bin/env node
// The Stratus host agent, run from a checkout through tsx: `node agent/bin.mjs --manager URL --token T`.
// Real hosts get the single-file bundle instead (docs/agent.md).
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('./main.ts', import.meta.url);
process.exitCode = await main(process.argv);
