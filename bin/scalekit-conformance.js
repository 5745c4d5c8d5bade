#!/usr/bin/env node
// The CLI is TypeScript; tsx loads it without a build step, so the published files and the repository are one.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv.slice(2));
