// `run`, as a script of steps, each a module: settings (run-settings.ts) → spec → target (run-target.ts) → selection
// and execution (run-suites.ts) → clean-up (run-cleanup.ts) → aggregation (run-report.ts) → reporters
// (run-reporters.ts); interrupts (run-interrupts.ts) are watched from the target's start to the run's end.
import type { HookStateOutcome } from '../client/hook-state.js';
import { describeError, ExitCode, UserError } from '../errors.js';
import { Redactor } from '../reporters/redact.js';
import { ensureGeneratedTypes } from '../spec/generate.js';
import { resolveSpec } from '../spec/resolve.js';
import type { SuiteResults } from './execute.js';
import { prepareCleanup } from './run-cleanup.js';
import { watchRunInterrupts } from './run-interrupts.js';
import { printPlan } from './run-plan.js';
import { buildRunReport, exitCodeOf } from './run-report.js';
import { type RunIo, RunReporters } from './run-reporters.js';
import { type RunFlags, type RunSettings, resolveRunSettings } from './run-settings.js';
import { runSuites } from './run-suites.js';
import { openTarget, preflight } from './run-target.js';

export type { RunIo } from './run-reporters.js';

/**
 * `run`: a run that ends without a verdict (a usage error, an unreachable target, an interrupt) after report paths
 * were given leaves reports saying it did not complete, never an older run's results or an empty file.
 */
export async function runCommand(flags: RunFlags, io: RunIo): Promise<ExitCode> {
  const started = Date.now();
  const redactor = new Redactor([flags['client-secret'], io.env.SCALEKIT_CLIENT_SECRET]);
  const reporters = new RunReporters(flags, io, started, redactor);
  try {
    const settings = resolveRunSettings(flags, io.env, io.cwd);
    reporters.useSettings(settings);
    const code = await runWithSettings(settings, reporters, redactor, started, io);
    if (code === ExitCode.interrupted) reporters.incomplete('interrupted by a signal');
    return code;
  } catch (error) {
    reporters.incomplete(error instanceof UserError ? error.message : describeError(error));
    throw error;
  }
}

async function runWithSettings(
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
  if (settings.plan) return printPlan(settings, spec, io.out);

  const target = await openTarget(settings, redactor);
  const interrupts = watchRunInterrupts(target, (reason) => reporters.incomplete(reason), io.out);
  const restoreOutput = redactor.guardProcessOutput();
  try {
    await preflight(target.connection.baseUrl, target.connection, settings.timeoutMs);
    reporters.header(settings, spec, target);
    const cleanup = await prepareCleanup(settings, target, io.out);
    let results: SuiteResults | undefined;
    let targetSettings: HookStateOutcome | undefined;
    try {
      results = await runSuites(settings, spec, target, interrupts, io.out);
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
    return exitCodeOf(report);
  } finally {
    interrupts.stopWatching();
    restoreOutput();
    await target.close();
    interrupts.removeFiles();
  }
}
