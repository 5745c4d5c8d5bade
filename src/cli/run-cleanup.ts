// What a run undoes on a live target it may write to: what it created (swept by its run tag) and the
// environment-wide settings it changed through the control hooks (read before the suites, put back after them).
import { createTokenSession } from '../client/api.js';
import { ControlHooks } from '../client/control-hooks.js';
import {
  describeHookStateOutcome,
  type HookStateOutcome,
  type HookStateSnapshot,
  restoreHookState,
  snapshotHookState,
} from '../client/hook-state.js';
import { TokenBucket } from '../client/safety.js';
import { createTransport } from '../client/transport.js';
import { systemClock } from '../clock.js';
import { describeError } from '../errors.js';
import { boundedCleanup } from './run-interrupts.js';
import type { RunSettings } from './run-settings.js';
import type { RunTarget } from './run-target.js';
import { sweepTarget, tagPattern } from './sweep.js';

export interface RunCleanup {
  /**
   * After the suites, whatever happened: the sweep, then the settings put back. Returns what became of the settings
   * (undefined when nothing was read before the run).
   */
  afterSuites(interrupted: boolean): Promise<HookStateOutcome | undefined>;
}

/**
 * Reads the target's settings before the suites: only a live target the run may write to has settings the run could
 * change and that outlive it.
 */
export async function prepareCleanup(
  settings: RunSettings,
  target: RunTarget,
  out: (line: string) => void,
): Promise<RunCleanup> {
  if (!target.sweepable) return { afterSuites: async () => undefined };
  const keeper = targetSettingsKeeper(settings, out);
  await keeper?.snapshot();
  return {
    async afterSuites(interrupted) {
      let targetSettings: HookStateOutcome | undefined;
      // The settings go back after the sweep, so its deletions never notify the owners' webhook endpoint.
      const cleanup = async () => {
        await sweepRun(settings, target.tag, target.sweepLater, out);
        targetSettings = await keeper?.restore();
      };
      // After an interrupt the clean-up gets a bounded time: whoever pressed Ctrl-C wants the prompt back.
      if (interrupted) await boundedCleanup(cleanup(), target.sweepLater, out);
      else await cleanup();
      return targetSettings;
    },
  };
}

/** Removes what this run created (its run ID's tag); never throws, so it cannot hide the run's own outcome. */
async function sweepRun(settings: RunSettings, tag: string, retry: string, out: (line: string) => void): Promise<void> {
  if (settings.target.kind !== 'url') return;
  const { baseUrl, clientId, clientSecret } = settings.target;
  try {
    const { swept, problems } = await sweepTarget(
      { baseUrl, credentials: { clientId, clientSecret }, timeoutMs: settings.timeoutMs, maxRps: settings.maxRps },
      tagPattern(tag),
      { plan: false, out: (line) => out(`sweep: ${line}`) },
    );
    if (problems.length > 0) out(`sweep: incomplete; ${retry}`);
    else if (swept.length === 0) out(`sweep: nothing tagged ${tag} was left on the target`);
  } catch (error) {
    out(`sweep failed: ${describeError(error)}; ${retry}`);
  }
}

/**
 * Keeps the target's environment-wide settings as the run found them: `snapshot` before the suites, `restore` after
 * them (and after the sweep, so what the sweep's deletions trigger never reaches the owners' webhook endpoint).
 */
function targetSettingsKeeper(settings: RunSettings, out: (line: string) => void) {
  if (settings.target.kind !== 'url') return undefined;
  const { baseUrl, clientId, clientSecret } = settings.target;
  const { timeoutMs } = settings;
  const session = createTokenSession({
    baseUrl,
    credentials: { clientId, clientSecret },
    timeoutMs,
    clock: systemClock,
  });
  const traffic = { allowWrites: true, limiter: settings.maxRps ? new TokenBucket(settings.maxRps) : undefined };
  const hooks = new ControlHooks(
    baseUrl,
    createTransport({ timeoutMs, traffic }),
    () => session.token(),
    () => session.invalidate(),
  );
  let snapshot: HookStateSnapshot | undefined;
  return {
    async snapshot() {
      snapshot = await snapshotHookState(hooks, systemClock);
    },
    /** Never throws; undefined when nothing was read before the run. */
    async restore(): Promise<HookStateOutcome | undefined> {
      if (!snapshot) return undefined;
      const outcome = await restoreHookState(hooks, snapshot, systemClock);
      for (const line of describeHookStateOutcome(outcome)) out(line);
      return outcome;
    },
  };
}
