// Selection, then execution: with --only or --exclude, only the suite files citing a selected rule are loaded
// (selectFiles, over the globs of src/rules/selector.ts); with --shard, vitest runs this shard's part of them; the
// suites then run in this process's vitest against the run's target, until the end, an interrupt or --max-failures.
import { interruptedNote } from '../client/safety.js';
import type { RunContext } from '../harness/context.js';
import { formatTestLine } from '../reporters/console.js';
import type { TestOutcome } from '../reporters/model.js';
import { ProgressLine } from '../reporters/progress.js';
import { isSelectionNote, maxFailuresNote, otherShardNote } from '../reporters/vitest-collector.js';
import { rules } from '../rules/catalogue.js';
import { defaultCacheDir, type ResolvedSpec } from '../spec/resolve.js';
import { cachedSuiteIndex, executeSuites, type IndexedTest, type SuiteResults, selectFiles } from './execute.js';
import type { RunInterrupts } from './run-interrupts.js';
import type { RunSettings } from './run-settings.js';
import { type RunTarget, tlsSuiteFiles } from './run-target.js';
import { runLedgerFile } from './sweep.js';

/** How the run's console shows it: test lines through `out`; a progress line when the output is a terminal. */
export interface SuiteConsole {
  out: (line: string) => void;
  /** The terminal the progress line is drawn on; undefined: no progress line. */
  terminal?: { write(text: string): unknown; columns?: number | undefined } | undefined;
  /** Whether a failed test's rule is one the expectations file expects to fail: it does not count for --max-failures. */
  expectedToFail?: (rule: string, test: TestOutcome) => boolean;
}

/** What `--max-failures` did: the limit, whether the run stopped at it, and how many tests it never started. */
export interface MaxFailuresOutcome {
  limit: number;
  reached: boolean;
  notRun: number;
}

/**
 * Every test's outcome (those of files not loaded, "not selected", after the rest) and the errors outside tests;
 * undefined when an interrupt came first. Each test is printed as it ends, bar those the selection left out (one line
 * counts them).
 */
export async function runSuites(
  settings: RunSettings,
  spec: ResolvedSpec,
  target: RunTarget,
  interrupts: RunInterrupts,
  console: SuiteConsole,
): Promise<(SuiteResults & { maxFailures?: MaxFailuresOutcome }) | undefined> {
  const progress = console.terminal ? new ProgressLine(console.terminal) : undefined;
  const print = (line: string) => (progress ? progress.print(line, console.out) : console.out(line));
  const ticking = progress && setInterval(() => progress.refresh(), 1000);
  ticking?.unref();
  const stopAtMax = settings.maxFailures === undefined ? undefined : new AbortController();
  const failedMustRules = new Set<string>();
  try {
    if (interrupts.interrupted) return undefined;
    // With --only or --exclude, only the files holding a selected test are loaded (the others would be dropped).
    const selection = await selectFiles({ only: settings.only, exclude: settings.exclude }, interrupts.signal);
    // The embedded mock's TLS side, made only when a selected file needs it (tlsSuiteFiles).
    const tls = await target.tlsSide?.(selection?.files);
    if (tls) console.out(`  over TLS:  ${tlsSuiteFiles.join(', ')} against ${tls.url} (a CA made for this run)`);
    const context = { ...runContext(settings, spec, target, interrupts), ...(tls ? { files: tls.files } : {}) };
    const onTest = (test: TestOutcome) => {
      // Left out by the selection: counted in one line at the end, not listed.
      if (isSelectionNote(test.message)) return;
      // A test cut short by the interrupt has no verdict: it says so, never FAIL.
      print(formatTestLine(interrupts.interrupted && test.state !== 'passed' ? asInterrupted(test) : test));
      progress?.testDone(test.state);
      if (stopAtMax && test.state === 'failed') {
        for (const id of test.rules) {
          if (mustRules.has(id) && !console.expectedToFail?.(id, test)) failedMustRules.add(id);
        }
        if (failedMustRules.size >= (settings.maxFailures ?? Number.POSITIVE_INFINITY)) stopAtMax.abort();
      }
    };
    const executed = await executeSuites(context, {
      only: settings.only,
      exclude: settings.exclude,
      ...(selection ? { files: selection.files } : {}),
      shard: settings.shard,
      onTest,
      onStart: (files) => progress?.start(files),
      onFileEnd: () => progress?.fileDone(),
      signal: stopAtMax ? AbortSignal.any([interrupts.signal, stopAtMax.signal]) : interrupts.signal,
    });
    progress?.stop();
    const reached = stopAtMax?.signal.aborted === true && !interrupts.interrupted;
    const tests = [...executed.tests, ...(selection?.notLoaded ?? [])];
    // The tests this run did not report: another shard's, or never started after --max-failures.
    const missing =
      settings.shard || reached ? unreported(await cachedSuiteIndex(defaultCacheDir(), interrupts.signal), tests) : [];
    const ran = new Set(executed.files ?? []);
    const notRun = maxFailuresNote(settings.maxFailures ?? 0);
    const completed = [
      // vitest reports the tests it did not start after the stop as skipped without a reason of their own.
      ...(reached
        ? tests.map((t) => (t.state === 'skipped' && isPlainSkip(t) ? { ...t, message: notRun } : t))
        : tests),
      ...missing.map((t) =>
        skippedOutcome(t, settings.shard && !ran.has(t.file) ? otherShardNote(settings.shard) : notRun),
      ),
    ];
    const deselected = completed.filter((t) => isSelectionNote(t.message)).length;
    if (deselected > 0) console.out(`  ${deselected} tests not selected (${selectionFlags(settings)}): not listed`);
    const notRunCount = completed.filter((t) => t.message === notRun).length;
    if (reached) {
      console.out(
        `  stopped after ${failedMustRules.size} failed MUST rules (--max-failures ${settings.maxFailures}): ${notRunCount} tests not run`,
      );
    }
    return {
      ...executed,
      tests: completed,
      ...(settings.maxFailures !== undefined
        ? { maxFailures: { limit: settings.maxFailures, reached, notRun: notRunCount } }
        : {}),
    };
  } catch (error) {
    // Once interrupted, vitest's complaints about stopped suites are expected; the exit code says what happened.
    if (!interrupts.interrupted) throw error;
    return undefined;
  } finally {
    if (ticking) clearInterval(ticking);
    progress?.stop();
  }
}

