// The steps of `run` once its settings are known good (run.ts): spec → target → suites → clean-up → report.
import type { HookStateOutcome } from '../client/hook-state.js';
import { ExitCode } from '../errors.js';
import type { Redactor } from '../reporters/redact.js';
import { ensureGeneratedTypes } from '../spec/generate.js';
import { resolveSpec } from '../spec/resolve.js';
import type { SuiteResults } from './execute.js';
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
  reporters: RunReporters,
  redactor: Redactor,
  started: number,
  io: RunIo,
): Promise<ExitCode> {
  // The secret may come from the config file, which the redactor did not know of.
  if (settings.target.kind === 'url') redactor.addSecret(settings.target.clientSecret);
  const spec = await resolveSpec({ flag: settings.spec, env: io.env.SCALEKIT_OPENAPI, cwd: io.cwd });
  await ensureGeneratedTypes(spec);
  markPhase('spec and generated types');
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
    let results: SuiteResults | undefined;
    let targetSettings: HookStateOutcome | undefined;
    try {
      results = await runSuites(settings, spec, target, interrupts, io.out);
      markPhase('suites');
    } finally {
      // After vitest, whatever happened: no suite is sending any more, so the sweep sees all the run created.
      targetSettings = await cleanup.afterSuites(interrupts.interrupted);
    }
    if (interrupts.interrupted || !results) {
      io.out('interrupted: the run stopped early, so it has no verdict; its reports say it did not complete');
      return ExitCode.interrupted;
    }
    const report = buildRunReport({
      settings,
      spec,
      targetLabel: target.label,
      started,
      results,
      targetStopped: interrupts.targetStopped(),
      targetSettings,
    });
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
