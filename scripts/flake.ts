// Flakiness under load: `npm run flake`. Not a test: it answers "do rule verdicts depend on how busy the machine
// is?". A verdict that flips when CPUs are scarce means a test leans on timing (a real-time wait, a timeout, an
// ordering race) rather than on what the target does, and a CI runner or a user's laptop will see it flip too.
//
// It keeps every CPU busy with burner processes, then runs `scalekit-conformance run` K times in a row against
// the standalone mock, each with its own seed, and prints every rule whose status differs between the runs.
// Each run gets a fresh mock: the suites move the mock's clock and leave data behind, which the reset hook would
// not undo (the clock keeps its time), so a shared mock would make later runs differ for reasons other than load.
//
//   npm run flake -- [--runs K] [--seed BASE] [--no-load] [--run-timeout SECONDS]
//
// Run i uses seed BASE + i (BASE random unless given; the seeds are printed, and `run --seed` replays one).
// Different seeds also vary the generated data, so a flip may come from the seed rather than the load: replay the
// rule's seeds with `--no-load` to tell them apart. Exit code: 0 when no verdict changed, 1 when one did, 2 when a
// run could not be started or left no report (or a flag is wrong), 130 when interrupted.
//
// Everything is bounded: each run by --run-timeout, each burner by the script's longest possible duration (and it
// stops when this process ends, however it ends); the temporary directory, the mocks and the burners are removed
// on exit, on error and on SIGINT/SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStandaloneMock } from './standalone-mock.js';

const bin = fileURLToPath(new URL('../bin/scalekit-conformance.js', import.meta.url));
const credentials = { clientId: 'skc_flake', clientSecret: 'flake-secret-123' };
const maxSeed = 2 ** 31 - 1;
const mockStartTimeoutMs = 60_000;
const stopGraceMs = 15_000;

// ---- flags ---------------------------------------------------------------------------------------------------

interface Options {
  runs: number;
  seeds: number[];
  load: boolean;
  runTimeoutMs: number;
}

