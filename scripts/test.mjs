// `npm test` after the lint: the type-check beside the tests instead of before them. tsc keeps one core busy for
// about 8 s, a stretch in which vitest would otherwise not have started; side by side it fills the moments the tests
// leave a core idle. Type errors are printed as soon as tsc finishes (the tests go on) and fail the run; they are
// also written to reports/typecheck.json, so the closing CI line counts them (scripts/ci-summary.mjs). Extra
// arguments go to vitest.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (path) => join(root, 'node_modules', path);

function run(args, options) {
  const child = spawn(process.execPath, args, { cwd: root, ...options });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

let typeErrors = '';
const tsc = spawn(process.execPath, [bin('typescript/bin/tsc'), '--noEmit', '--pretty'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
});
tsc.stdout.on('data', (chunk) => {
  typeErrors += chunk;
});
tsc.stderr.on('data', (chunk) => {
  typeErrors += chunk;
});
const typecheck = new Promise((resolve) => {
  tsc.on('close', (code) => resolve(code ?? 1));
  tsc.on('error', (error) => {
    typeErrors += String(error);
    resolve(1);
  });
}).then((code) => {
  mkdirSync(join(root, 'reports'), { recursive: true });
  writeFileSync(join(root, 'reports', 'typecheck.json'), `${JSON.stringify({ passed: code === 0 })}\n`);
  if (code !== 0) process.stderr.write(`\ntsc --noEmit failed (the tests go on; the run will fail):\n${typeErrors}\n`);
  return code;
});

const vitest = await run(
  [bin('vitest/vitest.mjs'), 'run', '--project', 'harness', '--project', 'suites:in-process', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
const types = await typecheck;
if (types !== 0) process.stderr.write('tsc --noEmit failed: the type errors are printed above\n');
process.exit(vitest !== 0 ? vitest : types);
