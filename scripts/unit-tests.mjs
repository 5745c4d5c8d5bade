// The tests of `npm run check`: the harness project without the end-to-end ones, which run a whole CLI command,
// in a child process (`runCli` or `startCli` from test/cli/run-cli.ts; the fault proof is one of them) or in this
// one (`driftCommand(...)`). Those take minutes and are left to `npm test`. Extra arguments go to vitest (e.g. a
// file filter).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const endToEnd = readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => join('test', file).split('\\').join('/'))
  .filter((file) => /\b(runCli|startCli|[a-z]+Command)\(/.test(readFileSync(join(root, file), 'utf8')));
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = [
  'run',
  '--project',
  'harness',
  ...endToEnd.flatMap((file) => ['--exclude', file]),
  ...process.argv.slice(2),
];
const { status, signal } = spawnSync(process.execPath, [vitest, ...args], { cwd: root, stdio: 'inherit' });
process.exit(status ?? (signal ? 1 : 0));
