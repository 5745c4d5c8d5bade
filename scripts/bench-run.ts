// Where a full offline run's time goes: `npm run bench:run` (also part of `npm run bench`). Not a test: it runs
// `scalekit-conformance run` against the embedded mock three times, as a user would (a process each, from the
// package's bin), with SCALEKIT_CONFORMANCE_PHASES set (src/cli/phases.ts), and prints each step's share of the
// median run and the suite files' import and test time, so the next change to the run can be judged by it. Then
// the run with every property at 2× and 4× its cases (`--runs`): a step may cost at most twice the one before.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PhaseRecord } from '../src/cli/phases.js';
import { packageRoot } from '../src/version.js';

const runs = 3;
const dir = mkdtempSync(join(tmpdir(), 'skc-bench-run-'));

/** One `run --seed 1` (with `extra` flags) in a process of its own, its phases and its wall time. */
function timedRun(name: string, extra: string[] = []): PhaseRecord & { wallMs: number } {
  const path = join(dir, `phases-${name}.json`);
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [join(packageRoot, 'bin', 'scalekit-conformance.js'), 'run', '--seed', '1', ...extra],
    { cwd: packageRoot, env: { ...process.env, SCALEKIT_CONFORMANCE_PHASES: path }, encoding: 'utf8' },
  );
  const wallMs = performance.now() - started;
  if (run.status !== 0) {
    console.error(`run ${name} exited ${run.status}: ${run.stderr || run.stdout.slice(-2000)}`);
    process.exit(1);
  }
  return { ...(JSON.parse(readFileSync(path, 'utf8')) as PhaseRecord), wallMs };
}

const records: (PhaseRecord & { wallMs: number })[] = [];
const scaled: { factor: number; record: PhaseRecord & { wallMs: number } }[] = [];
try {
  for (let n = 0; n < runs; n += 1) records.push(timedRun(String(n)));
  for (const factor of [2, 4]) scaled.push({ factor, record: timedRun(`runs-${factor}`, ['--runs', String(factor)]) });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(8);
const phases = records[0]?.marks.map((m) => m.phase) ?? [];
const endOf = (record: PhaseRecord, phase: string) => record.marks.find((m) => m.phase === phase)?.atMs ?? 0;

console.log(`full offline run (\`scalekit-conformance run --seed 1\`, the embedded mock), median of ${runs}:`);
console.log(`  whole process, as the shell sees it ${seconds(median(records.map((r) => r.wallMs)))}`);
phases.forEach((phase, n) => {
  const previous = n === 0 ? undefined : phases[n - 1];
  const took = median(records.map((r) => endOf(r, phase) - (previous ? endOf(r, previous) : 0)));
  const label = n === 0 ? 'node start and CLI load' : phase === 'exit' ? 'exit' : phase;
  console.log(`  ${label.padEnd(36)} ${seconds(took)}`);
});
const importMs = median(records.map((r) => r.files.reduce((sum, f) => sum + f.importMs, 0)));
const testsMs = median(records.map((r) => r.files.reduce((sum, f) => sum + f.testsMs, 0)));
console.log(`  of the suites: ${records[0]?.files.length ?? 0} files`);
console.log(`    importing them (transforms, modules, set-up) ${seconds(importMs)}`);
console.log(`    their tests                                  ${seconds(testsMs)}`);
const slowest = [...(records[0]?.files ?? [])].sort((a, b) => b.testsMs + b.importMs - (a.testsMs + a.importMs));
for (const file of slowest.slice(0, 5)) {
  console.log(`    ${file.file.padEnd(48)} import ${seconds(file.importMs)}, tests ${seconds(file.testsMs)}`);
}

// The suites' own time is what the case counts scale; start-up and reporting stay as they are.
const testsOf = (record: PhaseRecord) => record.files.reduce((sum, f) => sum + f.testsMs, 0);
console.log('property case counts (`run --seed 1 --runs N`; 1× is the median above):');
const rows = [{ factor: 1, wallMs: median(records.map((r) => r.wallMs)), testsMs: testsMs }];
for (const { factor, record } of scaled) rows.push({ factor, wallMs: record.wallMs, testsMs: testsOf(record) });
rows.forEach((row, n) => {
  const previous = rows[n - 1];
  const step = previous ? `, ×${(row.wallMs / previous.wallMs).toFixed(2)} the step before (linear: ×2)` : '';
  console.log(
    `  ${`${row.factor}× cases`.padEnd(9)} whole run ${seconds(row.wallMs)}, tests ${seconds(row.testsMs)}${step}`,
  );
});