class UsageError extends Error {}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number between ${min} and ${max}, got "${text}"`);
  }
  return value;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: 'string', default: '3' },
      seed: { type: 'string' },
      'no-load': { type: 'boolean', default: false },
      'run-timeout': { type: 'string', default: '600' },
    },
  });
  const runs = wholeNumber(values.runs, '--runs', 1, 100);
  const base = values.seed === undefined ? randomInt(maxSeed) : wholeNumber(values.seed, '--seed', 0, maxSeed);
  return {
    runs,
    seeds: Array.from({ length: runs }, (_, i) => (base + i) % (maxSeed + 1)),
    load: !values['no-load'],
    runTimeoutMs: wholeNumber(values['run-timeout'], '--run-timeout', 10, 24 * 3600) * 1000,
  };
}

// ---- child processes: tracked so that every exit path can stop them -------------------------------------------

const live = new Set<ChildProcess>();
let tempDir: string | undefined;
let interrupted = false;

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL if it is still there after the grace period. */
async function stop(child: ChildProcess, graceMs = stopGraceMs): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await exited(child, graceMs))) {
    child.kill('SIGKILL');
    await exited(child, 2_000);
  }
}

async function stopAll(): Promise<void> {
  await Promise.all([...live].map((child) => stop(child)));
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}

// Last resort (an exception, process.exit): nothing may outlive the script.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) process.exit(130); // a second Ctrl+C: the exit handler kills what is left
  interrupted = true;
  console.log(`flake: ${signal}, stopping the runs, the mock and the burners`);
  void stopAll().then(() => process.exit(130));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// ---- load ------------------------------------------------------------------------------------------------------

/**
 * A burner spins in 50 ms slices until its lifetime is over or its parent goes away (the IPC channel closes when
 * this process ends, even by SIGKILL); between slices it yields so that it can notice.
 */
function burnerSource(lifetimeMs: number): string {
  return `
    const deadline = Date.now() + ${lifetimeMs};
    const maxSlices = ${Math.ceil(lifetimeMs / 50) + 1};
    let parentGone = false;
    process.on('disconnect', () => { parentGone = true; });
    let sink = 0;
    let slices = 0;
    function slice() {
      const end = Math.min(Date.now() + 50, deadline);
      for (let i = 0; i < 1e8 && Date.now() < end; i += 1) sink = (sink + Math.sqrt(i + sink)) % 1e9;
      slices += 1;
      if (parentGone || slices >= maxSlices || Date.now() >= deadline) process.exit(sink < 0 ? 1 : 0);
      setImmediate(slice);
    }
    slice();`;
}

function startBurners(count: number, lifetimeMs: number): ChildProcess[] {
  const source = burnerSource(lifetimeMs);
  return Array.from({ length: count }, () =>
    track(spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })),
  );
}

// ---- one run ---------------------------------------------------------------------------------------------------

interface RunResult {
  seed: number;
  exitCode: number | null;
  signal: string | null;
  seconds: number;
  /** Rule id → status, or undefined when the run left no readable report. */
  verdicts: Map<string, string> | undefined;
  /** Rule id → why it did not pass (a skip reason, the first failure's title), printed for the rules that changed. */
  details: Map<string, string>;
  problem?: string;
  outputTail: string;
}

/** Starts a fresh mock, bounded in time; a mock that shows up late is stopped as soon as it does. */
async function startMock(): Promise<{ child: ChildProcess; url: string }> {
  const starting = startStandaloneMock(credentials);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the mock did not listen within ${mockStartTimeoutMs} ms`)),
      mockStartTimeoutMs,
    );
  });
  try {
    const mock = await Promise.race([starting, timeout]);
    track(mock.child);
    if (interrupted) await stop(mock.child);
    return mock;
  } catch (error) {
    starting.then(({ child }) => child.kill('SIGTERM')).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Reads the verdicts from a JSON report, defensively: the report may gain fields, statuses may grow. */
function readReport(path: string): Pick<RunResult, 'verdicts' | 'details'> {
  const details = new Map<string, string>();
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as { rules?: unknown };
    if (!Array.isArray(report.rules)) return { verdicts: undefined, details };
    const verdicts = new Map<string, string>();
    for (const rule of report.rules as Record<string, unknown>[]) {
      const id = text(rule?.id);
      if (!id) continue;
      verdicts.set(id, text(rule.status) ?? '?');
      const failures = Array.isArray(rule.failures) ? (rule.failures as Record<string, unknown>[]) : [];
      const why = text(rule.reason) ?? text(failures[0]?.title) ?? text(rule.error);
      if (why) details.set(id, why);
    }
    return { verdicts, details };
  } catch {
    return { verdicts: undefined, details };
  }
}

