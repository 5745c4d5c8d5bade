#!/usr/bin/env node
// The CLI is TypeScript, run from its sources without a build step, so the published files and the repository are
// one; load-cli.js says how it starts fast all the same.
import { loadCli } from './load-cli.js';

const { runCli } = await loadCli();
await runCli(process.argv.slice(2));
