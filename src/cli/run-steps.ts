// The steps of `run` once its settings are known good (run.ts): spec → target → suites → clean-up → report.
import type { HookStateOutcome } from '../client/hook-state.js';
import { ExitCode } from '../errors.js';
import { applyExpectations, dayOf } from '../reporters/expectations.js';
import type { Expectation, TestOutcome } from '../reporters/model.js';
import type { Redactor } from '../reporters/redact.js';
import { ruleSelector } from '../rules/selector.js';
import type { ResolvedSpec } from '../spec/resolve.js';
import { markPhase } from './phases.js';
import { prepareCleanup } from './run-cleanup.js';
import { watchRunInterrupts } from './run-interrupts.js';
import { printPlan } from './run-plan.js';
import { buildRunReport, exitCodeOf } from './run-report.js';
import type { RunIo, RunReporters } from './run-reporters.js';
import type { RunSettings } from './run-settings.js';
import { runSuites } from './run-suites.js';
import { openTarget, preflight } from './run-target.js';

/** Runs the steps of `run` in order; the reporters write what came of them. */
export async function runWithSettings(
  settings: RunSettings,
  spec: ResolvedSpec,
  reporters: RunReporters,
  redactor: Redactor,
  started: number,
  io: RunIo,
  expectations?: readonly Expectation[],
): Promise<ExitCode> {
  const today = dayOf(new Date());
  // The secret may come from the config file, which the redactor did not know of.
  if (settings.target.kind === 'url') redactor.addSecret(settings.target.clientSecret);
  if (settings.plan) return printPlan(settings, spec, io.out);

  const target = await openTarget(settings, redactor);
  const interrupts = watchRunInterrupts(target, (reason) => reporters.incomplete(reason), io.out);
  const restoreOutput = redactor.guardProcessOutput();
  try {
    try {
      await preflight(target.connection.baseUrl, target.connection, settings.timeoutMs, {
        seconds: settings.target.kind === 'url' ? settings.waitForTargetSeconds : 0,
        signal: interrupts.signal,
        out: io.out,
      });
    } catch (error) {
      // Ctrl-C while waiting for the target: nothing was sent yet, nothing to clean up.
      if (interrupts.interrupted) return ExitCode.interrupted;
      throw error;
    }
    markPhase('target served and answering');
    reporters.header(settings, spec, target);
    const cleanup = await prepareCleanup(settings, target, io.out);
    let results: Awaited<ReturnType<typeof runSuites>>;
    let targetSettings: HookStateOutcome | undefined;
    try {
      results = await runSuites(settings, spec, target, interrupts, {
        out: io.out,
        terminal: io.terminal,
        ...(expectations ? { expectedToFail: expectedToFail(expectations, today) } : {}),
      });
      markPhase('suites');
    } finally {
      // After vitest, whatever happened: no suite is sending any more, so the sweep sees all the run created.
      targetSettings = await cleanup.afterSuites(interrupts.interrupted);
    }
    if (interrupts.interrupted || !results) {
      io.out('interrupted: the run stopped early, so it has no verdict; its reports say it did not complete');
      return ExitCode.interrupted;
    }
    const built = buildRunReport({
      settings,
      spec,
      targetLabel: target.label,
      started,
      results,
      ...(results.maxFailures ? { maxFailures: results.maxFailures } : {}),
      targetStopped: interrupts.targetStopped(),
      targetSettings,
    });
    const report =
      expectations && settings.expectations
        ? applyExpectations(built, expectations, {
            file: settings.expectations,
            strict: settings.strictExpectations,
            today,
          })
        : built;
    reporters.publish(report);
    markPhase('report');
    return exitCodeOf(report);
  } finally {
    interrupts.stopWatching();
    restoreOutput();
    await target.close();
    interrupts.removeFiles();
  }
}

/**
 * Whether an entry of the expectations file in force today expects this rule (by ID or glob) or this test (by name)
 * to fail: such a failure does not count for --max-failures. The report applies the file in full afterwards.
 */
function expectedToFail(entries: readonly Expectation[], today: string) {
  const failing = entries.filter((entry) => entry.outcome === 'fail' && !(entry.until && entry.until < today));
  const selectors = failing.map((entry) => ({ entry, rule: ruleSelector([entry.match]) }));
  return (rule: string, test: TestOutcome) =>
    selectors.some(({ entry, rule: matches }) => entry.match === test.fullName || matches(rule));
}
