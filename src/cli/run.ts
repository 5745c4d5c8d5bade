// `run`, as a script of steps, each a module: settings (run-settings.ts) → spec → target (run-target.ts) → selection
// and execution (run-suites.ts) → clean-up (run-cleanup.ts) → aggregation (run-report.ts) → reporters
// (run-reporters.ts); interrupts (run-interrupts.ts) are watched from the target's start to the run's end. The
// steps after the settings are run-steps.ts, loaded once the settings are known good.
import { describeError, ExitCode, UserError } from '../errors.js';
import { Redactor } from '../reporters/redact.js';
import { markPhase } from './phases.js';
import { type RunIo, RunReporters } from './run-reporters.js';
import { type RunFlags, resolveRunSettings } from './run-settings.js';

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
    markPhase('settings');
    reporters.useSettings(settings);
    // The steps load only now (vitest and the mock take seconds to load), so a mistyped flag is answered at once.
    const { runWithSettings } = await import('./run-steps.js');
    const code = await runWithSettings(settings, reporters, redactor, started, io);
    if (code === ExitCode.interrupted) reporters.incomplete('interrupted by a signal');
    return code;
  } catch (error) {
    reporters.incomplete(error instanceof UserError ? error.message : describeError(error));
    throw error;
  }
}
