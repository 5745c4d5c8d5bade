// Ctrl-C during a run: the first SIGINT or SIGTERM stops the suites and lets the clean-up run (for a bounded time),
// a second one exits at once. The suites run in other processes: a stop file is how they learn of it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStopReason, type StopReason } from '../client/problems.js';
import { ExitCode } from '../errors.js';
import type { RunTarget } from './run-target.js';

export interface RunInterrupts {
  /** Whether a signal came. */
  readonly interrupted: boolean;
  /** Aborted on the first signal: vitest starts no further test; the transports already refuse to send. */
  readonly signal: AbortSignal;
  /** Once it exists, no transport sends: written on an interrupt, or by a worker when the target stops answering. */
  readonly stopFile: string;
  /** Requests without an answer in a row, counted across suite files (src/client/problems.ts). */
  readonly streakFile: string;
  /** Written by a worker when requests went unanswered `stoppedAnsweringThreshold` times in a row. */
  targetStopped(): StopReason | undefined;
  /** Takes the signal handlers off. */
  stopWatching(): void;
  /** Removes the stop and streak files, once the run is over. */
  removeFiles(): void;
}

/**
 * Watches for SIGINT and SIGTERM from here to `stopWatching`. The first writes the stop file and aborts the suites;
 * a second leaves reports saying so (`incomplete`) and exits, without the sweep.
 */
export function watchRunInterrupts(
  target: Pick<RunTarget, 'sweepable' | 'tag' | 'sweepLater'>,
  incomplete: (reason: string) => void,
  out: (line: string) => void,
): RunInterrupts {
  const stopDir = mkdtempSync(join(tmpdir(), 'skc-run-'));
  const stopFile = join(stopDir, 'interrupted');
  const streakFile = join(stopDir, 'unanswered-streak');
  const removeFiles = () => rmSync(stopDir, { recursive: true, force: true });
  let interrupted = false;
  const stopSuites = new AbortController();
  const stopWatching = watchInterrupts(
    (signal) => {
      interrupted = true;
      writeFileSync(stopFile, signal);
      stopSuites.abort();
      out(
        `${signal}: stopping the suites${target.sweepable ? `, then removing what the run created (tag ${target.tag})` : ''}`,
      );
    },
    () => {
      const left = target.sweepable
        ? `exiting without the sweep: what the run created (tagged ${target.tag}) may still be on the target; ${target.sweepLater}; settings the run changed through the control hooks were not put back`
        : 'exiting';
      out(`interrupted again: ${left}`);
      incomplete('interrupted twice by a signal');
      removeFiles();
      process.exit(ExitCode.interrupted);
    },
  );
  return {
    get interrupted() {
      return interrupted;
    },
    signal: stopSuites.signal,
    stopFile,
    streakFile,
    targetStopped: () => readStopReason(stopFile),
    stopWatching,
    removeFiles,
  };
}

/**
 * Handles SIGINT and SIGTERM for the run: the first one calls `onInterrupt`, a second one exits at once. vitest
 * exits the process on these signals as soon as it starts, which would skip the sweep, so listeners added for them
 * while the run watches are taken off again. Returns the function that stops watching.
 */
function watchInterrupts(onInterrupt: (signal: NodeJS.Signals) => void, onSecond: () => never): () => void {
  let seen = false;
  const handle = (signal: NodeJS.Signals) => {
    if (seen) onSecond();
    seen = true;
    onInterrupt(signal);
  };
  const dropOthers = (event: string | symbol, listener: (...args: unknown[]) => void) => {
    if ((event === 'SIGINT' || event === 'SIGTERM') && listener !== handle) {
      queueMicrotask(() => process.off(event, listener));
    }
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  process.on('newListener', dropOthers);
  return () => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
    process.off('newListener', dropOthers);
  };
}

/**
 * How long the clean-up of an interrupted run (the sweep, then the target's settings put back) may take before the
 * run exits anyway, saying what to run later.
 */
export const interruptedSweepMs = 3_000;

/**
 * The clean-up of an interrupted run, given at most `interruptedSweepMs`; past that the run says what to run later
 * and the process is made to exit soon after, however many requests the clean-up still has in flight.
 */
export async function boundedCleanup(
  cleanup: Promise<void>,
  retry: string,
  out: (line: string) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolveLate) => {
    timer = setTimeout(() => resolveLate('late'), interruptedSweepMs);
  });
  const outcome = await Promise.race([cleanup.then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'done') return;
  out(
    `sweep: stopped after ${interruptedSweepMs / 1000} s because the run was interrupted; ${retry}; settings the run changed through the control hooks may not have been put back`,
  );
  // Let the output drain, then end the requests the sweep still has in flight with the process.
  setTimeout(() => process.exit(ExitCode.interrupted), 500);
}
