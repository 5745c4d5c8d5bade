// Selection, then execution: with --only, only the suite files citing a selected rule are loaded (selectFiles, over
// the globs of src/rules/selector.ts); the suites then run in this process's vitest against the run's target.
import { interruptedNote } from '../client/safety.js';
import type { RunContext } from '../harness/context.js';
import { formatTestLine } from '../reporters/console.js';
import type { TestOutcome } from '../reporters/model.js';
import type { ResolvedSpec } from '../spec/resolve.js';
import { executeSuites, type SuiteResults, selectFiles } from './execute.js';
import type { RunInterrupts } from './run-interrupts.js';
import type { RunSettings } from './run-settings.js';
import type { RunTarget } from './run-target.js';
import { runLedgerFile } from './sweep.js';

/**
 * Every test's outcome (those of files not loaded, "not selected", after the rest) and the errors outside tests;
 * undefined when an interrupt came first. Each test is printed as it ends.
 */
export async function runSuites(
  settings: RunSettings,
  spec: ResolvedSpec,
  target: RunTarget,
  interrupts: RunInterrupts,
  out: (line: string) => void,
): Promise<SuiteResults | undefined> {
  const context = runContext(settings, spec, target, interrupts);
  try {
    if (interrupts.interrupted) return undefined;
    // With --only or --exclude, only the files holding a selected test are loaded (the others would be dropped).
    const selection = await selectFiles({ only: settings.only, exclude: settings.exclude }, interrupts.signal);
    for (const test of selection?.notLoaded ?? []) out(formatTestLine(test));
    const executed = await executeSuites(context, {
      only: settings.only,
      exclude: settings.exclude,
      ...(selection ? { files: selection.files } : {}),
      // A test cut short by the interrupt has no verdict: it says so, never FAIL.
      onTest: (test) =>
        out(formatTestLine(interrupts.interrupted && test.state !== 'passed' ? asInterrupted(test) : test)),
      signal: interrupts.signal,
    });
    return { ...executed, tests: [...executed.tests, ...(selection?.notLoaded ?? [])] };
  } catch (error) {
    // Once interrupted, vitest's complaints about stopped suites are expected; the exit code says what happened.
    if (!interrupts.interrupted) throw error;
    return undefined;
  }
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