/** `scalekit-conformance run` against the mock at `url`, killed if it outlives the timeout. */
async function runSuite(url: string, seed: number, report: string, timeoutMs: number) {
  const started = performance.now();
  const child = track(
    spawn(process.execPath, [bin, 'run', '--target', url, '--seed', String(seed), '--report-json', report], {
      env: {
        ...process.env,
        SCALEKIT_CLIENT_ID: credentials.clientId,
        SCALEKIT_CLIENT_SECRET: credentials.clientSecret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let outputTail = '';
  const keep = (chunk: Buffer) => {
    outputTail = (outputTail + chunk.toString()).slice(-3_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const finished = await Promise.race([exited(child, timeoutMs), spawnError]);
  const timedOut = finished === false;
  if (timedOut) await stop(child);
  return {
    exitCode: child.exitCode,
    signal: child.signalCode,
    seconds: (performance.now() - started) / 1000,
    outputTail,
    problem: finished instanceof Error ? `could not start: ${finished.message}` : timedOut ? 'timed out' : undefined,
  };
}

async function oneRun(index: number, seed: number, options: Options, dir: string): Promise<RunResult> {
  const report = join(dir, `run-${index}.json`);
  let mock: { child: ChildProcess; url: string };
  try {
    mock = await startMock();
  } catch (error) {
    const problem = `the mock did not start: ${(error as Error).message}`;
    return {
      seed,
      exitCode: null,
      signal: null,
      seconds: 0,
      verdicts: undefined,
      details: new Map(),
      problem,
      outputTail: '',
    };
  }
  try {
    const run = await runSuite(mock.url, seed, report, options.runTimeoutMs);
    const { verdicts, details } = readReport(report);
    const problem = run.problem ?? (verdicts ? undefined : 'left no report');
    return { seed, ...run, verdicts, details, ...(problem ? { problem } : {}) };
  } finally {
    await stop(mock.child);
  }
}

// ---- comparison and output -------------------------------------------------------------------------------------

function countStatuses(verdicts: Map<string, string>): string {
  const counts = new Map<string, number>();
  for (const status of verdicts.values()) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

function printRun(index: number, total: number, result: RunResult): void {
  const exit = result.exitCode ?? (result.signal ? `signal ${result.signal}` : 'none');
  const rules = result.verdicts ? `${result.verdicts.size} rules (${countStatuses(result.verdicts)})` : 'no report';
  const load = loadavg()[0]?.toFixed(1);
  console.log(
    `run ${index + 1}/${total}: seed ${result.seed}, exit ${exit}, ${result.seconds.toFixed(1)} s, load average ${load}: ${rules}`,
  );
  if (result.problem) {
    console.log(`  problem: ${result.problem}; the run's last output:`);
    for (const line of result.outputTail.trimEnd().split('\n').slice(-15)) console.log(`  | ${line}`);
  }
}

/** The rules whose status is not the same in every run that left a report, with each run's status. */
function changedVerdicts(results: RunResult[]): { id: string; statuses: string[] }[] {
  const reported = results.filter((r) => r.verdicts);
  const ids = new Set(reported.flatMap((r) => [...(r.verdicts?.keys() ?? [])]));
  return [...ids]
    .sort()
    .map((id) => ({ id, statuses: reported.map((r) => r.verdicts?.get(id) ?? 'absent') }))
    .filter(({ statuses }) => new Set(statuses).size > 1);
}

function printChanges(changes: { id: string; statuses: string[] }[], results: RunResult[]): void {
  const reported = results.filter((r) => r.verdicts);
  if (changes.length > 0) console.log(`verdicts that changed (runs: seeds ${reported.map((r) => r.seed).join(', ')}):`);
  for (const { id, statuses } of changes) {
    console.log(`  ${id.padEnd(10)} ${statuses.map((s) => s.padEnd(10)).join(' ')}`.trimEnd());
    reported.forEach((result, i) => {
      const why = statuses[i] === 'passed' ? undefined : result.details.get(id);
      if (why) console.log(`    seed ${result.seed}: ${why.replace(/\s+/g, ' ').slice(0, 160)}`);
    });
  }
}

// ---- main ------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`flake: ${(error as Error).message}`);
    console.error('usage: npm run flake -- [--runs K] [--seed BASE] [--no-load] [--run-timeout SECONDS]');
    return 2;
  }
  const burnerCount = options.load ? availableParallelism() : 0;
  if (!process.env.SCALEKIT_OPENAPI)
    console.log('flake: SCALEKIT_OPENAPI is not set; each run resolves the pinned spec');
  console.log(`flake: ${options.runs} run(s), seeds ${options.seeds.join(', ')}, ${burnerCount} CPU burner(s)`);
  tempDir = mkdtempSync(join(tmpdir(), 'skc-flake-'));
  const worstCaseMs = options.runs * (options.runTimeoutMs + mockStartTimeoutMs + 2 * stopGraceMs);
  startBurners(burnerCount, worstCaseMs + 60_000);

  const results: RunResult[] = [];
  for (const [index, seed] of options.seeds.entries()) {
    if (interrupted) break;
    const result = await oneRun(index, seed, options, tempDir);
    if (interrupted) break;
    results.push(result);
    printRun(index, options.runs, result);
  }
  if (interrupted) return 130;

  const changes = changedVerdicts(results);
  printChanges(changes, results);
  const load = `load: ${burnerCount} burners`;
  console.log(
    `flake: ${changes.length} verdicts changed over ${options.runs} runs (seeds ${options.seeds.join(', ')}; ${load})`,
  );
  if (results.some((r) => !r.verdicts)) return 2;
  return changes.length > 0 ? 1 : 0;
}

let code = 2;
try {
  code = await main();
} catch (error) {
  console.error(`flake: ${(error as Error).stack ?? error}`);
} finally {
  if (!interrupted) await stopAll();
}
if (!interrupted) process.exit(code);
