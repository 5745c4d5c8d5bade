// `run`, as a script of steps, each a module: settings (run-settings.ts) → spec → target (run-target.ts) → selection
// and execution (run-suites.ts) → clean-up (run-cleanup.ts) → aggregation (run-report.ts) → reporters
// (run-reporters.ts); interrupts (run-interrupts.ts) are watched from the target's start to the run's end. The
// steps after the settings are run-steps.ts, loaded once the settings are known good.
import { setFlagsFromString } from 'node:v8';
import { describeError, ExitCode, UserError } from '../errors.js';
import { readExpectations } from '../reporters/expectations.js';
import { Redactor } from '../reporters/redact.js';
import { resolveSpec } from '../spec/resolve.js';
import { packageRoot } from '../version.js';
import { markPhase } from './phases.js';
import { type RunIo, RunReporters } from './run-reporters.js';
import { type RunFlags, resolveRunSettings } from './run-settings.js';
import { assertSelectionCanRun } from './selection.js';

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
    const given = resolveRunSettings(flags, io.env, io.cwd);
    assertSelectionCanRun(given, packageRoot);
    // Read now, so a mistake in the file is answered before vitest and the target start.
    const expectations = given.expectations ? readExpectations(given.expectations, io.cwd) : undefined;
    markPhase('settings');
    reporters.useSettings(given);
    // The spec comes first for shards without a seed: they take theirs from it (see shardSeed).
    const specFirst = given.shard && !given.seedGiven;
    if (!given.plan && !specFirst) reporters.starting(given);
    favourMemory();
    // Before vitest too: a spec that is a folder, missing or not OpenAPI is answered in a second, not after seconds.
    // No types are generated from it: the suites import them as types only, which vitest strips.
    const spec = await resolveSpec({ flag: given.spec, env: io.env.SCALEKIT_OPENAPI, cwd: io.cwd });
    markPhase('spec');
    const settings = specFirst ? { ...given, seed: shardSeed(spec.sha256) } : given;
    if (!settings.plan && specFirst) reporters.starting(settings);
    // The steps load only now (vitest and the mock take seconds to load), so a mistyped flag is answered at once.
    const { runWithSettings } = await import('./run-steps.js');
    const terminal = io.terminal ?? (process.stdout.isTTY && !io.env.CI ? process.stdout : undefined);
    const code = await runWithSettings(settings, spec, reporters, redactor, started, { ...io, terminal }, expectations);
    if (code === ExitCode.interrupted) reporters.incomplete('interrupted by a signal');
    return code;
  } catch (error) {
    reporters.incomplete(error instanceof UserError ? error.message : describeError(error));
    throw error;
  }
}

/**
 * A full run's process (the vite server, the mock, the suites' worker thread) peaks near 260 MB instead of 320 to
 * 350 (`npm run bench:memory`), for about 0.8 s more of garbage collection. Set before vitest loads and before its
 * worker thread starts. (`--optimize-for-size` gets to 210 MB, for 2 to 3 s.)
 */
function favourMemory(): void {
  // Each heap grows by half of what it holds after a collection instead of up to four times it, and the worker's
  // young generation stays at 8 MB a semi-space instead of 16 (a new isolate reads it; the main one keeps its own).
  setFlagsFromString('--heap-growing-percent=50');
  setFlagsFromString('--max-semi-space-size=8');
  // From Node 24, V8 sizes each young generation from the machine's memory (134 MB on 24 GB, not 34), and the main
  // isolate's is fixed by now; optimizing for size reaches it: about 245 MB instead of 300 to 340, for about 0.5 s.
  if (Number(process.versions.node.split('.')[0]) >= 24) setFlagsFromString('--optimize-for-size');
  // vite's native transformer (rolldown) allocates with mimalloc, which reads these when vite loads it: memory it
  // frees goes back to the system at once instead of staying resident (about 90 MB when no transform is cached).
  for (const [name, value] of Object.entries(mimallocReturnsMemory)) process.env[name] ??= value;
}

/**
 * The seed of a shard run without --seed: every shard of one run must generate the same values (merge-reports takes
 * only reports of one seed), and the shards share the spec. Printed like any seed; `--seed` replays it.
 */
export const shardSeed = (specSha256: string) => Number.parseInt(specSha256.slice(0, 8), 16) % (2 ** 31 - 1);

const mimallocReturnsMemory = {
  MIMALLOC_PURGE_DELAY: '0',
  MIMALLOC_PURGE_DECOMMITS: '1',
  MIMALLOC_ARENA_EAGER_COMMIT: '0',
};