const isPlainSkip = (test: TestOutcome) => test.message === undefined || test.message === 'skipped';

const mustRules = new Set<string>(rules.filter((rule) => rule.force === 'MUST').map((rule) => rule.id));

const selectionFlags = (settings: RunSettings) =>
  [
    ...(settings.only.length > 0 ? [`--only ${settings.only.join(',')}`] : []),
    ...(settings.exclude.length > 0 ? [`--exclude ${settings.exclude.join(',')}`] : []),
    ...(settings.shard ? [`--shard ${settings.shard.index}/${settings.shard.count}`] : []),
  ].join(' ');

/** The index's tests that no outcome of the run names (by file and full name). */
function unreported(index: readonly IndexedTest[], tests: readonly TestOutcome[]): IndexedTest[] {
  const reported = new Set(tests.map((t) => `${t.file}\0${t.fullName}`));
  return index.filter((t) => !reported.has(`${t.file}\0${t.fullName}`));
}

/** A test of the index as a skipped outcome, with why it did not run. */
function skippedOutcome(test: IndexedTest, message: string): TestOutcome {
  return {
    file: test.file,
    name: test.name,
    fullName: test.fullName,
    rules: test.rules,
    state: 'skipped',
    durationMs: 0,
    failures: [],
    drift: [],
    message,
  };
}

/** What every worker is handed through vitest's `provide`: the target, the spec, the seed and the traffic policy. */
function runContext(
  settings: RunSettings,
  spec: ResolvedSpec,
  target: RunTarget,
  interrupts: RunInterrupts,
): RunContext {
  return {
    target: target.connection,
    specPath: spec.localPath,
    seed: settings.seed,
    ...(settings.runs === 1 ? {} : { runs: settings.runs }),
    timeoutMs: settings.timeoutMs,
    profile: settings.profile,
    runId: target.runId,
    ...(target.sweepable ? { ledgerFile: runLedgerFile(target.runId) } : {}),
    traffic: {
      allowWrites: settings.writes.allowed,
      maxRps: settings.maxRps,
      stopFile: interrupts.stopFile,
      streakFile: interrupts.streakFile,
      maxBodyBytes: settings.maxBodyBytes,
    },
  };
}

/** A test the interrupt cut short, as the console shows it: skipped, with the interrupt as its reason. */
function asInterrupted(test: TestOutcome): TestOutcome {
  return { ...test, state: 'skipped', message: interruptedNote, failures: [] };
}
